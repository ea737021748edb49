/**
 * Hit notifications end to end: a simulated device visits a blocked domain at the simulator, the bot polls its
 * sources, and the card arrives at the connector stub of the subscribed channel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { createClients } from '../../bot/clients';
import type { DefenderClient } from '../../bot/defender/defenderClient';
import { silentLogger } from '../../bot/logging';
import type { HitsFeature } from '../../bot/notifications/hitsFeature';
import { DEVICE_IDS } from '../../simulator/devices/deviceFixture';
import { BotHarness } from '../support/botHarness';
import { cardActionInvoke, teamsMessage } from '../support/teamsActivities';

interface SentActivity {
  text?: string;
  attachments?: Array<{ content: Record<string, unknown> }>;
}

describe('end to end: hit notifications from simulated device visits', () => {
  const harness = new BotHarness();
  let defender: DefenderClient;
  let hits: HitsFeature;

  before(async () => {
    await harness.start();
    defender = createClients(harness.config, silentLogger()).defender;
    hits = harness.app.features.find((f) => f.name === 'hits') as HitsFeature;
    const res = await harness.post(teamsMessage('/subscribe hits', { scope: 'channel' }));
    assert.equal(res.status, 200);
  });
  after(() => harness.stop());

  async function block(
    value: string,
    action: 'Block' | 'Audit' = 'Block',
    groups: string[] = ['Android'],
  ): Promise<string> {
    const created = await defender.submit({
      indicatorValue: value,
      indicatorType: 'DomainName',
      action,
      title: `Test ${value}`,
      description: 'e2e',
      generateAlert: true,
      rbacGroupNames: groups,
    });
    return created.id;
  }

  async function visit(deviceId: string, url: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${harness.sim.url}/_sim/devices/${deviceId}/visit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }

  /** Cards posted since `from` (POSTs with an attachment). */
  function cardsSince(from: number): string[] {
    return (harness.connector.sentActivities().slice(from) as SentActivity[])
      .filter((a) => a.attachments?.length)
      .map((a) => JSON.stringify(a.attachments?.[0]?.content).replace(/\\\\/g, ''));
  }

  it('posts one card for an Android phone blocked on a subdomain of a Block indicator (advanced hunting)', async () => {
    await block('evil-one.example');
    const outcome = await visit(DEVICE_IDS.android, 'https://login.evil-one.example/phish');
    assert.equal(outcome.decision, 'blocked');
    assert.equal(
      outcome.alertId,
      undefined,
      'the simulator raised a mobile alert although current docs say none',
    );
    const from = harness.connector.sentActivities().length;
    const report = await hits.pollOnce();
    assert.deepEqual(report.errors, []);
    const cards = cardsSince(from);
    assert.equal(cards.length, 1);
    const card = cards[0] ?? '';
    for (const expected of [
      'Block hit on Android',
      'evil-one.example (DomainName)',
      'pixel-isaiahl',
      'isaiah@example.com',
      'Advanced hunting',
      'hitEscalate',
      'hitMute',
      'https://security.microsoft.com/',
    ]) {
      assert.ok(card.includes(expected), `card lacks ${expected}: ${card}`);
    }
  });

  it('announces nothing again on the next poll', async () => {
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    assert.equal(harness.connector.sentActivities().length, from);
  });

  it('reads the hit from Graph alerts_v2 when the tenant raises alerts, and merges it with the hunting row', async () => {
    await block('evil-two.example');
    harness.sim.switches.mobileAlerts = true;
    try {
      const outcome = await visit(DEVICE_IDS.android, 'https://evil-two.example/');
      assert.ok(outcome.alertId, 'no alert was raised');
      const from = harness.connector.sentActivities().length;
      const report = await hits.pollOnce();
      assert.equal(report.recorded, 1);
      assert.equal(report.merged, 1);
      const cards = cardsSince(from);
      assert.equal(cards.length, 1);
      assert.ok(cards[0]?.includes('Graph alerts_v2 + Advanced hunting'), cards[0]);
      assert.ok(
        cards[0]?.includes(`https://security.microsoft.com/alerts/${outcome.alertId as string}`),
        cards[0],
      );
    } finally {
      harness.sim.switches.mobileAlerts = false;
    }
  });

  it('aggregates a burst on one indicator into one card, then updates it and replies in its thread', async () => {
    await block('evil-burst.example', 'Block', []);
    for (let i = 0; i < 5; i++) await visit(DEVICE_IDS.android, `https://evil-burst.example/${i}`);
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    const cards = cardsSince(from);
    assert.equal(cards.length, 1);
    assert.ok(cards[0]?.includes('5 hits on 1 device'), cards[0]);
    const putsBefore = harness.connector.calls.filter((c) => c.method === 'PUT').length;
    await visit(DEVICE_IDS.iosSupervised, 'https://evil-burst.example/again');
    const from2 = harness.connector.sentActivities().length;
    await hits.pollOnce();
    const puts = harness.connector.calls.filter((c) => c.method === 'PUT');
    assert.equal(puts.length, putsBefore + 1);
    assert.ok(JSON.stringify(puts.at(-1)?.body).includes('6 hits on 2 devices'));
    const replies = harness.connector.calls.slice(-1);
    assert.match(replies[0]?.path ?? '', /messageid%3Dstub-|messageid=stub-/);
    assert.equal(cardsSince(from2).length, 0);
  });

  it('marks a hit on an indicator the bot does not know, and still reports it', async () => {
    const id = await block('evil-gone.example');
    await visit(DEVICE_IDS.android, 'https://evil-gone.example/');
    await defender.delete(id);
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    const cards = cardsSince(from);
    assert.equal(cards.length, 1);
    assert.ok(cards[0]?.includes('No indicator the bot knows covers this'), cards[0]);
  });

  it('leaves out hits that the subscription filters do not want (Windows, by default)', async () => {
    await block('evil-desk.example', 'Block', []);
    await visit(DEVICE_IDS.windows, 'https://evil-desk.example/');
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    assert.equal(cardsSince(from).length, 0);
  });

  it('opens a Block request prefilled from the hit when Escalate is clicked', async () => {
    await block('evil-audit-drop.net', 'Audit');
    await visit(DEVICE_IDS.android, 'https://evil-audit-drop.net/');
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    const card = cardsSince(from)[0] ?? '';
    const hitId = /"hitId":"([^"]+)"/.exec(card)?.[1];
    assert.ok(hitId, card);
    const before = harness.connector.sentActivities().length;
    const res = await harness.post(cardActionInvoke('hitEscalate', { hitId }, { scope: 'channel' }));
    const body = res.body as { statusCode: number; value: string };
    assert.equal(body.statusCode, 200);
    assert.match(body.value, /A Block request prefilled from this hit is open below/);
    const review = JSON.stringify((await harness.connector.waitForActivities(before + 1))[before]);
    assert.match(review, /Block request — review/);
    assert.match(review, /evil-audit-drop\.net/);
    assert.match(review, /Escalated from Audit hit on pixel-isaiahl/);
  });

  it('stops posting hits on an indicator muted in the channel', async () => {
    await block('evil-mute.example');
    await visit(DEVICE_IDS.android, 'https://evil-mute.example/1');
    const from = harness.connector.sentActivities().length;
    await hits.pollOnce();
    const hitId = /"hitId":"([^"]+)"/.exec(cardsSince(from)[0] ?? '')?.[1];
    const res = await harness.post(cardActionInvoke('hitMute', { hitId }, { scope: 'channel' }));
    assert.match((res.body as { value: string }).value, /Muted hits on evil-mute\.example/);
    await visit(DEVICE_IDS.android, 'https://evil-mute.example/2');
    const before = harness.connector.calls.length;
    await hits.pollOnce();
    assert.equal(harness.connector.calls.length, before);
  });

  it('reports each source in the status text with its counts and the hunting query', async () => {
    const text = await hits.statusText();
    assert.match(text, /Advanced hunting \(on\): last poll .*, lag \d+ s/);
    assert.match(text, /Graph alerts_v2 \(on\)/);
    assert.match(text, /no alerts/);
    assert.match(text, /CustomBlockList/);
    const hunting = hits.hitSourceStatus().find((s) => s.name === 'hunting');
    assert.ok((hunting?.totalCount ?? 0) >= 8);
  });
});
