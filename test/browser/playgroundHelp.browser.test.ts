import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import type { Browser } from 'playwright-core';
import { LocalStack } from '../support/localStack';
import { hasChromium, launchBrowser, screenshot, sendInPlayground } from '../support/browser';

describe('local mode in a browser: the Agents Playground', function () {
  this.timeout(180000);
  const stack = new LocalStack();
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) {
      // CI installs Chromium (.ci/run) and must run this test; elsewhere it is optional.
      if (process.env.CI) throw new Error('Chromium is missing at /usr/bin/chromium');
      this.skip();
    }
    await stack.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('answers help in the personal chat with the command card', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
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
