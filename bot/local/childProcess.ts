/**
 * Starting and stopping the helper processes of local mode (Azurite, the Agents Playground).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Logger } from '../logging';

/** A started helper process. */
export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** What the process printed until it was ready. */
  readonly startupOutput: string;
  stop(): Promise<void>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a Node script as a child process and resolves once a line of its output matches `ready`.
 * @throws Error when the process exits, or prints nothing matching within `timeoutMs`.
 */
export async function startNodeProcess(options: {
  name: string;
  script: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  ready: RegExp;
  timeoutMs: number;
  logger: Logger;
}): Promise<RunningProcess> {
  const child = spawn(process.execPath, [options.script, ...options.args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = options.logger.child({ process: options.name });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(`${options.name} did not start within ${options.timeoutMs} ms: ${output.slice(-500)}`),
      );
    }, options.timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n').filter((l) => l.trim())) log.debug({ line }, 'output');
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code}: ${output.slice(-500)}`));
    });
  });
  child.removeAllListeners('exit');
  child.once('exit', (code, signal) => log.info({ code, signal }, 'exited'));
  return { name: options.name, child, startupOutput: output, stop };
}
