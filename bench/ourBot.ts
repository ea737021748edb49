/**
 * The bot under benchmark, wired exactly as `test/support/botHarness.ts` wires it (buildApp + createServer, real
 * Defender and Graph clients, fake tables), except that the simulator runs elsewhere (in the driver's process), so
 * that the bot's own process holds only the bot when its memory is measured, and that the Defender client's
 * pacing can be lifted (see {@link OurBotOptions.defenderPacing}).
 */
import { ConversationState, MemoryStorage } from 'botbuilder';
import { pendingBenchRequest } from './pendingRequests';
import { RequestStore } from '../bot/approvals/requestStore';
import type { IndicatorRequest } from '../bot/approvals/indicatorRequest';
import { buildApp } from '../bot/app';
import { createClients } from '../bot/clients';
import { HttpDefenderClient } from '../bot/defender/defenderClient';
import { DEFENDER_RATE_LIMITS, RateLimiter, type RateLimitTable } from '../bot/http/rateLimiter';
import { createAppCredential } from '../bot/identity/credentials';
import { loadConfig } from '../bot/config';
import { silentLogger } from '../bot/logging';
import { createServer } from '../bot/server';
import { ConversationStore, type ConversationRecord } from '../bot/storage/conversationStore';
import type { TableStore } from '../bot/storage/tableStore';
import { FakeTableStore } from '../test/support/fakeTableStore';
import type { RunningBot } from './echoBot';

/** Where the simulator runs and how to reach it. */
export interface SimulatorEndpoint {
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Options of {@link startOurBot}. */
export interface OurBotOptions {
  readonly simulator: SimulatorEndpoint;
  /** Pending requests put into the request table before start (the memory workload uses 1,000). */
  readonly pendingRequests?: number;
  /** Start the features' background work (pollers). */
  readonly startFeatures?: boolean;
  /**
   * `documented` (default): the Defender client paces to Defender's documented limits, as in production.
   * `lifted`: no client-side pacing, so that a benchmark of many `/block` turns measures the bot rather than
   * Defender's quota (100 list calls a minute; `/block url` looks up the URL and its host: 2 calls).
   */
  readonly defenderPacing?: 'documented' | 'lifted';
}

/** Every Defender bucket with a limit no benchmark reaches. */
const LIFTED_LIMITS: RateLimitTable = Object.fromEntries(
  Object.keys(DEFENDER_RATE_LIMITS).map((bucket) => [bucket, [{ limit: 1_000_000_000, windowMs: 60_000 }]]),
);

/** The table the approval feature keeps its requests in (see `bot/approvals/requestStore.ts`). */
export const REQUEST_TABLE = 'requests';

/** Starts the bot on a free loopback port. */
export async function startOurBot(
  options: OurBotOptions,
): Promise<RunningBot & { readonly pending: number }> {
  const sim = options.simulator;
  const config = loadConfig({
    DEFENDER_API_URL: sim.url,
    GRAPH_API_URL: sim.url,
    AZURE_AUTHORITY_HOST: sim.url,
    AZURE_TENANT_ID: sim.tenantId,
    AZURE_CLIENT_ID: sim.clientId,
    AZURE_CLIENT_SECRET: sim.clientSecret,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  });
  const logger = silentLogger();
  const clients = createClients(config, logger);
  const defender =
    options.defenderPacing === 'lifted'
      ? new HttpDefenderClient({
          baseUrl: sim.url,
          credential: createAppCredential(config.azure),
          tokenScope: config.defender.tokenScope,
          rateLimiter: new RateLimiter(LIFTED_LIMITS),
          logger: logger.child({ client: 'defender' }),
          configuredDeviceGroups: config.indicators.defaultDeviceGroups,
        })
      : clients.defender;
  const tables = new Map<string, TableStore<unknown>>();
  const requestTable = new FakeTableStore<IndicatorRequest>();
  tables.set(REQUEST_TABLE, requestTable);
  const store = new RequestStore(requestTable);
  for (let i = 0; i < (options.pendingRequests ?? 0); i++) await store.create(pendingBenchRequest(i));
  const app = buildApp({
    config,
    logger,
    conversations: new ConversationStore(new FakeTableStore<ConversationRecord>()),
    conversationState: new ConversationState(new MemoryStorage()),
    tables: <T>(name: string): TableStore<T> => {
      if (!tables.has(name)) tables.set(name, new FakeTableStore<unknown>());
      return tables.get(name) as TableStore<T>;
    },
    defender,
    graph: clients.graph,
  });
  const server = createServer({
    adapter: app.adapter,
    bot: app.bot,
    health: app.health,
    logger,
    version: 'bench',
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  if (options.startFeatures) await app.start();
  const url = `http://127.0.0.1:${server.address().port}`;
  const pending = (await store.list(['pending'])).length;
  return {
    url,
    pending,
    close: async () => {
      await app.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
    },
  };
}
