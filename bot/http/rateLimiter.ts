/**
 * Client-side pacing of calls to rate-limited APIs, so the bot stays under Defender's documented limits instead
 * of discovering them through 429s (reference/defender-api.md §3).
 */
import { systemClock, type Clock } from './clock';

/** At most `limit` calls in any interval of `windowMs`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** The limits of every bucket: a call must satisfy all limits of its bucket. */
export type RateLimitTable = Readonly<Record<string, readonly RateLimit[]>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Names of the Defender indicator API's rate-limit buckets. The documentation gives each API its own limit
 * ("Rate limitations for this API are …"), so submit, list and delete are counted separately.
 */
export const DefenderBucket = {
  /** POST /api/indicators */
  submit: 'defender.submit',
  /** GET /api/indicators (and GET /api/indicators/{id}, which is undocumented and counted with the list) */
  list: 'defender.list',
  /** DELETE /api/indicators/{id} */
  delete: 'defender.delete',
  /** POST /api/indicators/import */
  import: 'defender.import',
  /** POST /api/indicators/BatchDelete */
  batchDelete: 'defender.batchDelete',
  /** GET /api/exposureScore/ByMachineGroups (device-group discovery; undocumented limit, the general one assumed) */
  deviceGroups: 'defender.deviceGroups',
} as const;
export type DefenderBucket = (typeof DefenderBucket)[keyof typeof DefenderBucket];

/** Defender's documented limits (reference/defender-api.md §3). */
export const DEFENDER_RATE_LIMITS: RateLimitTable = {
  [DefenderBucket.submit]: [
    { limit: 100, windowMs: MINUTE },
    { limit: 1500, windowMs: HOUR },
  ],
  [DefenderBucket.list]: [
    { limit: 100, windowMs: MINUTE },
    { limit: 1500, windowMs: HOUR },
  ],
  [DefenderBucket.delete]: [
    { limit: 100, windowMs: MINUTE },
    { limit: 1500, windowMs: HOUR },
  ],
  [DefenderBucket.import]: [{ limit: 30, windowMs: MINUTE }],
  [DefenderBucket.batchDelete]: [
    { limit: 30, windowMs: MINUTE },
    { limit: 1500, windowMs: HOUR },
  ],
  [DefenderBucket.deviceGroups]: [
    { limit: 100, windowMs: MINUTE },
    { limit: 1500, windowMs: HOUR },
  ],
};

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  readonly clock?: Clock;
  /**
   * Added to every window, because the server measures intervals between arrivals and the client between
   * departures; network jitter would otherwise let two calls land a hair less than a window apart.
   */
  readonly marginMs?: number;
}

/**
 * Paces calls per bucket so that no interval of a limit's window ever holds more than its `limit` calls.
 *
 * @remarks
 * Each bucket keeps the start times of its most recent calls (a sliding-window log, the exact form of a token
 * bucket that refills one token a window after it was spent). Unlike a refill-rate token bucket, this never
 * allows a burst of `limit` right after a paced run, so it stays safe against servers that count in sliding
 * windows as well as in fixed ones. {@link RateLimiter.acquire} reserves the next free slot at once, so
 * concurrent callers queue in order and none of them fails: they wait.
 */
export class RateLimiter {
  readonly #limits: RateLimitTable;
  readonly #clock: Clock;
  readonly #marginMs: number;
  /** Per bucket, per limit: the reserved start times, ascending, at most `limit` of them. */
  readonly #logs = new Map<string, number[][]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(limits: RateLimitTable, options: RateLimiterOptions = {}) {
    for (const [bucket, rules] of Object.entries(limits)) {
      for (const rule of rules) {
        if (!Number.isInteger(rule.limit) || rule.limit < 1 || !(rule.windowMs > 0)) {
          throw new RangeError(`Invalid rate limit for bucket ${bucket}`);
        }
      }
    }
    this.#limits = limits;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.marginMs ?? 1000;
  }

  /**
   * Waits until a call in `bucket` is allowed and reserves it.
   * @returns the milliseconds waited.
   * @throws RangeError for a bucket without limits (a programming error, not a runtime condition).
   */
  async acquire(bucket: string): Promise<number> {
    const wait = this.reserve(bucket);
    if (wait > 0) await this.#clock.sleep(wait);
    return wait;
  }

  /**
   * Reserves the next free slot in `bucket` without waiting.
   * @returns the milliseconds until the reserved slot (0 when the call may go now).
   */
  reserve(bucket: string): number {
    const rules = this.#limits[bucket];
    if (rules === undefined) throw new RangeError(`No rate limit is configured for bucket ${bucket}`);
    const logs = this.#logsOf(bucket, rules.length);
    const now = this.#clock.now();
    let slot = Math.max(now, this.#blockedUntil.get(bucket) ?? 0);
    rules.forEach((rule, i) => {
      const log = logs[i] ?? [];
      if (log.length >= rule.limit) {
        const oldest = log[log.length - rule.limit] ?? 0;
        slot = Math.max(slot, oldest + rule.windowMs + this.#marginMs);
      }
    });
    rules.forEach((rule, i) => {
      const log = logs[i] ?? [];
      log.push(slot);
      if (log.length > rule.limit) log.splice(0, log.length - rule.limit);
    });
    return slot - now;
  }

  /**
   * Holds every caller of `bucket` until `untilMs` (epoch ms), e.g. after a 429 with `Retry-After`, so the
   * other callers sharing the quota do not run into the same wall.
   */
  blockUntil(bucket: string, untilMs: number): void {
    this.#blockedUntil.set(bucket, Math.max(untilMs, this.#blockedUntil.get(bucket) ?? 0));
  }

  #logsOf(bucket: string, count: number): number[][] {
    let logs = this.#logs.get(bucket);
    if (logs === undefined) {
      logs = Array.from({ length: count }, () => []);
      this.#logs.set(bucket, logs);
    }
    return logs;
  }
}

let shared: RateLimiter | undefined;

/**
 * The process-wide limiter for Defender: every Defender client in the process must share it, because the
 * limits are per tenant, not per client object.
 */
export function sharedDefenderRateLimiter(): RateLimiter {
  shared ??= new RateLimiter(DEFENDER_RATE_LIMITS);
  return shared;
}
