import assert from 'node:assert/strict';
import { TestAdapter, type TurnContext } from 'botbuilder';
import { after, before, describe, it } from 'mocha';
import { createLogger } from '../../bot/logging';
import { TurnLogger, correlationIdOf, turnLoggerOf } from '../../bot/teams/turnLogger';
import { cardActionInvoke, teamsMessage } from '../support/teamsActivities';
import { LogCapture } from './logCapture';
import { OTHER_TENANT_ID, ProductionHarness, TENANT_ID } from './productionHarness';

/** A clock that answers the given readings in order. */
function readings(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}

function withTurnLogger(
  logic: (context: TurnContext) => Promise<void>,
  ids: string[] = ['corr-1', 'corr-2', 'corr-3'],
): { adapter: TestAdapter; logs: LogCapture } {
  const logs = new LogCapture();
  const adapter = new TestAdapter(logic, { channelId: 'msteams' });
  let n = 0;
  adapter.use(
    new TurnLogger(createLogger('debug', logs.stream), {
      now: readings(1000, 1042, 2000, 2007),
      newId: () => ids[n++] ?? 'corr-x',
    }),
  );
  return { adapter, logs };
}

describe('TurnLogger', () => {
  it('logs one line per turn with the activity type, conversation type, duration and correlation id', async () => {
    const { adapter, logs } = withTurnLogger(async (context) => {
      await context.sendActivity('ok');
    });
    await adapter
      .send({
        type: 'message',
        text: 'hi',
        conversation: { id: 'c', conversationType: 'channel', isGroup: true, name: '' },
      })
      .assertReply('ok')
      .startTest();
    const turns = logs.withMessage('turn');
    assert.equal(turns.length, 1);
    assert.deepEqual(
      {
        correlationId: turns[0]?.correlationId,
        activityType: turns[0]?.activityType,
        conversationType: turns[0]?.conversationType,
        channelId: turns[0]?.channelId,
        durationMs: turns[0]?.durationMs,
      },
      {
        correlationId: 'corr-1',
        activityType: 'message',
        conversationType: 'channel',
        channelId: 'msteams',
        durationMs: 42,
      },
    );
  });

  it('gives each turn its own correlation id', async () => {
    const { adapter, logs } = withTurnLogger(() => Promise.resolve());
    await adapter.send('one').send('two').startTest();
    assert.deepEqual(
      logs.withMessage('turn').map((l) => l.correlationId),
      ['corr-1', 'corr-2'],
    );
  });

  it("hands handlers the turn's child logger and correlation id", async () => {
    let seen = '';
    const { adapter, logs } = withTurnLogger((context) => {
      seen = correlationIdOf(context);
      turnLoggerOf(context, createLogger('silent')).info({ step: 'inside' }, 'handler ran');
      return Promise.resolve();
    });
    await adapter.send('hi').startTest();
    assert.equal(seen, 'corr-1');
    assert.equal(logs.withMessage('handler ran')[0]?.correlationId, 'corr-1');
  });

  it('marks a turn that threw and keeps its correlation id for the error handler', async () => {
    const { adapter, logs } = withTurnLogger(() => Promise.reject(new Error('boom')));
    let handlerId = '';
    adapter.onTurnError = (context) => {
      handlerId = correlationIdOf(context);
      return Promise.resolve();
    };
    await adapter.send('hi').startTest();
    const turn = logs.withMessage('turn')[0];
    assert.equal(turn?.failed, true);
    assert.equal(handlerId, 'corr-1');
  });

  it('gives a turn that did not pass through it a fresh correlation id rather than none', async () => {
    let id = '';
    const adapter = new TestAdapter((context) => {
      id = correlationIdOf(context);
      return Promise.resolve();
    });
    await adapter.send('hi').startTest();
    assert.match(id, /^[0-9a-f-]{36}$/);
  });

  it('never logs the text of a message, even one holding a password', async () => {
    const secret = 'Pa55w0rd!-do-not-log';
    const { adapter, logs } = withTurnLogger(async (context) => {
      await context.sendActivity('ok');
    });
    await adapter.send(`/block 1.2.3.4 password=${secret}`).assertReply('ok').startTest();
    assert.equal(logs.withMessage('turn').length, 1);
    assert.ok(!logs.raw().includes(secret), logs.raw());
    assert.ok(!logs.raw().includes('1.2.3.4'), logs.raw());
  });
});

describe('turn logging over HTTP in production mode', () => {
  const harness = new ProductionHarness();
  before(() => harness.start());
  after(() => harness.stop());

  it('leaves no message text, password-like value or token in any log line of a whole turn', async () => {
    const secret = 'client_secret=Zq8~Sup3rS3cretValue.xyz';
    const token = harness.token();
    const res = await harness.post(
      teamsMessage(`/help ${secret}`, { tenantId: TENANT_ID }),
      `Bearer ${token}`,
    );
    assert.equal(res.status, 200);
    const raw = harness.logs.raw();
    assert.ok(harness.logs.withMessage('turn').length > 0, 'no turn line was logged');
    assert.ok(!raw.includes('Sup3rS3cretValue'), 'the message text was logged');
    assert.ok(!raw.includes(token.split('.')[2] ?? token), 'the inbound token was logged');
    for (const issued of harness.openId.issuedTokens) {
      assert.ok(!raw.includes(issued.split('.')[2] ?? issued), 'the outbound token was logged');
    }
    assert.ok(
      !raw.includes(harness.config.bot.MicrosoftAppPassword?.reveal() ?? '\u0000'),
      'the password was logged',
    );
  });

  it('records the invoke status of a refused card action with the same correlation id as the refusal', async () => {
    const before = harness.logs.lines().length;
    const invoke = {
      ...cardActionInvoke('approve', {}),
      conversation: { id: 'a:personal-chat-1', conversationType: 'personal', tenantId: OTHER_TENANT_ID },
      channelData: { tenant: { id: OTHER_TENANT_ID } },
    };
    const res = await harness.post(invoke, `Bearer ${harness.token()}`);
    assert.equal(res.status, 403);
    const lines = harness.logs.lines().slice(before);
    const turn = lines.find((l) => l.msg === 'turn');
    const refusal = lines.find((l) => l.msg === 'activity from a tenant that is not allowed was refused');
    assert.equal(turn?.invokeStatus, 403);
    assert.equal(turn?.activityName, 'adaptiveCard/action');
    assert.ok(typeof turn?.correlationId === 'string');
    assert.equal(refusal?.correlationId, turn?.correlationId);
  });
});
