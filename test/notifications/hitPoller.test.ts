/**
 * The poller with fakes: crash and restart at each step (checkpoint, pending index, send) neither loses a hit
 * nor announces it twice; the lease elects one poller; two sources' reports of one hit are one record.
 */
import assert from 'node:assert/strict';
import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import { describe, it } from 'mocha';
import { CardRenderer } from '../../bot/cards/cardRenderer';
import { loadConfig } from '../../bot/config';
import type { FeatureDeps, ProactiveMessenger } from '../../bot/feature';
import type { GraphAlert, GraphClient, HuntingQueryResult } from '../../bot/graph/graphClient';
import { silentLogger } from '../../bot/logging';
import { createHitsFeature, HIT_TABLES, type HitsFeature } from '../../bot/notifications/hitsFeature';
import {
  SUBSCRIPTIONS_TABLE,
  SubscriptionStore,
  type Subscription,
} from '../../bot/notifications/subscriptionStore';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import type { TableStore } from '../../bot/storage/tableStore';
import { FakeDefenderClient } from '../defender/fakeDefenderClient';
import { FakeTableStore } from '../support/fakeTableStore';

const ANDROID = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345605';
const T0 = Date.parse('2026-12-01T10:00:00Z');

class CrashError extends Error {
  override readonly name = 'CrashError';
}

/** The process: once crashed, nothing it does reaches storage or Teams any more. */
class Process {
  crashed = false;
  constructor(readonly crashWhen: (table: string, op: string) => boolean = () => false) {}
  check(table: string, op: string): void {
    if (this.crashed) throw new CrashError('the process is dead');
    if (this.crashWhen(table, op)) {
      this.crashed = true;
      throw new CrashError(`crash at ${table}.${op}`);
    }
  }
}

function crashable<T>(inner: TableStore<T>, name: string, proc: Process): TableStore<T> {
  const guard =
    <A extends unknown[], R>(op: string, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      proc.check(name, op);
      return fn(...a);
    };
  return {
    get: guard('get', (pk: string, rk: string) => inner.get(pk, rk)),
    insert: guard('insert', (pk: string, rk: string, d: T) => inner.insert(pk, rk, d)),
    replace: guard('replace', (pk: string, rk: string, d: T, e: string) => inner.replace(pk, rk, d, e)),
    upsert: guard('upsert', (pk: string, rk: string, d: T) => inner.upsert(pk, rk, d)),
    list: guard('list', (pk: string) => inner.list(pk)),
    delete: guard('delete', (pk: string, rk: string) => inner.delete(pk, rk)),
    ping: guard('ping', () => inner.ping()),
  };
}

class Teams implements ProactiveMessenger {
  readonly posts: Array<{ conversationId: string; activity: Partial<Activity> }> = [];
  readonly updates: Array<{ activityId: string; activity: Partial<Activity> }> = [];
  proc?: Process;
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    this.proc?.check('teams', 'send');
    this.posts.push({ conversationId: reference.conversation?.id ?? '', activity });
    return Promise.resolve(`m-${this.posts.length}`);
  }
  update(
    _reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    this.proc?.check('teams', 'update');
    this.updates.push({ activityId, activity });
    return Promise.resolve();
  }
  cards(): number {
    return this.posts.filter((p) => p.activity.attachments?.length).length;
  }
}

class FakeGraph implements GraphClient {
  alerts: GraphAlert[] = [];
  rows: Record<string, unknown>[] = [];
  async *listAlerts(): AsyncIterable<GraphAlert> {
    yield* await Promise.resolve(this.alerts);
  }
  runHuntingQuery(): Promise<HuntingQueryResult> {
    return Promise.resolve({ schema: [], results: this.rows });
  }
  checkMemberGroups(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

function huntingRow(at: number, url: string, reportId: number): Record<string, unknown> {
  return {
    Timestamp: new Date(at).toISOString(),
    DeviceId: ANDROID,
    DeviceName: 'pixel-isaiahl',
    OSPlatform: 'Android',
    MachineGroup: 'Android',
    ActionType: 'ExploitGuardNetworkProtectionBlocked',
    RemoteUrl: url,
    RemoteIP: null,
    AccountUpn: 'isaiah@example.com',
    ReportId: reportId,
  };
}

function alert(at: number, url: string, id: string): GraphAlert {
  const iso = new Date(at).toISOString();
  return {
    id,
    detectionSource: 'customTi',
    createdDateTime: iso,
    lastUpdateDateTime: iso,
    firstActivityDateTime: iso,
    alertWebUrl: `https://security.microsoft.com/alerts/${id}`,
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        mdeDeviceId: ANDROID,
        deviceDnsName: 'pixel-isaiahl',
        osPlatform: 'Android',
        rbacGroupName: 'Android',
      },
      {
        '@odata.type': '#microsoft.graph.security.urlEvidence',
        url,
        remoteStatus: 'blocked',
        remediationStatus: 'blocked',
      },
    ],
  };
}

/** Storage, Defender, Graph and Teams that outlive one bot process. */
class World {
  readonly tables = new Map<string, TableStore<unknown>>();
  readonly graph = new FakeGraph();
  readonly defender = new FakeDefenderClient();
  readonly teams = new Teams();
  now = T0;
  readonly config = loadConfig({});

  table<T>(name: string): TableStore<T> {
    if (!this.tables.has(name)) this.tables.set(name, new FakeTableStore<unknown>());
    return this.tables.get(name) as TableStore<T>;
  }

  async setUp(): Promise<void> {
    await this.defender.submit({
      indicatorValue: 'evil.example',
      indicatorType: 'DomainName',
      action: 'Block',
      title: 'evil',
      description: 'test',
      rbacGroupNames: ['Android'],
    });
    const sub: Subscription = {
      kind: 'hits',
      conversationId: '19:soc@thread.tacv2',
      reference: {
        conversation: { id: '19:soc@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' },
      },
      createdBy: { aadObjectId: 'a', name: 'A' },
      createdAt: new Date(T0).toISOString(),
    };
    await new SubscriptionStore(this.table<Subscription>(SUBSCRIPTIONS_TABLE)).add(sub);
  }

  /** Starts a bot process on this world. */
  boot(proc: Process = new Process(), instanceId = 'one'): HitsFeature {
    this.teams.proc = proc;
    const deps: FeatureDeps = {
      config: this.config,
      logger: silentLogger(),
      now: () => new Date(this.now),
      cards: new CardRenderer(),
      tables: <T>(name: string) => crashable(this.table<T>(name), name, proc),
      conversations: new ConversationStore(new FakeTableStore<ConversationRecord>()),
      defender: this.defender,
      graph: this.graph,
      messenger: this.teams,
      adapter: undefined as unknown as CloudAdapter,
    };
    return createHitsFeature(deps, { instanceId });
  }
}

async function world(): Promise<World> {
  const w = new World();
  await w.setUp();
  return w;
}

describe('hit poller: checkpoints, crashes and restarts', () => {
  it('announces a hit once and nothing on the next poll', async () => {
    const w = await world();
    w.graph.rows = [huntingRow(T0 - 60_000, 'https://a.evil.example/', 1)];
    const bot = w.boot();
    await bot.pollOnce();
    w.now += 5_000;
    await bot.pollOnce();
    assert.equal(w.teams.cards(), 1);
  });

  const crashes: Array<{ name: string; table: string; op: string }> = [
    {
      name: 'after the hits are recorded and before the checkpoint moves',
      table: HIT_TABLES.checkpoints,
      op: 'upsert',
    },
    { name: 'between the hit record and its pending entry', table: HIT_TABLES.pending, op: 'upsert' },
    { name: 'after the checkpoint moved and before the card is sent', table: 'teams', op: 'send' },
    {
      name: 'after the card is sent and before the hit is marked announced',
      table: HIT_TABLES.hits,
      op: 'replace',
    },
  ];
  for (const c of crashes) {
    it(`neither loses nor repeats a hit when the bot crashes ${c.name}`, async () => {
      const w = await world();
      w.graph.rows = [huntingRow(T0 - 60_000, 'https://a.evil.example/', 1)];
      const dying = new Process((table, op) => table === c.table && op === c.op);
      await w.boot(dying).pollOnce();
      assert.ok(dying.crashed, 'the crash point was never reached');
      w.now += 5_000;
      const restarted = w.boot(new Process(), 'two');
      // The dead instance's lease must expire first.
      w.now += 120_000;
      await restarted.pollOnce();
      await restarted.pollOnce();
      assert.equal(w.teams.cards(), 1);
    });
  }

  it('lets only the lease holder poll, and hands over when the holder stops renewing', async () => {
    const w = await world();
    w.graph.rows = [huntingRow(T0 - 60_000, 'https://a.evil.example/', 1)];
    const first = w.boot(new Process(), 'first');
    const second = w.boot(new Process(), 'second');
    assert.equal((await first.pollOnce()).leader, true);
    assert.equal((await second.pollOnce()).leader, false);
    w.now += 60_000;
    assert.equal((await second.pollOnce()).leader, true);
    assert.equal((await first.pollOnce()).leader, false);
    assert.equal(w.teams.cards(), 1);
  });

  it('records an alert and a hunting row of the same hit as one hit seen by both sources', async () => {
    const w = await world();
    w.graph.rows = [huntingRow(T0 - 60_000, 'https://a.evil.example/', 1)];
    w.graph.alerts = [alert(T0 - 30_000, 'https://a.evil.example/', 'da1')];
    const report = await w.boot().pollOnce();
    assert.equal(report.recorded, 1);
    assert.equal(report.merged, 1);
    assert.equal(w.teams.cards(), 1);
    assert.match(JSON.stringify(w.teams.posts[0]?.activity), /Graph alerts_v2 \+ Advanced hunting/);
  });

  it('keeps two hits apart when the sources report them further apart than the match window', async () => {
    const w = await world();
    w.graph.rows = [huntingRow(T0 - 20 * 60_000, 'https://a.evil.example/', 1)];
    w.graph.alerts = [alert(T0 - 60_000, 'https://a.evil.example/', 'da1')];
    const report = await w.boot().pollOnce();
    assert.equal(report.recorded, 2);
    assert.equal(report.merged, 0);
  });

  it('keeps the checkpoint and reports the error when a source fails', async () => {
    const w = await world();
    const bot = w.boot();
    w.graph.runHuntingQuery = () => Promise.reject(new Error('Graph runHuntingQuery failed (503)'));
    const report = await bot.pollOnce();
    assert.deepEqual(report.errors, ['hunting: Graph runHuntingQuery failed (503)']);
    const hunting = bot.hitSourceStatus().find((s) => s.name === 'hunting');
    assert.equal(hunting?.lastError, 'Graph runHuntingQuery failed (503)');
    assert.equal(hunting?.lagSeconds, undefined);
    assert.equal(bot.hitSourceStatus().find((s) => s.name === 'alerts')?.lastError, undefined);
  });
});
