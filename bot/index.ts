/**
 * Composition root: load config → start what local mode embeds → build clients and stores → build the bot →
 * start the server. Nothing else picks implementations.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConversationState } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { childProcessEnv, loadConfig, type Config } from './config';
import { ConfigError } from './errors';
import { createLogger, type Logger } from './logging';
import { startAzurite } from './local/azurite';
import type { RunningProcess } from './local/childProcess';
import { startPlayground } from './local/playground';
import { repoRoot } from './paths';
import { Secret } from './secret';
import { buildApp } from './app';
import { createClients } from './clients';
import { createServer, type HealthCheck } from './server';
import { AzureTableStore } from './storage/tableStore';
import { ConversationStore, type ConversationRecord } from './storage/conversationStore';
import { ensureCa } from '../simulator/ca';
import { startSimulator } from '../simulator/index';

const VERSION = (
  JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
).version;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const dataDir = path.resolve(repoRoot(), config.dataDir);

  // The embedded simulator serves HTTPS with its own CA; Node trusts it only through NODE_EXTRA_CA_CERTS set when
  // the process starts, so local mode re-starts itself once with that variable pointing at the CA.
  const caDir = path.join(dataDir, 'simulator-ca');
  if (config.embedded.simulator && config.extraCaCertsFile !== path.join(caDir, 'ca.pem')) {
    const ca = await ensureCa(caDir);
    await relaunchWith({ NODE_EXTRA_CA_CERTS: ca.certPath });
    return;
  }

  const stops: Array<() => Promise<void>> = [];
  const helpers: RunningProcess[] = [];
  // Whatever ends this process, its helper processes do not outlive it.
  process.on('exit', () => {
    for (const h of helpers) if (h.child.exitCode === null) h.child.kill('SIGKILL');
  });
  let resolved = config;
  if (config.embedded.simulator) {
    const sim = await startSimulator({ port: 0, caDir });
    stops.push(() => sim.close());
    resolved = withServices(resolved, {
      url: sim.url,
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
    });
    logger.info({ url: sim.url }, 'simulator of Entra, Defender and Graph started');
  }
  let storageConnection = config.storage.connectionString?.reveal();
  if (config.embedded.azurite) {
    const azurite = await startAzurite(path.join(dataDir, 'azurite'), childProcessEnv({}), logger);
    helpers.push(azurite);
    storageConnection = azurite.connectionString;
    logger.info({}, 'Azurite started');
  }
  if (!storageConnection) throw new Error('no storage configured'); // config guarantees one in production

  const conversationsTable = AzureTableStore.fromConnectionString<ConversationRecord>(
    storageConnection,
    'conversations',
  );
  const health: HealthCheck[] = [
    {
      name: 'storage',
      check: async () => {
        await conversationsTable.ping();
      },
    },
  ];
  const connection = storageConnection;
  const clients = createClients(resolved, logger);
  const app = buildApp({
    config: resolved,
    logger,
    conversations: new ConversationStore(conversationsTable),
    conversationState: new ConversationState(new BlobsStorage(connection, 'botstate')),
    tables: <T>(name: string) => AzureTableStore.fromConnectionString<T>(connection, name),
    defender: clients.defender,
    graph: clients.graph,
    credential: clients.credential,
    baseHealth: [...health, ...clients.health],
  });
  health.push(...clients.health, ...app.health);

  const server = createServer({ adapter: app.adapter, bot: app.bot, health, logger, version: VERSION });
  // Recovery (reconciling interrupted submissions) runs before the first click can arrive.
  await app.start();
  await new Promise<void>((resolve) => {
    server.listen(config.port, '0.0.0.0', resolve);
  });
  const botEndpoint = `http://127.0.0.1:${config.port}/api/messages`;
  logger.info({ endpoint: botEndpoint, mode: config.mode }, 'bot listening');

  if (config.embedded.playground) {
    const playground = await startPlayground({
      botEndpoint,
      workDir: path.join(dataDir, 'playground'),
      env: childProcessEnv({}),
      logger,
    });
    helpers.push(playground);
    process.stdout.write(
      `\n  defender-ioc-bot is running in local mode.\n` +
        `  Chat with it:   ${playground.url}   (type: help)\n` +
        `  Health:         http://127.0.0.1:${config.port}/healthz\n` +
        `  Bot endpoint:   ${botEndpoint}\n` +
        `  Simulator:      ${resolved.defender.apiUrl ?? '-'}\n` +
        `  Press Ctrl-C to stop everything.\n\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      // Keep-alive connections (the Playground's) would hold server.close() open; it gets a few seconds.
      await Promise.race([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.server.closeIdleConnections();
        }),
        new Promise<void>((resolve) => setTimeout(resolve, 3000).unref()),
      ]);
      await app.stop();
      for (const h of [...helpers].reverse()) await h.stop();
      for (const stop of [...stops].reverse()) await stop();
      process.exit(0);
    })();
  };
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and from the relaunching parent), and a
  // second signal must not kill it before Azurite and the Playground are stopped.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Replaces the configured service endpoints and app identity with the embedded simulator's. */
function withServices(
  config: Config,
  s: { url: string; tenantId: string; clientId: string; clientSecret: string },
): Config {
  return Object.freeze({
    ...config,
    azure: Object.freeze({
      ...config.azure,
      authorityHost: s.url,
      tenantId: s.tenantId,
      clientId: s.clientId,
      clientSecret: new Secret(s.clientSecret),
    }),
    defender: Object.freeze({ ...config.defender, apiUrl: s.url }),
    graph: Object.freeze({ ...config.graph, apiUrl: s.url }),
  });
}

/** Runs this same program again as a child with extra environment, forwarding signals and the exit code. */
async function relaunchWith(extra: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, process.argv.slice(1), {
    env: childProcessEnv(extra),
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}

main().catch((e: unknown) => {
  const logger: Logger = createLogger('error');
  logger.error({ err: e }, 'failed to start');
  process.exit(1);
});
