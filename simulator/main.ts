/**
 * Standalone simulator for `npm run simulator [port]`: listens on the given port (default 4000) with the CA in
 * `.data/simulator-ca`, prints the environment a bot needs to use it, and stops on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { startSimulator } from './index';

/** The environment variables a bot process needs to talk to a simulator. */
export function botEnvironment(sim: {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
}): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: sim.url,
    DEFENDER_API_URL: sim.url,
    GRAPH_API_URL: sim.url,
    AZURE_TENANT_ID: sim.tenantId,
    AZURE_CLIENT_ID: sim.clientId,
    AZURE_CLIENT_SECRET: sim.clientSecret,
    NODE_EXTRA_CA_CERTS: sim.caCertPath,
  };
}

async function main(): Promise<void> {
  const portArg = process.argv[2];
  const port = portArg === undefined ? 4000 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`simulator: invalid port '${portArg ?? ''}'\n`);
    process.exitCode = 2;
    return;
  }
  const sim = await startSimulator({ port, caDir: path.resolve('.data', 'simulator-ca') });
  const lines = [
    `Defender/Graph/Entra simulator listening on ${sim.url}`,
    `  Entra authority:  ${sim.url}/${sim.tenantId}/v2.0`,
    `  Defender API:     ${sim.url}/api/indicators`,
    `  Graph API:        ${sim.url}/v1.0/security/alerts_v2`,
    `  Control API:      ${sim.url}/_sim/requests (loopback only)`,
    '',
    'Environment for a bot process:',
    ...Object.entries(botEnvironment(sim)).map(([k, v]) => `  ${k}=${v}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
