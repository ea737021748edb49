/**
 * Workload 1, turn overhead: Teams-shaped `/help` and `/block url …` messages posted over HTTP by N concurrent
 * conversations to our bot and to a bare CloudAdapter echo bot, each in its own child process, replies received
 * at a local connector stub. Rounds alternate which bot goes first; the figures are medians over rounds.
 */
import { spawnBot, type BotProcess } from './botProcess';
import { endpointOf, startBenchSimulator } from './simulatorEndpoint';
import { median, percentile, ratio, round } from './stats';
import { ReplyCollector, driveTurns, type DriveResult } from './turnDriver';

/** The messages of the workload. */
export const TURN_TEXTS = ['/help', '/block url hxxps://evil.example[.]com/payload/dropper.exe'] as const;

/** One concurrency level: N conversations sending `messagesPerConversation` each. */
export interface TurnLevel {
  readonly n: number;
  readonly messagesPerConversation: number;
}

/** Options of {@link runTurnOverheadBench}. */
export interface TurnOverheadOptions {
  readonly levels?: readonly TurnLevel[];
  readonly rounds?: number;
  readonly warmupMessages?: number;
  /** Per drive: conversations stop sending after this long. */
  readonly deadlineMs?: number;
}

/** Figures of one bot at one level (medians over rounds). */
export interface BotFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Replies per second. */
  readonly throughput: number;
  readonly answered: number;
  readonly failures: number;
  /** p50 per command (median over rounds), to show where the time goes. */
  readonly p50MsByText: Record<string, number>;
}

/** Result at one level. */
export interface TurnLevelResult {
  readonly p50Ratio: number | null;
  readonly p99Ratio: number | null;
  /** Our throughput / the echo bot's (below 1 means slower). */
  readonly throughputRatio: number | null;
  readonly conversations: number;
  readonly messagesPerRound: number;
  readonly ours: BotFigures;
  readonly echo: BotFigures;
}

/** Result of the workload. */
export interface TurnOverheadResult {
  readonly rounds: number;
  readonly texts: readonly string[];
  readonly n: Record<string, TurnLevelResult>;
  /** What our bot answered to `/block url …` (the first reply's shape), so a reader knows what was measured. */
  readonly blockReply: string;
  /** Our bot's Defender client ran without client-side pacing (see `OurBotOptions.defenderPacing`). */
  readonly defenderPacing: 'lifted';
}

export const DEFAULT_TURN_LEVELS: readonly TurnLevel[] = [
  { n: 1, messagesPerConversation: 120 },
  { n: 10, messagesPerConversation: 20 },
  { n: 100, messagesPerConversation: 4 },
];

/** Runs the workload. */
export async function runTurnOverheadBench(options: TurnOverheadOptions = {}): Promise<TurnOverheadResult> {
  const levels = options.levels ?? DEFAULT_TURN_LEVELS;
  const rounds = options.rounds ?? 5;
  const warmup = options.warmupMessages ?? 60;
  const sim = await startBenchSimulator();
  const collector = new ReplyCollector();
  await collector.start();
  const bots: BotProcess[] = [];
  try {
    const ours = await spawnBot('ours', { simulator: endpointOf(sim), defenderPacing: 'lifted' });
    bots.push(ours);
    const echo = await spawnBot('echo');
    bots.push(echo);
    const blockReply = await describeBlockReply(ours, collector);
    for (const bot of bots) {
      await driveTurns(bot.url, collector, {
        conversations: 4,
        messagesPerConversation: Math.ceil(warmup / 4),
        texts: TURN_TEXTS,
        conversationPrefix: `warm-${bot.kind}`,
      });
    }
    const samples = new Map<string, DriveResult[]>();
    for (let r = 0; r < rounds; r++) {
      for (const level of levels) {
        const order = r % 2 === 0 ? [echo, ours] : [ours, echo];
        for (const bot of order) {
          const result = await driveTurns(bot.url, collector, {
            conversations: level.n,
            messagesPerConversation: level.messagesPerConversation,
            texts: TURN_TEXTS,
            deadlineMs: options.deadlineMs ?? 60_000,
            conversationPrefix: `${bot.kind}-r${r}-n${level.n}`,
          });
          collector.clear();
          const key = `${bot.kind}:${level.n}`;
          samples.set(key, [...(samples.get(key) ?? []), result]);
        }
      }
    }
    const n: Record<string, TurnLevelResult> = {};
    for (const level of levels) {
      const o = figures(samples.get(`ours:${level.n}`) ?? []);
      const e = figures(samples.get(`echo:${level.n}`) ?? []);
      n[String(level.n)] = {
        p50Ratio: ratio(o.p50Ms, e.p50Ms),
        p99Ratio: ratio(o.p99Ms, e.p99Ms),
        throughputRatio: ratio(o.throughput, e.throughput),
        conversations: level.n,
        messagesPerRound: level.n * level.messagesPerConversation,
        ours: o,
        echo: e,
      };
    }
    return { rounds, texts: TURN_TEXTS, n, blockReply, defenderPacing: 'lifted' };
  } finally {
    for (const bot of bots) await bot.stop();
    await collector.stop();
    await sim.close();
  }
}

function figures(results: readonly DriveResult[]): BotFigures {
  return {
    p50Ms: round(median(results.map((r) => percentile(r.latenciesMs, 50))), 3),
    p99Ms: round(median(results.map((r) => percentile(r.latenciesMs, 99))), 3),
    throughput: round(median(results.map((r) => r.throughput)), 1),
    answered: results.reduce((s, r) => s + r.answered, 0),
    failures: results.reduce((s, r) => s + r.failures, 0),
    p50MsByText: Object.fromEntries(
      TURN_TEXTS.map((t) => [
        t,
        round(median(results.map((r) => percentile(r.latenciesByText[t] ?? [], 50))), 3),
      ]),
    ),
  };
}

async function describeBlockReply(bot: BotProcess, collector: ReplyCollector): Promise<string> {
  collector.keepBodies = true;
  try {
    await driveTurns(bot.url, collector, {
      conversations: 1,
      messagesPerConversation: 1,
      texts: [TURN_TEXTS[1]],
      conversationPrefix: 'describe',
    });
    const body = collector.received[0]?.body;
    collector.clear();
    if (!body) return 'no reply';
    const attachments = Array.isArray(body.attachments)
      ? (body.attachments as Array<Record<string, unknown>>)
      : [];
    const card = JSON.stringify(attachments[0]?.content ?? '');
    const firstText = /"text":"([^"]{0,100})/.exec(card)?.[1];
    return attachments.length > 0
      ? `${String(attachments[0]?.contentType)}: "${firstText ?? ''}"`
      : `text: "${(typeof body.text === 'string' ? body.text : '').slice(0, 100)}"`;
  } finally {
    collector.keepBodies = false;
  }
}
