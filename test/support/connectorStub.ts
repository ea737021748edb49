/**
 * A local stand-in for the Bot Connector service: records every call the bot makes to `serviceUrl` and answers
 * like the connector (a ResourceResponse with a fresh id).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the connector. */
export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export class ConnectorStub {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private waiters: Array<() => void> = [];
  private nextId = 1;

  /** `http://127.0.0.1:PORT/` once started. */
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readJson(req).then((body) => {
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', body });
        this.waiters.splice(0).forEach((w) => w());
        res.writeHead(req.method === 'POST' && req.url === '/v3/conversations' ? 201 : 200, {
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ id: `stub-${this.nextId++}`, activityId: `stub-${this.nextId}` }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Activities the bot sent (posts of messages), in order. */
  sentActivities(): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === 'POST' && /\/activities/.test(c.path)).map((c) => c.body);
  }

  /** Resolves once at least `count` activities were sent, or rejects after `timeoutMs`. */
  async waitForActivities(count: number, timeoutMs = 5000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentActivities().length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`expected ${count} activities at the connector, got ${this.sentActivities().length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.sentActivities();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
