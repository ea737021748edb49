/**
 * Workload 4, hit fan-out: 10,000 simulated hits on 100 indicators for 20 subscribed channels, found by polls every
 * poll interval (production default 60 s) and sent as hit cards through the bot's rate-limited sender
 * (`bot/notifications/rateLimitedSender.ts`). Time is virtual (one clock for the polls and the sender), so ten
 * minutes of hits take seconds; the messenger behind the sender records each send's virtual time instead of
 * posting it, and an independent check (`teamsLimits.ts`) grades those times against the Teams windows.
 *
 * What this measures: each hit becomes one card in one channel (hit i goes to channel i mod 20), i.e. the sender
 * without the per-indicator aggregation of SPEC §7 — the worst case for the Teams limits.
 */
import { performance } from 'node:perf_hooks';
import type { Activity, ConversationReference } from 'botbuilder';
import { CardRenderer } from '../bot/cards/cardRenderer';
import type { ProactiveMessenger } from '../bot/feature';
import { RateLimitedSender } from '../bot/notifications/rateLimitedSender';
import { FakeClock } from '../test/http/fakeClock';
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
  /** Hits whose card reached the messenger. */
  readonly accounted: number;
  readonly messagesSent: number;
  /** Sends that broke a per-conversation window, plus those that broke the per-app window. */
  readonly limitViolations: number;
  readonly perConversationViolations: number;
  readonly perAppViolations: number;
  readonly pollIntervalMs: number;
  /** p99 of (card sent − hit happened) − poll interval, virtual ms. */
  readonly p99ExtraMs: number;
  /** p99 of (card sent − the poll that found the hit), virtual ms. */
  readonly p99AfterPollMs: number;
  /** Real time the workload took (rendering 10,000 cards and the sender's bookkeeping). */
  readonly realMs: number;
  readonly measured: string;
}

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A messenger that records when (virtual time) each activity was handed to it. */
class RecordingMessenger implements ProactiveMessenger {
  readonly sends: Array<{ conversationId: string; at: number }> = [];
  constructor(private readonly now: () => number) {}

  send(reference: Partial<ConversationReference>, _activity: Partial<Activity>): Promise<string> {
    this.sends.push({ conversationId: reference.conversation?.id ?? '', at: this.now() });
    return Promise.resolve(`activity-${this.sends.length}`);
  }

  update(
    reference: Partial<ConversationReference>,
    _id: string,
    _activity: Partial<Activity>,
  ): Promise<void> {
    this.sends.push({ conversationId: reference.conversation?.id ?? '', at: this.now() });
    return Promise.resolve();
  }
}

function channelReference(c: number): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    bot: { id: '28:bot-app-id', name: 'IoC Bot' },
    conversation: {
      id: `19:soc-${c}@thread.tacv2`,
      isGroup: true,
      conversationType: 'channel',
      name: `SOC ${c}`,
      tenantId: '00000000-0000-0000-0000-0000000000001',
    },
  };
}

function hitCard(cards: CardRenderer, i: number, indicator: number, at: number): Partial<Activity> {
  const value = `evil${indicator}.example.com`;
  return {
    type: 'message',
    attachments: [
      cards.attachment('hitNotification', {
        heading: `Block hit on iOS: ${value}`,
        headingColor: 'Attention',
        unknownNote: '',
        facts: [
          { title: 'Indicator', value: `${value} (DomainName)` },
          { title: 'Action', value: 'Block' },
          { title: 'Device', value: `iphone-${i % 500}` },
          { title: 'Platform', value: 'iOS' },
          { title: 'User', value: `user${i % 300}@contoso.com` },
          { title: 'When', value: new Date(at).toISOString() },
          { title: 'Source', value: 'Advanced hunting' },
        ],
        countText: '1 hit',
        footer: 'Benchmark hit',
        hitId: `H-${i}`,
        portalUrl: `https://security.microsoft.com/machines/device-${i % 500}`,
      }),
    ],
  };
}

/** Runs the workload. */
export async function runHitFanoutBench(options: HitFanoutOptions = {}): Promise<HitFanoutResult> {
  const hits = options.hits ?? 10_000;
  const indicators = options.indicators ?? 100;
  const channels = options.channels ?? 20;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  const polls = options.polls ?? 10;
  const realStart = performance.now();
  const clock = new FakeClock({ startMs: T0 });
  const messenger = new RecordingMessenger(() => clock.now());
  const sender = new RateLimitedSender(messenger, { clock, random: seeded(9) });
  const cards = new CardRenderer();
  const span = polls * pollIntervalMs;
  const hitAt = (i: number): number => T0 + Math.floor(((i + 0.5) * span) / hits);
  const latencies: number[] = [];
  const afterPoll: number[] = [];
  const delivered = new Set<number>();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  for (let poll = 1; poll <= polls; poll++) {
    const pollAt = T0 + poll * pollIntervalMs;
    await clock.sleep(pollAt - clock.now());
    for (; next < hits && hitAt(next) <= pollAt; next++) {
      const i = next;
      const indicator = Math.floor(i / channels) % indicators;
      const activity = hitCard(cards, i, indicator, hitAt(i));
      inFlight.push(
        sender.send(channelReference(i % channels), activity).then(() => {
          delivered.add(i);
          latencies.push(clock.now() - hitAt(i));
          afterPoll.push(clock.now() - pollAt);
        }),
      );
    }
  }
  await Promise.allSettled(inFlight);
  const byConversation = new Map<string, number[]>();
  for (const s of messenger.sends)
    byConversation.set(s.conversationId, [...(byConversation.get(s.conversationId) ?? []), s.at]);
  const perConversationViolations = [...byConversation.values()].reduce(
    (sum, times) => sum + countViolations(times, TEAMS_PER_CONVERSATION),
    0,
  );
  const perAppViolations = countViolations(
    messenger.sends.map((s) => s.at),
    TEAMS_PER_APP,
  );
  return {
    hits,
    indicators,
    channels,
    accounted: delivered.size,
    messagesSent: messenger.sends.length,
    limitViolations: perConversationViolations + perAppViolations,
    perConversationViolations,
    perAppViolations,
    pollIntervalMs,
    p99ExtraMs: round(percentile(latencies, 99) - pollIntervalMs, 1),
    p99AfterPollMs: round(percentile(afterPoll, 99), 1),
    realMs: round(performance.now() - realStart, 1),
    measured:
      'RateLimitedSender alone, virtual clock, one card per hit (no aggregation), recording messenger instead of HTTP',
  };
}

/** A small deterministic PRNG (mulberry32), so jitter is the same every run. */
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
