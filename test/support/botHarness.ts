/**
 * The end-to-end harness: the real restify server and bot on a loopback port, the simulator of Entra, Defender
 * and Graph in-process (real HTTPS, real clients), fake tables for storage, and a connector stub at `serviceUrl`
 * that records what the bot sends.
 */
import path from 'node:path';
import { ConversationState, MemoryStorage } from 'botbuilder';
import type restify from 'restify';
import { buildApp, type App } from '../../bot/app';
import { createClients } from '../../bot/clients';
import { loadConfig, type Config } from '../../bot/config';
import { silentLogger, type Logger } from '../../bot/logging';
import { repoRoot } from '../../bot/paths';
import { createServer, type HealthCheck } from '../../bot/server';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import type { TableStore } from '../../bot/storage/tableStore';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator/index';
import { ConnectorStub } from './connectorStub';
import { FakeTableStore } from './fakeTableStore';

export interface BotHarnessOptions {
  /** Environment for `loadConfig`; the simulator's URLs and app identity are added to it. */
  readonly env?: Record<string, string>;
  /** A ready configuration instead (used as is: no simulator URLs are added). */
  readonly config?: Config;
  readonly health?: readonly HealthCheck[];
  readonly simulator?: Partial<SimulatorOptions>;
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Start the features' background work (pollers); default false, tests drive it. */
  readonly startFeatures?: boolean;
}

/** The CA folder `npm test` prepares and the test process trusts. */
export const TEST_CA_DIR = path.join(repoRoot(), '.data', 'test-ca');

export class BotHarness {
  readonly connector = new ConnectorStub();
  readonly conversationsTable = new FakeTableStore<ConversationRecord>();
  /** Every table the bot opened, by name. */
  readonly tables = new Map<string, TableStore<unknown>>();
  app!: App;
  sim!: RunningSimulator;
  config!: Config;
  private server?: restify.Server;
  baseUrl = '';

  constructor(private readonly options: BotHarnessOptions = {}) {}

  async start(): Promise<void> {
    await this.connector.start();
    this.sim = await startSimulator({
      caDir: TEST_CA_DIR,
      port: 0,
      rateLimits: false,
      ...this.options.simulator,
    });
    this.config =
      this.options.config ??
      loadConfig({
        DEFENDER_API_URL: this.sim.url,
        GRAPH_API_URL: this.sim.url,
        AZURE_AUTHORITY_HOST: this.sim.url,
        AZURE_TENANT_ID: this.sim.tenantId,
        AZURE_CLIENT_ID: this.sim.clientId,
        AZURE_CLIENT_SECRET: this.sim.clientSecret,
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        ...this.options.env,
      });
    const logger = this.options.logger ?? silentLogger();
    const clients = createClients(this.config, logger);
    this.app = buildApp({
      config: this.config,
      logger,
      conversations: new ConversationStore(this.conversationsTable),
      conversationState: new ConversationState(new MemoryStorage()),
      tables: <T>(name: string): TableStore<T> => {
        if (!this.tables.has(name)) this.tables.set(name, new FakeTableStore<unknown>());
        return this.tables.get(name) as TableStore<T>;
      },
      defender: clients.defender,
      graph: clients.graph,
      credential: clients.credential,
      baseHealth: this.options.health ?? [],
      now: this.options.now,
    });
    this.server = createServer({
      adapter: this.app.adapter,
      bot: this.app.bot,
      health: [...(this.options.health ?? []), ...this.app.health],
      logger,
      version: 'test',
    });
    await new Promise<void>((resolve) => {
      this.server?.listen(0, '127.0.0.1', resolve);
    });
    const address = this.server.address();
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    if (this.options.startFeatures) await this.app.start();
  }

  /** Posts an activity to `/api/messages` with `serviceUrl` pointing at the connector stub. */
  async post(
    activity: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
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
    return { status: res.status, body: await res.json() };
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await new Promise<void>((resolve) => {
      if (this.server) this.server.close(() => resolve());
      else resolve();
    });
    await this.connector.stop();
    await this.sim?.close();
  }
}
