import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { BotHarness } from '../support/botHarness';
import { cardActionInvoke, teamsMessage, type Scope } from '../support/teamsActivities';

interface SentActivity {
  text?: string;
  replyToId?: string;
  attachments?: Array<{
    contentType: string;
    content: { version: string; body: Array<Record<string, unknown>> };
  }>;
}

function cardTexts(activity: SentActivity): string {
  return JSON.stringify(activity.attachments?.[0]?.content ?? {});
}

describe('end to end over HTTP: /help', () => {
  const harness = new BotHarness();
  before(() => harness.start());
  after(() => harness.stop());

  for (const scope of ['personal', 'groupChat', 'channel'] as Scope[]) {
    it(`answers /help in a ${scope} conversation with the command list as an Adaptive Card`, async () => {
      const before = harness.connector.sentActivities().length;
      const message = teamsMessage('/help', { scope });
      const res = await harness.post(message);
      assert.equal(res.status, 200);
      const sent = (await harness.connector.waitForActivities(before + 1))[before] as SentActivity;
      assert.equal(sent.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.equal(sent.replyToId, message.id);
      const card = cardTexts(sent);
      for (const command of ['/block', '/new', '/list', '/subscribe', '/status', '/whoami']) {
        assert.ok(card.includes(command), `${command} missing from the help card`);
      }
      assert.ok(!card.includes('${'), 'an unexpanded binding survived');
    });
  }

  it('answers an unknown command with help that names what it did not understand', async () => {
    const before = harness.connector.sentActivities().length;
    await harness.post(teamsMessage('blocklist evil.com'));
    const sent = (await harness.connector.waitForActivities(before + 1))[before] as SentActivity;
    assert.match(cardTexts(sent), /I did not recognise \\"blocklist evil.com\\"/);
  });

  it('stores the conversation reference of a conversation it is spoken to in', async () => {
    await harness.post(teamsMessage('help', { scope: 'channel' }));
    const stored = await harness.conversationsTable.list('conversation');
    const channel = stored.map((s) => s.data).find((r) => r.conversationType === 'channel');
    assert.ok(channel, 'no channel reference stored');
    assert.equal(channel.reference.serviceUrl, harness.connector.url);
    assert.equal(channel.teamId, '19:team-1@thread.tacv2');
    assert.equal(channel.tenantId, '00000000-0000-0000-0000-0000000000001');
  });

  it('answers a card action with an unknown verb with an error response and sends nothing', async () => {
    const before = harness.connector.sentActivities().length;
    const res = await harness.post(cardActionInvoke('noSuchVerb', {}));
    assert.equal(res.status, 400);
    const body = res.body as { statusCode: number; type: string; value: { message: string } };
    assert.equal(body.type, 'application/vnd.microsoft.error');
    assert.match(body.value.message, /not known/);
    assert.equal(harness.connector.sentActivities().length, before);
  });

  it('answers 400 to a request without an activity type', async () => {
    const res = await harness.post({ text: 'hi' });
    assert.equal(res.status, 400);
  });
});

describe('end to end over HTTP: /healthz', () => {
  it('reports every dependency and answers 200 when all are healthy', async () => {
    const harness = new BotHarness({ health: [{ name: 'storage', check: () => Promise.resolve() }] });
    await harness.start();
    try {
      const res = await harness.get('/healthz');
      const body = res.body as {
        status: string;
        version: string;
        checks: Array<{ name: string; ok: boolean }>;
      };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.status, 'ok');
      assert.equal(body.version, 'test');
      assert.deepEqual(body.checks[0], { name: 'storage', ok: true });
      assert.ok(body.checks.every((c) => c.ok));
    } finally {
      await harness.stop();
    }
  });

  it('answers 503 and names the failing dependency', async () => {
    const harness = new BotHarness({
      health: [
        { name: 'storage', check: () => Promise.resolve() },
        { name: 'defender', check: () => Promise.reject(new Error('connection refused')) },
      ],
    });
    await harness.start();
    try {
      const res = await harness.get('/healthz');
      assert.equal(res.status, 503);
      const body = res.body as {
        status: string;
        checks: Array<{ name: string; ok: boolean; detail?: string }>;
      };
      assert.equal(body.status, 'degraded');
      assert.deepEqual(body.checks[1], { name: 'defender', ok: false });
      assert.ok(
        !JSON.stringify(body).includes('connection refused'),
        'error details are not for anonymous callers',
      );
    } finally {
      await harness.stop();
    }
  });
});
