/**
 * Time as the HTTP layer sees it. Injected everywhere so tests can run hours of rate-limit pacing and backoff
 * in milliseconds of real time.
 */

/** A source of time, sleeps and timeouts. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds (immediately when `ms` ≤ 0). */
  sleep(ms: number): Promise<void>;
  /** A signal that aborts after `ms` milliseconds, for per-attempt timeouts. */
  timeoutSignal(ms: number): AbortSignal;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  timeoutSignal: (ms) => AbortSignal.timeout(Math.max(1, Math.ceil(ms))),
};
