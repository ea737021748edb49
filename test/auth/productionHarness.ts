/**
 * The production-mode harness: the real server and bot on loopback with inbound authentication ON, an
 * {@link OpenIdStub} as the Bot Framework's token services, and a connector stub that also records headers (to
 * see the bot's outbound token).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConversationState, MemoryStorage, type CloudAdapter } from 'botbuilder';
import type restify from 'restify';
import { buildApp, type App } from '../../bot/app';
import { loadConfig, type Config } from '../../bot/config';
import { createLogger, type Logger } from '../../bot/logging';
import { createServer as createBotServer } from '../../bot/server';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import type { DefenderClient } from '../../bot/defender/defenderClient';
import type { GraphClient } from '../../bot/graph/graphClient';
import { FakeTableStore } from '../support/fakeTableStore';
import { OpenIdStub } from '../support/openIdStub';
import { LogCapture } from './logCapture';

export const APP_ID = '6b1f0a4e-3c2d-4e5f-9a8b-7c6d5e4f3a2b';
export const APP_PASSWORD = 'bot-app-password-Q~not-a-real-one';
export const TENANT_ID = '3f2e1d0c-b9a8-4766-8554-433221100ffe';
export const OTHER_TENANT_ID = '99999999-8888-4777-8666-555555555555';

/** One call the bot made to the connector, with its headers. */
export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** A connector stub that records headers as well as bodies. */
export class RecordingConnector {
  readonly calls: RecordedCall[] = [];
  url = '';
  private server?: Server;
  private nextId = 1;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readJson(req).then((body) => {
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `stub-${this.nextId++}` }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Activities the bot posted, in order. */
  sent(): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'POST' && /\/activities/.test(c.path));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** How to build the harness. */
export interface ProductionHarnessOptions {
  /** Variables laid over the production defaults. */
  readonly env?: Record<string, string>;
}

export class ProductionHarness {
  readonly openId = new OpenIdStub({ appId: APP_ID, appPassword: APP_PASSWORD, tenantId: TENANT_ID });
  readonly connector = new RecordingConnector();
  readonly conversationsTable = new FakeTableStore<ConversationRecord>();
  /** What the bot logged (level debug). */
  readonly logs = new LogCapture();
  readonly logger: Logger = createLogger('debug', this.logs.stream);
  config!: Config;
  app!: App;
  adapter!: CloudAdapter;
  baseUrl = '';
  private server?: restify.Server;

  constructor(private readonly options: ProductionHarnessOptions = {}) {}

  async start(): Promise<void> {
    await this.openId.start();
    await this.connector.start();
    this.config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: APP_PASSWORD,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT_ID,
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      AZURE_CLIENT_SECRET: 'defender-app-secret',
      STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=dummy;AccountKey=ZHVtbXk=',
      APPROVER_GROUP_ID: 'c0ffee00-0000-4000-8000-000000000001',
      ToBotFromChannelOpenIdMetadataUrl: this.openId.metadataUrl,
      ToBotFromChannelTokenIssuer: this.openId.issuer,
      ToChannelFromBotLoginUrl: this.openId.loginUrl,
      ...this.options.env,
    });
    const logger = this.logger;
    this.app = buildApp({
      config: this.config,
      logger,
      conversations: new ConversationStore(this.conversationsTable),
      conversationState: new ConversationState(new MemoryStorage()),
      tables: <T>() => new FakeTableStore<T>(),
      defender: unused<DefenderClient>('DefenderClient'),
      graph: unused<GraphClient>('GraphClient'),
    });
    this.adapter = this.app.adapter;
    this.server = createBotServer({
      adapter: this.adapter,
      bot: this.app.bot,
      health: [],
      logger,
      version: 'test',
    });
    const server = this.server;
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    this.baseUrl = `http://127.0.0.1:${server.address().port}`;
  }

  /** A channel token for an activity sent to the connector stub. */
  token(claims: Record<string, unknown> = {}): string {
    return this.openId.sign({ serviceurl: this.connector.url, ...claims });
  }

  /** Posts an activity (its `serviceUrl` set to the connector stub) with an optional Authorization header. */
  async post(
    activity: Record<string, unknown>,
    authorization?: string,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ ...activity, serviceUrl: this.connector.url }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON (botbuilder answers auth failures with a plain message).
    }
    return { status: res.status, body };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
    }
    await this.connector.stop();
    await this.openId.stop();
  }
}

/** A client these tests never reach: every method rejects, naming what was called. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) =>
      // Not thenable, so awaiting the client itself does not call anything.
      property === 'then'
        ? undefined
        : () => Promise.reject(new Error(`${name}.${String(property)} is not used by the auth tests`)),
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
