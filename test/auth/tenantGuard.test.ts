import assert from 'node:assert/strict';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { after, before, describe, it } from 'mocha';
import { createLogger, silentLogger } from '../../bot/logging';
import { TENANT_NOT_ALLOWED, TENANT_REFUSAL_TEXT, TenantGuard } from '../../bot/teams/tenantGuard';
import { cardActionInvoke, teamsMessage } from '../support/teamsActivities';
import { LogCapture } from './logCapture';
import { OTHER_TENANT_ID, ProductionHarness, TENANT_ID } from './productionHarness';

const ALLOWED = 'aaaaaaaa-1111-4222-8333-444444444444';
const OTHER = 'bbbbbbbb-1111-4222-8333-444444444444';

/** A TestAdapter on channel `msteams` whose handler records the turns it ran, guarded by a TenantGuard. */
function guarded(guard: TenantGuard): { adapter: TestAdapter; handled: Partial<Activity>[] } {
  const handled: Partial<Activity>[] = [];
  const adapter = new TestAdapter(
    async (context: TurnContext) => {
      handled.push(context.activity);
      await context.sendActivity('handled');
    },
    { channelId: 'msteams' },
  );
  adapter.use(guard);
  return { adapter, handled };
}

const message = (channelTenant: string | undefined, conversationTenant?: string): Partial<Activity> => ({
  type: 'message',
  text: 'hello',
  conversation: {
    id: 'a:1',
    conversationType: 'personal',
    isGroup: false,
    name: '',
    tenantId: conversationTenant,
  },
  ...(channelTenant === undefined ? {} : { channelData: { tenant: { id: channelTenant } } }),
});

describe('TenantGuard with the TestAdapter', () => {
  it('lets a message from an allowed tenant reach the handler', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter.send(message(ALLOWED)).assertReply('handled').startTest();
    assert.equal(handled.length, 1);
  });

  it('takes the tenant from conversation.tenantId when channelData has none', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter.send(message(undefined, ALLOWED)).assertReply('handled').startTest();
    assert.equal(handled.length, 1);
  });

  it('compares tenant ids without regard to case', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED.toUpperCase()], silentLogger()));
    await adapter.send(message(ALLOWED)).assertReply('handled').startTest();
    assert.equal(handled.length, 1);
  });

  it('answers a message from another tenant with one short refusal and runs no handler', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter.send(message(OTHER)).assertReply(TENANT_REFUSAL_TEXT).startTest();
    assert.equal(adapter.activeQueue.length, 0, 'more than one reply');
    assert.equal(handled.length, 0);
  });

  it('prefers channelData.tenant.id over conversation.tenantId', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter.send(message(OTHER, ALLOWED)).assertReply(TENANT_REFUSAL_TEXT).startTest();
    assert.equal(handled.length, 0);
  });

  it('refuses an activity that names no tenant at all', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter.send(message(undefined)).assertReply(TENANT_REFUSAL_TEXT).startTest();
    assert.equal(handled.length, 0);
  });

  it('drops a refused message silently when replies are switched off', async () => {
    const { adapter, handled } = guarded(
      new TenantGuard([ALLOWED], silentLogger(), { replyToMessages: false }),
    );
    await adapter.send(message(OTHER)).startTest();
    assert.equal(adapter.activeQueue.length, 0, 'a reply was sent');
    assert.equal(handled.length, 0);
  });

  it('answers an invoke from another tenant with a 403 error invoke response', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    const invoke: Partial<Activity> = {
      ...message(OTHER),
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      value: { action: { type: 'Action.Execute', verb: 'approve', data: {} } },
    };
    await adapter
      .send(invoke)
      .assertReply((reply) => {
        assert.equal(reply.type, 'invokeResponse');
        assert.deepEqual(reply.value, {
          status: 403,
          body: {
            statusCode: 403,
            type: 'application/vnd.microsoft.error',
            value: { code: TENANT_NOT_ALLOWED, message: TENANT_REFUSAL_TEXT },
          },
        });
      })
      .startTest();
    assert.equal(adapter.activeQueue.length, 0, 'more than the invoke response was sent');
    assert.equal(handled.length, 0);
  });

  it('drops a conversation update from another tenant without a reply', async () => {
    const { adapter, handled } = guarded(new TenantGuard([ALLOWED], silentLogger()));
    await adapter
      .send({
        ...message(OTHER),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: 'bot', name: 'b' }],
      })
      .startTest();
    assert.equal(adapter.activeQueue.length, 0, 'more than the invoke response was sent');
    assert.equal(handled.length, 0);
  });

  it('logs a refusal as a warning with the tenant and activity type but not the text', async () => {
    const logs = new LogCapture();
    const { adapter } = guarded(new TenantGuard([ALLOWED], createLogger('info', logs.stream)));
    const text = 'block evil.example.com password=Hunter2!';
    await adapter
      .send({ ...message(OTHER), text })
      .assertReply(TENANT_REFUSAL_TEXT)
      .startTest();
    const lines = logs.lines();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.tenantId, OTHER);
    assert.equal(lines[0]?.activityType, 'message');
    assert.ok(!logs.raw().includes('evil.example.com'), 'the message text was logged');
    assert.ok(!logs.raw().includes('Hunter2'), 'the message text was logged');
  });
});

describe('TenantGuard over HTTP in production mode', () => {
  const harness = new ProductionHarness();
  before(() => harness.start());
  after(() => harness.stop());

  it('allows exactly the configured tenant (MicrosoftAppTenantId when ALLOWED_TENANT_IDS is unset)', () => {
    assert.deepEqual(harness.config.allowedTenantIds, [TENANT_ID]);
  });

  it("answers another tenant's signed message with one refusal line and stores nothing", async () => {
    const sent = harness.connector.sent().length;
    const stored = (await harness.conversationsTable.list('conversation')).length;
    const res = await harness.post(
      teamsMessage('/help', { tenantId: OTHER_TENANT_ID }),
      `Bearer ${harness.token()}`,
    );
    assert.equal(res.status, 200);
    const replies = harness.connector.sent().slice(sent);
    assert.deepEqual(
      replies.map((r) => r.body.text),
      [TENANT_REFUSAL_TEXT],
    );
    assert.equal(replies[0]?.body.attachments, undefined, 'the refusal carried a card');
    assert.equal((await harness.conversationsTable.list('conversation')).length, stored);
  });

  it("answers another tenant's signed card action with HTTP 403 and an error body, sending nothing", async () => {
    const calls = harness.connector.calls.length;
    const withTenant = {
      ...cardActionInvoke('approve', { requestId: 'r-1' }),
      conversation: { id: 'a:personal-chat-1', conversationType: 'personal', tenantId: OTHER_TENANT_ID },
      channelData: { tenant: { id: OTHER_TENANT_ID } },
    };
    const res = await harness.post(withTenant, `Bearer ${harness.token()}`);
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      statusCode: 403,
      type: 'application/vnd.microsoft.error',
      value: { code: TENANT_NOT_ALLOWED, message: TENANT_REFUSAL_TEXT },
    });
    assert.equal(harness.connector.calls.length, calls);
  });

  it("runs the allowed tenant's card action past the guard", async () => {
    const invoke = {
      ...cardActionInvoke('noSuchVerb', {}),
      conversation: { id: 'a:personal-chat-1', conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
    };
    const res = await harness.post(invoke, `Bearer ${harness.token()}`);
    // The card-action router's own answer for an unknown verb, not the guard's.
    assert.equal(res.status, 400);
    assert.notEqual((res.body as { value?: { code?: string } }).value?.code, TENANT_NOT_ALLOWED);
  });
});
