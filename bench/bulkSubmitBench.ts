/**
 * Workload 3, bulk submission: 15,000 indicators (the tenant maximum) through the real Defender client's `import`
 * against the simulator with its documented rate limits on, on the real clock.
 *
 * The rate-limit floor is the fastest any client could finish under the documented limit (import: 30 calls per
 * minute, 500 indicators per call): the waiting the limit forces, `floor((calls - 1) / 30)` minutes, plus the time
 * the simulator itself needs for the calls, measured in the same run by posting the same batches straight to
 * it (no client, limits off). 15,000 indicators are exactly 30 calls, which one minute's window admits at once, so
 * the first import's floor is only that raw time. The paced part then makes a 31st call at once (the first 500
 * again, an upsert): it must wait for the window, so its floor, from the first call's start, is one minute plus
 * the raw time of that call (the client's limiter adds its safety margin of a second on top, which counts
 * against it). The simulator's import costs grow with the store (it scans for an existing indicator per
 * upsert), so the raw baseline is the full 15,000 into an empty store, as the client's run is.
 */
import { performance } from 'node:perf_hooks';
import type { TokenCredential } from '@azure/identity';
import {
  DEFAULT_DEFENDER_TOKEN_SCOPE,
  HttpDefenderClient,
  type IndicatorSubmission,
} from '../bot/defender/defenderClient';
import { DEFENDER_RATE_LIMITS, DefenderBucket, RateLimiter } from '../bot/http/rateLimiter';
import { createAppCredential } from '../bot/identity/credentials';
import { Secret } from '../bot/secret';
import type { RunningSimulator } from '../simulator/index';
import { startBenchSimulator } from './simulatorEndpoint';
import { median, ratio, round } from './stats';

const BATCH = 500;
const IMPORT_LIMIT = DEFENDER_RATE_LIMITS[DefenderBucket.import]?.[0] ?? { limit: 30, windowMs: 60_000 };

/** Options of {@link runBulkSubmitBench}. */
export interface BulkSubmitOptions {
  readonly indicators?: number;
  /** Make a 31st call right away, so that the client must wait for the window. */
  readonly paced?: boolean;
  /** Runs of the raw baseline (default 1: each costs as much simulator time as the measured run). */
  readonly rawRuns?: number;
}

/** Result of the workload. */
export interface BulkSubmitResult {
  readonly indicators: number;
  /** Import calls of the first import (the minimum is indicators / 500). */
  readonly calls: number;
  readonly minimumCalls: number;
  /** 429 answers the simulator gave over the whole workload. */
  readonly throttled: number;
  /** Indicators Defender reported as failed. */
  readonly failed: number;
  readonly wallMs: number;
  /** Floor of the first import: rate-limit wait (0 for ≤ 30 calls) + raw time of its calls. */
  readonly floorMs: number;
  readonly rawMs: number;
  readonly wallRatio: number | null;
  readonly paced?: {
    readonly calls: number;
    readonly wallMs: number;
    /** One minute (the documented window) + raw time of the 31st call. */
    readonly floorMs: number;
    /** What the client's own limiter allows at best (window + its 1 s margin, + raw time). */
    readonly limiterFloorMs: number;
    readonly wallRatio: number | null;
  };
}

/** `count` valid indicators of mixed types. */
export function bulkIndicators(count: number, tag = 'bulk'): IndicatorSubmission[] {
  const expirationTime = new Date('2027-03-01T00:00:00Z');
  return Array.from({ length: count }, (_, i): IndicatorSubmission => {
    const base = {
      title: `Bench ${tag} ${i}`,
      description: 'Bulk submission benchmark',
      severity: 'Medium' as const,
    };
    switch (i % 4) {
      case 0:
        return {
          ...base,
          indicatorType: 'DomainName',
          indicatorValue: `${tag}${i}.evil.example.com`,
          action: 'Block',
          expirationTime,
        };
      case 1:
        return {
          ...base,
          indicatorType: 'IpAddress',
          indicatorValue: `203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          action: 'Block',
        };
      case 2:
        return {
          ...base,
          indicatorType: 'Url',
          indicatorValue: `https://${tag}.evil.example.net/p/${i}`,
          action: 'Audit',
          generateAlert: true,
        };
      default:
        return {
          ...base,
          indicatorType: 'FileSha256',
          indicatorValue: (i.toString(16).padStart(8, '0') + 'ab').repeat(7).slice(0, 64),
          action: 'BlockAndRemediate',
          expirationTime,
        };
    }
  });
}

function credentialFor(sim: RunningSimulator): TokenCredential {
  return createAppCredential({
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: new Secret(sim.clientSecret),
    authorityHost: sim.url,
    useManagedIdentity: false,
  });
}

/** Posts the batches straight to the simulator, one after another: the server's own share of the floor. */
async function rawImport(
  sim: RunningSimulator,
  token: string,
  indicators: readonly IndicatorSubmission[],
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < indicators.length; i += BATCH) {
    const batch = indicators.slice(i, i + BATCH).map((x) => ({
      ...x,
      ...(x.expirationTime
        ? { expirationTime: x.expirationTime.toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : {}),
    }));
    const res = await fetch(`${sim.url}/api/indicators/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ Indicators: batch }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`raw import answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return performance.now() - start;
}

/** Runs the workload. */
export async function runBulkSubmitBench(options: BulkSubmitOptions = {}): Promise<BulkSubmitResult> {
  const count = options.indicators ?? 15_000;
  const indicators = bulkIndicators(count);
  const minimumCalls = Math.ceil(count / BATCH);
  const sim = await startBenchSimulator({ rateLimits: true });
  try {
    const credential = credentialFor(sim);
    const token = await credential.getToken(DEFAULT_DEFENDER_TOKEN_SCOPE);
    if (!token) throw new Error('the simulator issued no token');
    // The raw baseline runs with limits off, so that it spends none of the window: the same batches, then the
    // paced call's batch once more into the full store (an update, like the paced call). Reset afterwards.
    sim.setRateLimits(false);
    const rawTimes: number[] = [];
    let rawUpdateMs = 0;
    for (let r = 0; r < (options.rawRuns ?? 1); r++) {
      sim.reset();
      rawTimes.push(await rawImport(sim, token.token, indicators));
      rawUpdateMs = await rawImport(sim, token.token, indicators.slice(0, BATCH));
    }
    sim.reset();
    sim.setRateLimits(true);
    const rawMs = median(rawTimes);

    const client = new HttpDefenderClient({
      baseUrl: sim.url,
      credential,
      rateLimiter: new RateLimiter(DEFENDER_RATE_LIMITS),
    });
    const start = performance.now();
    const first = await client.import(indicators);
    const wallMs = performance.now() - start;
    const floorMs = Math.floor((first.calls - 1) / IMPORT_LIMIT.limit) * IMPORT_LIMIT.windowMs + rawMs;

    let paced: BulkSubmitResult['paced'];
    let failed = first.failed;
    if (options.paced ?? true) {
      // One more call at once: the window is full, so it must wait for the first call's minute to pass.
      const more = await client.import(indicators.slice(0, BATCH));
      failed += more.failed;
      const totalMs = performance.now() - start;
      const calls = first.calls + more.calls;
      const waits = Math.floor((calls - 1) / IMPORT_LIMIT.limit);
      const pacedFloor = waits * IMPORT_LIMIT.windowMs + rawUpdateMs;
      paced = {
        calls,
        wallMs: round(totalMs, 1),
        floorMs: round(pacedFloor, 1),
        limiterFloorMs: round(waits * (IMPORT_LIMIT.windowMs + 1000) + rawUpdateMs, 1),
        wallRatio: ratio(totalMs, pacedFloor),
      };
    }
    return {
      indicators: count,
      calls: first.calls,
      minimumCalls,
      throttled: sim.log.count({ status: 429 }),
      failed,
      wallMs: round(wallMs, 1),
      floorMs: round(floorMs, 1),
      rawMs: round(rawMs, 1),
      wallRatio: ratio(wallMs, floorMs),
      ...(paced ? { paced } : {}),
    };
  } finally {
    await sim.close();
  }
}
