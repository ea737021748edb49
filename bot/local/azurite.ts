/**
 * Local mode's storage: Azurite (blob and table services) on loopback, data kept in a folder.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging';
import { repoRoot } from '../paths';
import { startNodeProcess, type RunningProcess } from './childProcess';

/** Azurite's well-known development account (public, documented; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite and the connection string for it. */
export interface RunningAzurite extends RunningProcess {
  readonly connectionString: string;
}

/** The connection string of Azurite's development account on the given ports. */
export function azuriteConnectionString(blobPort: number, tablePort: number): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${blobPort}/${DEV_ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${tablePort}/${DEV_ACCOUNT}`,
  ].join(';');
}

/** Starts Azurite's blob and table services with data in `location`. */
export async function startAzurite(
  location: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningAzurite> {
  mkdirSync(location, { recursive: true });
  const script = path.join(repoRoot(), 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
  const running = await startNodeProcess({
    name: 'azurite',
    script,
    args: [
      '--location',
      location,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      '0',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      '0',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      '--disableTelemetry',
    ],
    env,
    ready: /Table service is successfully listening at \S+:\d+/,
    timeoutMs: 30000,
    logger,
  });
  const port = (service: string): number => {
    const m = new RegExp(`${service} service is successfully listening at \\S+:(\\d+)`).exec(
      running.startupOutput,
    );
    if (!m) throw new Error(`Azurite did not say where its ${service} service listens`);
    return Number(m[1]);
  };
  return { ...running, connectionString: azuriteConnectionString(port('Blob'), port('Table')) };
}
