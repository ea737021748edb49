/**
 * Local mode's Teams-like client: the Microsoft 365 Agents Playground, pointed at the bot's `/api/messages`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging';
import { repoRoot } from '../paths';
import { startNodeProcess, type RunningProcess } from './childProcess';

export const PLAYGROUND_PORT = 56150;

/** Starts the Playground (no browser is opened) and resolves once it serves its page. */
export async function startPlayground(options: {
  botEndpoint: string;
  workDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}): Promise<RunningProcess & { url: string }> {
  mkdirSync(options.workDir, { recursive: true });
  const script = path.join(repoRoot(), 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const running = await startNodeProcess({
    name: 'playground',
    script,
    args: ['-e', options.botEndpoint, '-c', 'msteams', '-p', String(PLAYGROUND_PORT), '--disable-telemetry'],
    env: { ...options.env, TEAMSAPPTESTER_BROWSER: 'none' },
    cwd: options.workDir,
    ready: /Listening on \d+/i,
    timeoutMs: 60000,
    logger: options.logger,
  });
  const m = /Listening on (\d+)/i.exec(running.startupOutput);
  return { ...running, url: `http://localhost:${m ? m[1] : PLAYGROUND_PORT}` };
}
