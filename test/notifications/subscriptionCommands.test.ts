import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import { describe, it } from 'mocha';
import { SubscriptionStore, type Subscription } from '../../bot/notifications/subscriptionStore';
import type { CommandContext } from '../../bot/teams/commandRouter';
import { SubscribeCommand } from '../../bot/teams/commands/subscribeCommand';
import { UnsubscribeCommand } from '../../bot/teams/commands/unsubscribeCommand';
import { FakeTableStore } from '../support/fakeTableStore';
import { ALEX, teamsMessage, type Scope } from '../support/teamsActivities';

const NOW = new Date('2026-12-01T10:00:00Z');
const BOB = { id: '29:bob', name: 'Bob', aadObjectId: '00000000-0000-0000-0000-0000000000099' };

function ctx(text: string, scope: Scope = 'channel', from: typeof BOB | typeof ALEX = ALEX): CommandContext {
  const activity = teamsMessage(text, { scope, from });
  const keyword = /^\/?(\S+)/.exec(text)?.[1]?.toLowerCase() ?? '';
  return {
    text,
    keyword,
    args: text.replace(/^\/?\S+\s*/, ''),
    actor: { aadObjectId: from.aadObjectId, name: from.name, tenantId: 't' },
    turn: { activity } as unknown as TurnContext,
  };
}

function setup(): { store: SubscriptionStore; subscribe: SubscribeCommand; unsubscribe: UnsubscribeCommand } {
  const store = new SubscriptionStore(new FakeTableStore<Subscription>());
  const deps = { store, adminUserIds: [ALEX.aadObjectId], now: () => NOW };
  return { store, subscribe: new SubscribeCommand(deps), unsubscribe: new UnsubscribeCommand(deps) };
}

describe('/subscribe and /unsubscribe', () => {
  it('stores a hit subscription with the parsed filters and a channel reference without a thread suffix', async () => {
    const { store, subscribe } = setup();
    const reply = await subscribe.handle(
      ctx('/subscribe hits --actions block --platforms android --groups Android'),
    );
    assert.match(reply, /Block hits on Android \(device groups Android\)/);
    const [sub] = await store.list('hits');
    assert.deepEqual(sub?.filters, { actions: ['Block'], platforms: ['Android'], groups: ['Android'] });
    assert.equal(sub?.conversationId, '19:soc-channel@thread.tacv2');
    assert.equal(sub?.reference.conversation?.id, '19:soc-channel@thread.tacv2');
    assert.equal(sub?.channelName, 'SOC');
    assert.equal(sub?.teamId, '19:team-1@thread.tacv2');
    assert.deepEqual(sub?.createdBy, { aadObjectId: ALEX.aadObjectId, name: ALEX.name });
  });

  it('reads --platforms all as every platform', async () => {
    const { store, subscribe } = setup();
    await subscribe.handle(ctx('/subscribe hits --platforms all'));
    const [sub] = await store.list('hits');
    assert.deepEqual(sub?.filters?.platforms, ['iOS', 'Android', 'Windows', 'macOS', 'Linux']);
  });

  it('stores an approvals subscription separately from a hits subscription', async () => {
    const { store, subscribe } = setup();
    await subscribe.handle(ctx('/subscribe approvals'));
    await subscribe.handle(ctx('/subscribe hits'));
    assert.equal((await store.list('approvals')).length, 1);
    assert.equal((await store.list('hits')).length, 1);
  });

  for (const scope of ['personal', 'groupChat'] as const) {
    it(`refuses to subscribe a ${scope} conversation and says it works in channels only`, async () => {
      const { store, subscribe } = setup();
      await assert.rejects(subscribe.handle(ctx('/subscribe hits', scope)), {
        name: 'ValidationError',
        code: 'validation',
      });
      assert.equal((await store.list('hits')).length, 0);
    });
  }

  it('refuses a non-admin with an authorisation error', async () => {
    const { store, subscribe } = setup();
    await assert.rejects(subscribe.handle(ctx('/subscribe hits', 'channel', BOB)), {
      name: 'AuthorizationError',
      code: 'unauthorized',
    });
    assert.equal((await store.list('hits')).length, 0);
  });

  it('refuses unknown filters with the usage', async () => {
    const { subscribe } = setup();
    await assert.rejects(subscribe.handle(ctx('/subscribe hits --platforms symbian')), {
      name: 'CommandParseError',
      code: 'commandParse',
    });
  });

  it('removes only the named kind with /unsubscribe hits', async () => {
    const { store, subscribe, unsubscribe } = setup();
    await subscribe.handle(ctx('/subscribe approvals'));
    await subscribe.handle(ctx('/subscribe hits'));
    const reply = await unsubscribe.handle(ctx('/unsubscribe hits'));
    assert.match(reply, /no longer receives hit notifications/);
    assert.equal((await store.list('hits')).length, 0);
    assert.equal((await store.list('approvals')).length, 1);
  });

  it('removes both kinds with a bare /unsubscribe', async () => {
    const { store, subscribe, unsubscribe } = setup();
    await subscribe.handle(ctx('/subscribe approvals'));
    await subscribe.handle(ctx('/subscribe hits'));
    await unsubscribe.handle(ctx('/unsubscribe'));
    assert.equal((await store.list('hits')).length + (await store.list('approvals')).length, 0);
  });

  it('says nothing changed when the channel was not subscribed', async () => {
    const { unsubscribe } = setup();
    assert.match(await unsubscribe.handle(ctx('/unsubscribe hits')), /nothing changed/);
  });
});
