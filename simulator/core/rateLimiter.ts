/**
 * Sliding-window rate limits per endpoint bucket, as documented for the indicator API (reference §3).
 */

/** Limits of one bucket. */
export interface RateLimit {
  readonly perMinute?: number;
  readonly perHour?: number;
}

/** Documented limits, keyed by endpoint name. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  'defender.submit': { perMinute: 100, perHour: 1500 },
  'defender.list': { perMinute: 100, perHour: 1500 },
  'defender.get': { perMinute: 100, perHour: 1500 },
  'defender.delete': { perMinute: 100, perHour: 1500 },
  'defender.import': { perMinute: 30 },
  'defender.batchDelete': { perMinute: 30, perHour: 1500 },
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The answer for one call: allowed, or refused with the seconds to wait. */
export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts accepted calls per bucket key; refused calls do not count. */
export class RateLimiter {
  private readonly calls = new Map<string, number[]>();
  enabled: boolean;

  constructor(
    private readonly limits: Readonly<Record<string, RateLimit>>,
    private readonly now: () => Date,
    enabled = true,
  ) {
    this.enabled = enabled;
  }

  /** Records a call to `endpoint` by `caller` (e.g. the tenant) unless it exceeds a limit. */
  take(endpoint: string, caller: string): RateDecision {
    const limit = this.limits[endpoint];
    if (!this.enabled || limit === undefined) return { allowed: true };
    const key = `${endpoint}\u0000${caller}`;
    const t = this.now().getTime();
    const times = (this.calls.get(key) ?? []).filter((c) => c > t - HOUR);
    let waitMs = 0;
    const check = (max: number | undefined, windowMs: number): void => {
      if (max === undefined) return;
      const inWindow = times.filter((c) => c > t - windowMs);
      if (inWindow.length >= max) {
        const oldestThatMustExpire = inWindow[inWindow.length - max] ?? t;
        waitMs = Math.max(waitMs, oldestThatMustExpire + windowMs - t);
      }
    };
    check(limit.perMinute, MINUTE);
    check(limit.perHour, HOUR);
    if (waitMs > 0) {
      this.calls.set(key, times);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    times.push(t);
    this.calls.set(key, times);
    return { allowed: true };
  }

  /** Forgets all counted calls. */
  reset(): void {
    this.calls.clear();
  }
}
