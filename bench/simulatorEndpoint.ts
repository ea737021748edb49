/**
 * The in-process simulator the benchmarks use (the driver's process hosts it; the bot under test reaches it over
 * loopback HTTPS). The process must trust the test CA (`NODE_EXTRA_CA_CERTS`, see `run.ts`).
 */
import path from 'node:path';
import { repoRoot } from '../bot/paths';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../simulator/index';
import type { SimulatorEndpoint } from './ourBot';

/** The CA folder of the tests, which the benchmark reuses. */
export const BENCH_CA_DIR = path.join(repoRoot(), '.data', 'test-ca');

/** Starts the simulator on the test CA (rate limits off unless asked). */
export function startBenchSimulator(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ caDir: BENCH_CA_DIR, port: 0, rateLimits: false, ...options });
}

/** What the bot needs to know of a running simulator. */
export function endpointOf(sim: RunningSimulator): SimulatorEndpoint {
  return { url: sim.url, tenantId: sim.tenantId, clientId: sim.clientId, clientSecret: sim.clientSecret };
}
