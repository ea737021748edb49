import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { screenshot, sendInPlayground, withStackAndBrowser } from '../support/browser';

describe('local mode in a browser: a /block request from the Playground to the simulator', function () {
  this.timeout(180000);
  const { stack, browser } = withStackAndBrowser({ APPROVAL_MODE: 'none' });

  it('types /block url example.org, fills the card, submits, and sees the frozen summary', async () => {
    const page = await browser().newPage({ viewport: { width: 1400, height: 1600 } });
    await page.goto(stack.playgroundUrl, { waitUntil: 'networkidle' });
    await sendInPlayground(page, '/block url example.org');
    await page.getByText('Block request — review').waitFor({ timeout: 20000 });

    await page.getByLabel(/^Title/).fill('Phishing landing page');
    await page.getByLabel(/^Expires/).fill('7d');
    await page.getByRole('combobox', { name: /Severity/ }).click();
    await page.getByRole('option', { name: 'High' }).click();
    await screenshot(page, 'playground-block-review');

    await page.getByRole('button', { name: /Submit to Defender/ }).click();
    const summary = page.getByText(/in Defender as indicator \d+/);
    await summary.waitFor({ timeout: 20000 });
    await screenshot(page, 'playground-block-submitted');

    assert.ok(await page.getByText('In Defender', { exact: true }).isVisible());
    assert.equal(
      await page.getByRole('button', { name: /Submit to Defender/ }).count(),
      0,
      'Submit is still offered',
    );
    assert.ok(await page.getByText('High', { exact: true }).isVisible());
  });
});
