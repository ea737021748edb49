/**
 * Runs the product the way a newcomer does (`node dist/bot/index.js` in local mode: simulator, Azurite, bot,
 * Playground) in a child process with its own data folder, for the browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
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
  simulatorUrl = '';

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
        const chat = /Chat with it:\s+(\S+)/.exec(this.output);
        const sim = /Simulator:\s+(\S+)/.exec(this.output);
        if (chat && sim && /Press Ctrl-C/.test(this.output)) {
          clearTimeout(timer);
          this.playgroundUrl = chat[1];
          this.simulatorUrl = sim[1];
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

  /** Calls the embedded simulator's control API (its CA is in the stack's data folder). */
  async simulator(method: string, pathAndQuery: string, body?: unknown): Promise<unknown> {
    const ca = readFileSync(path.join(this.dataDir, 'simulator-ca', 'ca.pem'));
    const url = new URL(pathAndQuery, this.simulatorUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve(text ? (JSON.parse(text) as unknown) : undefined);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
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
