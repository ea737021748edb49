import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { postInChannel, screenshot, sendInPlayground, withStackAndBrowser } from '../support/browser';

describe('local mode in a browser: four-eyes approval in the Playground', function () {
  this.timeout(240000);
  // Local mode: approval required; Alex Wilber is an approver and may approve his own request.
  const { stack, browser } = withStackAndBrowser();

  it('posts the request to the approvals channel, and an approval puts it in Defender', async () => {
    const page = await browser().newPage({ viewport: { width: 1400, height: 1500 } });
    await page.goto(stack.playgroundUrl, { waitUntil: 'networkidle' });
    await page.getByText('General', { exact: true }).click();
    await page.getByText('Start a new post').waitFor();
    await page.waitForTimeout(1000);
    await postInChannel(page, '/subscribe approvals');
    await page
      .getByText(/This channel now receives/)
      .first()
      .waitFor({ timeout: 20000 });

    await page.getByText('Personal Chat', { exact: true }).click();
    await page.waitForTimeout(1000);
    await sendInPlayground(page, '/block domain malware-drop.net --groups Android');
    await page.getByText('Block request — review').first().waitFor({ timeout: 20000 });
    await page
      .getByRole('button', { name: /Submit for approval/ })
      .last()
      .click();
    await page.getByText('Awaiting approval').first().waitFor({ timeout: 20000 });

    await page.getByText('General', { exact: true }).click();
    await page
      .getByRole('button', { name: /Approve or reject/ })
      .first()
      .click();
    await page
      .getByRole('button', { name: /^Approve$/ })
      .first()
      .click();
    await page.getByText('In Defender').first().waitFor({ timeout: 30000 });
    await screenshot(page, 'playground-approval-channel');

    await page.getByText('Personal Chat', { exact: true }).click();
    await page
      .getByText(/Your request R-\w+ is in Defender/)
      .first()
      .waitFor({ timeout: 20000 });
    await screenshot(page, 'playground-approval-requester');
    assert.ok(
      await page
        .getByText(/in Defender as indicator \d+/)
        .first()
        .isVisible(),
    );
  });
});
