import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { screenshot, sendInPlayground, withStackAndBrowser } from '../support/browser';

describe('local mode in a browser: the Agents Playground', function () {
  this.timeout(180000);
  const { stack, browser } = withStackAndBrowser();

  it('answers help in the personal chat with the command card', async () => {
    const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(stack.playgroundUrl, { waitUntil: 'networkidle' });
    await sendInPlayground(page, 'help');
    const card = page.getByText('Request a Block indicator for one or more values.');
    await card.waitFor({ timeout: 20000 });
    await screenshot(page, 'playground-help');
    assert.ok(await page.getByText('Defender IoC Bot', { exact: true }).first().isVisible());
    assert.ok(
      await page
        .getByText('Connect this channel to approval requests or mobile hit notifications (admins only).')
        .isVisible(),
    );
    const health = await fetch(`http://127.0.0.1:${stack.port}/healthz`);
    assert.equal(health.status, 200);
  });
});
