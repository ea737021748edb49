/**
 * An end-to-end stack for the approval tests: like `BotHarness` (real restify server and bot on loopback, the
 * simulator over HTTPS, fake tables, a connector stub) but with what these tests need besides: a fast retry
 * policy for the Defender client (so a persistent 500 ends in seconds, not minutes), an injected clock, and a
 * simulator and tables that can be shared between two stacks (a bot that crashed and the one that restarts).
 */
import type { AddressInfo } from 'node:net';
import { ConversationState, MemoryStorage, type ConversationReference } from 'botbuilder';
import type restify from 'restify';
import { buildApp, type App } from '../../bot/app';
import { approvalWorkflow, type ApprovalWorkflow } from '../../bot/approvals/approvalsFeature';
import { loadConfig, type Config } from '../../bot/config';
import { HttpDefenderClient } from '../../bot/defender/defenderClient';
import { SdkGraphClient } from '../../bot/graph/graphClient';
import { createAppCredential } from '../../bot/identity/credentials';
import { DEFENDER_RATE_LIMITS, RateLimiter } from '../../bot/http/rateLimiter';
import { silentLogger } from '../../bot/logging';
import {
  SUBSCRIPTIONS_TABLE,
  SubscriptionStore,
  type Subscription,
} from '../../bot/notifications/subscriptionStore';
import { requestServices, type RequestServices } from '../../bot/requests/requestServices';
import { createServer } from '../../bot/server';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import type { TableStore } from '../../bot/storage/tableStore';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { TEST_CA_DIR } from '../support/botHarness';
import { ConnectorStub } from '../support/connectorStub';
import { FakeTableStore } from '../support/fakeTableStore';
import { BOT } from '../support/teamsActivities';

/** The approvals channel the tests subscribe (the channel scope of `teamsActivities`). */
export const APPROVALS_CHANNEL = '19:soc-channel@thread.tacv2';

export interface ApprovalStackOptions {
  readonly env?: Record<string, string>;
  readonly now?: () => Date;
  /** Share a running simulator (not closed by this stack). */
  readonly sim?: RunningSimulator;
  /** Share tables with another stack (same map: same data). */
  readonly tables?: Map<string, TableStore<unknown>>;
  readonly conversationsTable?: FakeTableStore<ConversationRecord>;
  /** Share a running connector stub (the conversations stored by the first stack point at it). */
  readonly connector?: ConnectorStub;
  /** Run the features' start() (reconciliation, sweeper). */
  readonly startFeatures?: boolean;
  /** Subscribe {@link APPROVALS_CHANNEL} to approvals before the test (default true). */
  readonly subscribeApprovals?: boolean;
}

export class ApprovalStack {
  readonly connector: ConnectorStub;
  readonly tables: Map<string, TableStore<unknown>>;
  readonly conversationsTable: FakeTableStore<ConversationRecord>;
  app!: App;
  sim!: RunningSimulator;
  config!: Config;
  baseUrl = '';
  private server?: restify.Server;
  private ownSim = false;

  constructor(private readonly options: ApprovalStackOptions = {}) {
    this.tables = options.tables ?? new Map();
    this.connector = options.connector ?? new ConnectorStub();
    this.conversationsTable = options.conversationsTable ?? new FakeTableStore<ConversationRecord>();
  }

  get services(): RequestServices {
    return requestServices(this.app.featureDeps);
  }

  get workflow(): ApprovalWorkflow {
    const w = approvalWorkflow(this.app.featureDeps);
    if (!w) throw new Error('the approvals feature is not registered');
    return w;
  }

  async start(): Promise<void> {
    if (!this.options.connector) await this.connector.start();
    if (this.options.sim) {
      this.sim = this.options.sim;
    } else {
      this.sim = await startSimulator({ caDir: TEST_CA_DIR, port: 0, rateLimits: false });
      this.ownSim = true;
    }
    this.config = loadConfig({
      BOT_MODE: 'local',
      DEFENDER_API_URL: this.sim.url,
      GRAPH_API_URL: this.sim.url,
      AZURE_AUTHORITY_HOST: this.sim.url,
      AZURE_TENANT_ID: this.sim.tenantId,
      AZURE_CLIENT_ID: this.sim.clientId,
      AZURE_CLIENT_SECRET: this.sim.clientSecret,
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      ...this.options.env,
    });
    const logger = silentLogger();
    const credential = createAppCredential(this.config.azure);
    const defender = new HttpDefenderClient({
      baseUrl: this.sim.url,
      credential,
      tokenScope: this.config.defender.tokenScope,
      retryPolicy: { baseDelayMs: 20, maxDelayMs: 80 },
      // Each stack has its own budget: the process-wide limiter would make later tests wait for earlier ones.
      rateLimiter: new RateLimiter(DEFENDER_RATE_LIMITS),
    });
    const graph = new SdkGraphClient(credential, { baseUrl: this.sim.url });
    this.app = buildApp({
      config: this.config,
      logger,
      conversations: new ConversationStore(this.conversationsTable),
      conversationState: new ConversationState(new MemoryStorage()),
      tables: <T>(name: string): TableStore<T> => {
        if (!this.tables.has(name)) this.tables.set(name, new FakeTableStore<unknown>());
        return this.tables.get(name) as TableStore<T>;
      },
      defender,
      graph,
      now: this.options.now,
    });
    this.server = createServer({
      adapter: this.app.adapter,
      bot: this.app.bot,
      health: [],
      logger,
      version: 'test',
    });
    await new Promise<void>((resolve) => {
      this.server?.listen(0, '127.0.0.1', resolve);
    });
    const address: unknown = this.server.address();
    this.baseUrl = `http://127.0.0.1:${(address as AddressInfo).port}`;
    if (this.options.subscribeApprovals ?? true) await this.subscribeApprovals();
    if (this.options.startFeatures) await this.app.start();
  }

  /** Connects the approvals channel as `/subscribe approvals` would. */
  async subscribeApprovals(): Promise<void> {
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      bot: BOT,
      conversation: {
        id: APPROVALS_CHANNEL,
        isGroup: true,
        conversationType: 'channel',
        tenantId: this.config.allowedTenantIds[0],
        name: 'SOC',
      },
    };
    await new SubscriptionStore(this.app.featureDeps.tables<Subscription>(SUBSCRIPTIONS_TABLE)).add({
      kind: 'approvals',
      conversationId: APPROVALS_CHANNEL,
      reference,
      channelName: 'SOC',
      createdBy: { aadObjectId: 'admin', name: 'Admin' },
      createdAt: new Date().toISOString(),
    });
  }

  async unsubscribeApprovals(): Promise<void> {
    await new SubscriptionStore(this.app.featureDeps.tables<Subscription>(SUBSCRIPTIONS_TABLE)).remove(
      'approvals',
      APPROVALS_CHANNEL,
    );
  }

  /** Posts an activity to `/api/messages` with `serviceUrl` pointing at the connector stub. */
  async post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...activity, serviceUrl: this.connector.url }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Waits for background submissions and card updates. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.services.submissions.idle();
      await this.workflow.idle();
    }
  }

  /** Stops the bot; a shared simulator and connector stay up. */
  async stop(): Promise<void> {
    await this.app?.stop();
    await new Promise<void>((resolve) => {
      if (this.server) this.server.close(() => resolve());
      else resolve();
    });
    if (!this.options.connector) await this.connector.stop();
    if (this.ownSim) await this.sim?.close();
  }
}
