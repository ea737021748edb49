/**
 * Workload 5, memory: peak RSS of our bot (its own child process) holding 1,000 pending requests in its request
 * table (an in-memory fake table, so they count against the process — the worst case; Azure Tables would hold
 * them outside it) with its features' background work started, after the same message load as the echo bot, as
 * a ratio to the echo bot's peak RSS in its own child process. Median over several pairs of processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnBot, type BotProcess } from './botProcess';
import type { MemoryFigures } from './botServer';
import { endpointOf, startBenchSimulator } from './simulatorEndpoint';
import { median, ratio, round } from './stats';
import { TURN_TEXTS } from './turnOverheadBench';
import { ReplyCollector, driveTurns } from './turnDriver';

/** Options of {@link runMemoryBench}. */
export interface MemoryBenchOptions {
  readonly pendingRequests?: number;
  /** Pairs of processes (median taken). */
  readonly runs?: number;
  /** Messages each bot answers before it is measured (10 conversations). */
  readonly messages?: number;
  /** Time given to background work (the poller) after the load, before measuring. */
  readonly settleMs?: number;
}

/** Result of the workload. */
export interface MemoryBenchResult {
  readonly rssRatio: number | null;
  readonly pendingRequests: number;
  readonly oursPeakRssMb: number;
  readonly echoPeakRssMb: number;
  readonly oursHeapUsedMb: number;
  readonly echoHeapUsedMb: number;
  readonly runs: number;
  readonly featuresStarted: boolean;
}

const MB = 1024 * 1024;

/** Runs the workload. */
export async function runMemoryBench(options: MemoryBenchOptions = {}): Promise<MemoryBenchResult> {
  const pendingRequests = options.pendingRequests ?? 1000;
  const runs = options.runs ?? 3;
  const messages = options.messages ?? 200;
  const sim = await startBenchSimulator();
  const collector = new ReplyCollector();
  await collector.start();
  const ours: MemoryFigures[] = [];
  const echo: MemoryFigures[] = [];
  try {
    const measure = async (bot: BotProcess, run: number): Promise<MemoryFigures> => {
      try {
        if (bot.kind === 'ours' && bot.pending !== pendingRequests) {
          throw new Error(`the bot holds ${bot.pending} pending requests, not ${pendingRequests}`);
        }
        const result = await driveTurns(bot.url, collector, {
          conversations: 10,
          messagesPerConversation: Math.ceil(messages / 10),
          texts: TURN_TEXTS,
          conversationPrefix: `mem-${bot.kind}-${run}`,
        });
        collector.clear();
        if (result.failures > 0)
          throw new Error(`${bot.kind} bot failed turns: ${result.firstFailure ?? ''}`);
        await sleep(options.settleMs ?? 2000);
        return await bot.memory();
      } finally {
        await bot.stop();
      }
    };
    for (let run = 0; run < runs; run++) {
      ours.push(
        await measure(
          await spawnBot('ours', {
            simulator: endpointOf(sim),
            pendingRequests,
            startFeatures: true,
            defenderPacing: 'lifted',
          }),
          run,
        ),
      );
      echo.push(await measure(await spawnBot('echo'), run));
    }
  } finally {
    await collector.stop();
    await sim.close();
  }
  const peak = (xs: MemoryFigures[]): number => median(xs.map((x) => x.maxRssBytes));
  const heap = (xs: MemoryFigures[]): number => median(xs.map((x) => x.heapUsedBytes));
  return {
    rssRatio: ratio(peak(ours), peak(echo)),
    pendingRequests,
    oursPeakRssMb: round(peak(ours) / MB, 1),
    echoPeakRssMb: round(peak(echo) / MB, 1),
    oursHeapUsedMb: round(heap(ours) / MB, 1),
    echoHeapUsedMb: round(heap(echo) / MB, 1),
    runs,
    featuresStarted: true,
  };
}
