import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { postInChannel, screenshot, withStackAndBrowser } from '../support/browser';

/** The simulated Android phone of the simulator's device fixture (pixel-isaiahl). */
const ANDROID_DEVICE = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345605';

describe('local mode in a browser: a hit on an Android phone reaches the SOC channel', function () {
  this.timeout(240000);
  const { stack, browser } = withStackAndBrowser({ APPROVAL_MODE: 'none', HIT_POLL_SECONDS: '2' });

  it('subscribes the General channel, blocks a domain for Android, and shows the hit card after a visit', async () => {
    const page = await browser().newPage({ viewport: { width: 1400, height: 1400 } });
    await page.goto(stack.playgroundUrl, { waitUntil: 'networkidle' });
    await page.getByText('General', { exact: true }).click();
    await page.getByText('Start a new post').waitFor();
    await page.waitForTimeout(1000);

    await postInChannel(page, '/subscribe hits');
    await page
      .getByText(/This channel now receives hit notifications/)
      .first()
      .waitFor({ timeout: 20000 });

    await postInChannel(page, '/block domain malware-drop.net --groups Android');
    await page.getByText('Block request — review').first().waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: /Submit to Defender/ }).click();
    await page
      .getByText(/in Defender as indicator \d+/)
      .first()
      .waitFor({ timeout: 20000 });

    const visit = (await stack.simulator('POST', `/_sim/devices/${ANDROID_DEVICE}/visit`, {
      url: 'https://login.malware-drop.net/',
    })) as { decision: string };
    assert.equal(visit.decision, 'blocked');

    const card = page.getByText('Block hit on Android: malware-drop.net').first();
    await card.waitFor({ timeout: 60000 });
    await screenshot(page, 'playground-hit-card');
    assert.ok(await page.getByText('pixel-isaiahl').first().isVisible());
    assert.ok(await page.getByRole('button', { name: 'Escalate to Block' }).first().isVisible());
    assert.ok(await page.getByRole('button', { name: 'Mute 24 h' }).first().isVisible());
  });
});
