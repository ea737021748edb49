/**
 * Workload 4, hit fan-out: 10,000 simulated hits on 100 indicators (iOS/Android, Block) for 20 channels subscribed
 * to hits, run through the bot's hit-notification feature as it is built (`createHitsFeature`: hunting source
 * replaced by a scripted one, correlator against a fake Defender holding the 100 indicators, ledger, per-channel
 * aggregation, rate-limited sender) with polls every poll interval (production default 60 s).
 *
 * Time is virtual: one clock drives the polls, the feature's `now` and the sender's pacing, so ten minutes of hits
 * and however long the sends take under the Teams limits cost only the real CPU time. The messenger behind the
 * sender records the virtual time of each send or update instead of posting it, and an independent check
 * (`teamsLimits.ts`) grades those times against the Teams windows. A hit counts as accounted for when every
 * subscribed channel's thread counters include it; its hit-to-card latency is taken, as an upper bound, at the end
 * of the poll that announced it.
 */
import { performance } from 'node:perf_hooks';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import { CardRenderer } from '../bot/cards/cardRenderer';
import { loadConfig } from '../bot/config';
import type { FeatureDeps, ProactiveMessenger } from '../bot/feature';
import { silentLogger } from '../bot/logging';
import type { HitThread } from '../bot/notifications/hitAnnouncer';
import type { RawHit } from '../bot/notifications/hitRecord';
import type { HitPollResult, HitSource } from '../bot/notifications/hitSource';
import { HIT_TABLES, createHitsFeature } from '../bot/notifications/hitsFeature';
import {
  SUBSCRIPTIONS_TABLE,
  SubscriptionStore,
  type Subscription,
} from '../bot/notifications/subscriptionStore';
import { ConversationStore, type ConversationRecord } from '../bot/storage/conversationStore';
import type { Stored, TableStore } from '../bot/storage/tableStore';
import { FakeDefenderClient } from '../test/defender/fakeDefenderClient';
import { FakeGraphClient } from '../test/approvals/fakeGraphClient';
import { FakeClock } from '../test/http/fakeClock';
import { FakeTableStore } from '../test/support/fakeTableStore';
import { percentile, round } from './stats';
import { TEAMS_PER_APP, TEAMS_PER_CONVERSATION, countViolations } from './teamsLimits';

/** Options of {@link runHitFanoutBench}. */
export interface HitFanoutOptions {
  readonly hits?: number;
  readonly indicators?: number;
  readonly channels?: number;
  readonly pollIntervalMs?: number;
  /** Hits are spread evenly over this many poll intervals. */
  readonly polls?: number;
}

/** Result of the workload. */
export interface HitFanoutResult {
  readonly hits: number;
  readonly indicators: number;
  readonly channels: number;
  /** Hits that every subscribed channel's thread counters include. */
  readonly accounted: number;
  /** Hits the ledger still holds as pending (not announced) at the end. */
  readonly stillPending: number;
  /** Sends and card updates handed to Teams. */
  readonly messagesSent: number;
  readonly cardsPosted: number;
  readonly cardUpdates: number;
  /** Sends that broke a per-conversation window, plus those that broke the per-app window. */
  readonly limitViolations: number;
  readonly perConversationViolations: number;
  readonly perAppViolations: number;
  readonly pollIntervalMs: number;
  /** p99 of (end of the announcing poll − hit happened) − poll interval, virtual ms. */
  readonly p99ExtraMs: number;
  /** Longest poll (virtual ms, polling and announcing), against the poll interval. */
  readonly longestPollMs: number;
  /** Virtual time from the first poll to the end of the last. */
  readonly virtualMs: number;
  /** Real time the workload took. */
  readonly realMs: number;
  readonly measured: string;
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const TENANT = '00000000-0000-0000-0000-0000000000001';

/** A messenger that records when (virtual time) each activity was handed to it. */
class RecordingMessenger implements ProactiveMessenger {
  readonly sends: Array<{ conversationId: string; at: number; kind: 'send' | 'update' }> = [];
  constructor(private readonly now: () => number) {}

  send(reference: Partial<ConversationReference>, _activity: Partial<Activity>): Promise<string> {
    this.sends.push({ conversationId: reference.conversation?.id ?? '', at: this.now(), kind: 'send' });
    return Promise.resolve(`${1_700_000_000_000 + this.sends.length}`);
  }

  update(
    reference: Partial<ConversationReference>,
    _id: string,
    _activity: Partial<Activity>,
  ): Promise<void> {
    this.sends.push({ conversationId: reference.conversation?.id ?? '', at: this.now(), kind: 'update' });
    return Promise.resolve();
  }
}

/** The threads table, remembering the last count of every (channel, indicator, window) it held. */
class ThreadCounts<T> extends FakeTableStore<T> {
  readonly counts = new Map<string, number>();

  override upsert(pk: string, rk: string, data: T): Promise<Stored<T>> {
    const thread = data as unknown as HitThread;
    this.counts.set(`${pk}\u0000${rk}\u0000${thread.windowStart}`, thread.count);
    return super.upsert(pk, rk, data);
  }

  /** Hits counted per channel (partition). */
  perChannel(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, count] of this.counts) {
      const pk = key.split('\u0000')[0] ?? '';
      out.set(pk, (out.get(pk) ?? 0) + count);
    }
    return out;
  }
}

/** A hunting source that reports the scripted hits between its checkpoint and now. */
class ScriptedSource implements HitSource {
  readonly name = 'hunting' as const;
  readonly description = 'benchmark hits';
  constructor(private readonly hits: readonly RawHit[]) {}

  poll(checkpoint: string | undefined, now: Date): Promise<HitPollResult> {
    const from = checkpoint === undefined ? 0 : Date.parse(checkpoint);
    const to = now.getTime();
    const hits = this.hits.filter((h) => {
      const t = Date.parse(h.timestamp);
      return t > from && t <= to;
    });
    return Promise.resolve({ hits, checkpoint: now.toISOString() });
  }
}

function channelSubscription(c: number): Subscription {
  const conversationId = `19:soc-${c}@thread.tacv2`;
  return {
    kind: 'hits',
    conversationId,
    reference: {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      bot: { id: '28:bot-app-id', name: 'IoC Bot' },
      conversation: {
        id: conversationId,
        isGroup: true,
        conversationType: 'channel',
        name: `SOC ${c}`,
        tenantId: TENANT,
      },
    },
    channelName: `SOC ${c}`,
    teamId: '19:team-1@thread.tacv2',
    createdBy: { aadObjectId: 'admin-1', name: 'Bench Admin' },
    createdAt: new Date(T0 - 86_400_000).toISOString(),
  };
}

/** Runs the workload. */
export async function runHitFanoutBench(options: HitFanoutOptions = {}): Promise<HitFanoutResult> {
  const hitCount = options.hits ?? 10_000;
  const indicators = options.indicators ?? 100;
  const channels = options.channels ?? 20;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  const polls = options.polls ?? 10;
  const realStart = performance.now();
  const clock = new FakeClock({ startMs: T0 });
  const now = (): Date => new Date(clock.now());

  const span = polls * pollIntervalMs;
  const hitAt = (i: number): number => T0 + Math.floor(((i + 0.5) * span) / hitCount);
  const hits: RawHit[] = Array.from({ length: hitCount }, (_, i) => ({
    source: 'hunting',
    sourceId: `bench-${i}`,
    timestamp: new Date(hitAt(i)).toISOString(),
    deviceId: `device-${i % 500}`,
    deviceName: `phone-${i % 500}`,
    osPlatform: i % 2 ? 'iOS' : 'Android',
    user: `user${i % 300}@contoso.com`,
    url: `https://evil${i % indicators}.example.com/landing/${i}`,
    action: 'Block',
  }));

  const defender = new FakeDefenderClient([], now);
  for (let k = 0; k < indicators; k++) {
    await defender.submit({
      indicatorType: 'DomainName',
      indicatorValue: `evil${k}.example.com`,
      action: 'Block',
      title: `Bench indicator ${k}`,
      description: 'Hit fan-out benchmark',
    });
  }
  const tables = new Map<string, TableStore<unknown>>();
  const threads = new ThreadCounts<unknown>();
  tables.set(HIT_TABLES.threads, threads);
  const table = <T>(name: string): TableStore<T> => {
    if (!tables.has(name)) tables.set(name, new FakeTableStore<unknown>());
    return tables.get(name) as TableStore<T>;
  };
  const subscriptions = new SubscriptionStore(table<Subscription>(SUBSCRIPTIONS_TABLE));
  for (let c = 0; c < channels; c++) await subscriptions.add(channelSubscription(c));

  const messenger = new RecordingMessenger(() => clock.now());
  const config = loadConfig({ HIT_POLL_SECONDS: String(Math.round(pollIntervalMs / 1000)) });
  const deps: FeatureDeps = {
    config,
    logger: silentLogger(),
    now,
    cards: new CardRenderer(),
    tables: table,
    conversations: new ConversationStore(new FakeTableStore<ConversationRecord>()),
    defender,
    graph: new FakeGraphClient(),
    messenger,
    adapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
  };
  const feature = createHitsFeature(deps, {
    sourceOverrides: [new ScriptedSource(hits)],
    sources: { alerts: false, hunting: true },
    senderClock: clock,
    senderRandom: seeded(9),
  });

  const latencies: number[] = [];
  let longestPollMs = 0;
  let announcedUpTo = 0;
  for (let poll = 1; poll <= polls; poll++) {
    const pollAt = T0 + poll * pollIntervalMs;
    if (clock.now() < pollAt) await clock.sleep(pollAt - clock.now());
    const started = clock.now();
    const report = await feature.pollOnce();
    if (report.errors.length > 0) throw new Error(`poll ${poll} failed: ${report.errors.join('; ')}`);
    const done = clock.now();
    longestPollMs = Math.max(longestPollMs, done - started);
    // Every hit up to this poll's start is now announced (the poll read up to `started`).
    for (; announcedUpTo < hitCount && hitAt(announcedUpTo) <= started; announcedUpTo++) {
      latencies.push(done - hitAt(announcedUpTo));
    }
  }
  const virtualMs = clock.now() - (T0 + pollIntervalMs);
  const stillPending = (await feature.ledger.pending()).length;

  const perChannel = [...threads.perChannel().values()];
  const accounted = perChannel.length < channels ? 0 : Math.min(hitCount, ...perChannel);
  const byConversation = new Map<string, number[]>();
  for (const s of messenger.sends) {
    const channel = s.conversationId.split(';messageid=')[0] ?? s.conversationId;
    byConversation.set(channel, [...(byConversation.get(channel) ?? []), s.at]);
  }
  const perConversationViolations = [...byConversation.values()].reduce(
    (sum, times) => sum + countViolations(times, TEAMS_PER_CONVERSATION),
    0,
  );
  const perAppViolations = countViolations(
    messenger.sends.map((s) => s.at),
    TEAMS_PER_APP,
  );
  const updates = messenger.sends.filter((s) => s.kind === 'update').length;
  const threadReplies = messenger.sends.filter(
    (s) => s.kind === 'send' && s.conversationId.includes(';messageid='),
  ).length;
  return {
    hits: hitCount,
    indicators,
    channels,
    accounted,
    stillPending,
    messagesSent: messenger.sends.length,
    cardsPosted: messenger.sends.length - updates - threadReplies,
    cardUpdates: updates,
    limitViolations: perConversationViolations + perAppViolations,
    perConversationViolations,
    perAppViolations,
    pollIntervalMs,
    p99ExtraMs: round(percentile(latencies, 99) - pollIntervalMs, 1),
    longestPollMs: round(longestPollMs, 1),
    virtualMs: round(virtualMs, 1),
    realMs: round(performance.now() - realStart, 1),
    measured:
      'createHitsFeature (scripted hunting source, fake Defender with the indicators, fake tables, RateLimitedSender), virtual clock, recording messenger instead of HTTP',
  };
}

/** A small deterministic PRNG (mulberry32), so the sender's jitter is the same every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
