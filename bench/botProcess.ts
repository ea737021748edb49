/**
 * Runs a bot under benchmark ({@link startEchoBot} or {@link startOurBot}) in a child process, so that its CPU and
 * memory are its own and the driver, connector stub and simulator run beside it rather than inside it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FromChild, MemoryFigures, ToChild } from './botServer';
import type { OurBotOptions } from './ourBot';

/** A bot in a child process. */
export interface BotProcess {
  readonly kind: 'echo' | 'ours';
  readonly url: string;
  /** Pending requests the bot was started with. */
  readonly pending: number;
  memory(): Promise<MemoryFigures>;
  stop(): Promise<void>;
}

/** Starts the bot in a child process and waits until it listens. */
export async function spawnBot(
  kind: 'echo' | 'ours',
  options?: OurBotOptions,
  startTimeoutMs = 60_000,
): Promise<BotProcess> {
  const args = kind === 'ours' ? [kind, JSON.stringify(options ?? {})] : [kind];
  const child = fork(path.join(__dirname, 'botServer.js'), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // restify 11 reads process.binding('http_parser'); its deprecation warning is noise here.
    execArgv: [...process.execArgv, '--no-deprecation'],
  });
  const ready = await new Promise<{ url: string; pending: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${kind} bot did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} bot exited with ${String(code)} before it was ready`));
    });
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: m.url, pending: m.pending });
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${kind} bot failed to start: ${m.message}`));
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    kind,
    url: ready.url,
    pending: ready.pending,
    memory: () => request(child),
    stop: () => stopChild(child),
  };
}

function request(child: ChildProcess): Promise<MemoryFigures> {
  return new Promise((resolve) => {
    const onMessage = (m: FromChild): void => {
      if (m.type !== 'memory') return;
      child.off('message', onMessage);
      resolve({ rssBytes: m.rssBytes, maxRssBytes: m.maxRssBytes, heapUsedBytes: m.heapUsedBytes });
    };
    child.on('message', onMessage);
    child.send({ type: 'memory' } satisfies ToChild);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
    else child.kill();
  });
}
