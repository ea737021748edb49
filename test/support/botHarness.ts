/**
 * The end-to-end harness: the real restify server and bot on a loopback port, fakes for storage, and a connector
 * stub at `serviceUrl` that records what the bot sends.
 */
import type { AddressInfo } from 'node:net';
import { ConversationState, MemoryStorage } from 'botbuilder';
import type restify from 'restify';
import { buildApp, type App } from '../../bot/app';
import { loadConfig, type Config } from '../../bot/config';
import { silentLogger } from '../../bot/logging';
import { createServer, type HealthCheck } from '../../bot/server';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import { ConnectorStub } from './connectorStub';
import { FakeTableStore } from './fakeTableStore';

export class BotHarness {
  readonly connector = new ConnectorStub();
  readonly conversationsTable = new FakeTableStore<ConversationRecord>();
  app!: App;
  private server?: restify.Server;
  baseUrl = '';

  constructor(
    private readonly config: Config = loadConfig({}),
    private readonly health: readonly HealthCheck[] = [],
  ) {}

  async start(): Promise<void> {
    await this.connector.start();
    this.app = buildApp({
      config: this.config,
      logger: silentLogger(),
      conversations: new ConversationStore(this.conversationsTable),
      conversationState: new ConversationState(new MemoryStorage()),
    });
    this.server = createServer({
      adapter: this.app.adapter,
      bot: this.app.bot,
      health: [...this.health, ...this.app.health],
      logger: silentLogger(),
      version: 'test',
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Posts an activity to `/api/messages` with `serviceUrl` pointing at the connector stub. */
  async post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ ...activity, serviceUrl: this.connector.url }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async get(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.connector.stop();
  }
}
