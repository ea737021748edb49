/**
 * Runs the product the way a newcomer does (`node dist/bot/index.js` in local mode: simulator, Azurite, bot,
 * Playground) in a child process with its own data folder, for the browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../bot/local/childProcess';
import { repoRoot } from '../../bot/paths';

export class LocalStack {
  private child?: ChildProcess;
  private dataDir = '';
  output = '';
  port = 0;
  playgroundUrl = '';

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(timeoutMs = 90000): Promise<void> {
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'ioc-bot-stack-'));
    this.port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port),
      DATA_DIR: this.dataDir,
      LOG_LEVEL: 'warn',
      ...this.env,
    };
    delete env.NODE_EXTRA_CA_CERTS;
    this.child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'bot', 'index.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = this.child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`local stack did not start: ${this.output.slice(-2000)}`)),
        timeoutMs,
      );
      const onData = (d: Buffer): void => {
        this.output += d.toString('utf8');
        const m = /Chat with it:\s+(\S+)/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          this.playgroundUrl = m[1];
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`local stack exited with ${code}: ${this.output.slice(-2000)}`));
      });
    });
    child.removeAllListeners('exit');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
