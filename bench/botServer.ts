/**
 * Child-process entry of the bot benchmarks: `node botServer.js echo` or `node botServer.js ours '<json options>'`.
 * Starts the bot, tells the parent its URL over IPC, answers `memory` requests with its RSS, and exits on `stop`.
 */
import { startEchoBot, type RunningBot } from './echoBot';
import { startOurBot, type OurBotOptions } from './ourBot';

/** Messages from the parent. */
export type ToChild = { readonly type: 'memory' } | { readonly type: 'stop' };

/** Memory figures of a process, in bytes. */
export interface MemoryFigures {
  readonly rssBytes: number;
  /** Peak RSS of the process's life (`process.resourceUsage().maxRSS`). */
  readonly maxRssBytes: number;
  readonly heapUsedBytes: number;
}

/** Messages to the parent. */
export type FromChild =
  | { readonly type: 'ready'; readonly url: string; readonly pending: number }
  | ({ readonly type: 'memory' } & MemoryFigures)
  | { readonly type: 'failed'; readonly message: string };

function send(message: FromChild): void {
  process.send?.(message);
}

/** The figures now. */
export function memoryFigures(): MemoryFigures {
  return {
    rssBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  let bot: RunningBot & { pending?: number };
  if (kind === 'echo') bot = await startEchoBot();
  else if (kind === 'ours') bot = await startOurBot(JSON.parse(process.argv[3] ?? '{}') as OurBotOptions);
  else throw new Error(`unknown bot kind ${String(kind)}`);
  process.on('message', (message: ToChild) => {
    if (message.type === 'memory') send({ type: 'memory', ...memoryFigures() });
    else if (message.type === 'stop') {
      // Exit even if a client keeps a pooled socket open: the benchmark is over for this process.
      void bot.close().finally(() => process.exit(0));
    }
  });
  // A parent that died (or was stopped) leaves no bot behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: bot.url, pending: bot.pending ?? 0 });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
