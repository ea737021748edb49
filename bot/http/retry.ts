/**
 * Retries with jittered exponential backoff, per-attempt timeouts and an overall deadline. The operation decides
 * what is retryable by throwing a {@link RetryableError}; anything else ends the retries at once.
 */
import { systemClock, type Clock } from './clock';

/** How hard to try. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles each attempt up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Abort an attempt that takes longer than this. */
  readonly attemptTimeoutMs: number;
  /** Give up when the next attempt could not start (or finish its wait) within this time from the first one. */
  readonly deadlineMs: number;
}

/** Defaults for calls to Defender (its 429s ask for waits of seconds to a minute). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 30_000,
  deadlineMs: 180_000,
};

/** What an attempt knows about itself. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborts when the attempt times out; hand it to `fetch`. */
  readonly signal: AbortSignal;
}

/**
 * Thrown by an operation to ask for another attempt. `failure` is what the caller receives if no attempt is
 * left; `retryAfterMs` (from a `Retry-After` header) replaces the computed backoff.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    readonly failure: Error,
    readonly retryAfterMs?: number,
  ) {
    super(failure.message);
  }
}

/** Dependencies of {@link retry}, injected so tests control time and jitter. */
export interface RetryDeps {
  readonly clock?: Clock;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  /**
   * Runs before each attempt, outside its timeout (e.g. waiting for a rate-limit slot). The time it waits is
   * added to the deadline: pacing is deliberate and must not use up the budget meant for failures.
   */
  readonly beforeAttempt?: () => Promise<unknown>;
  /** Called before sleeping between attempts, e.g. to log. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: RetryableError }) => void;
}

/**
 * Runs `operation` until it succeeds, throws a non-retryable error, or attempts or time run out.
 * @throws the non-retryable error as is, or the last {@link RetryableError}'s `failure`.
 * @remarks When the operation times out (its signal aborted) and throws anything, that counts as retryable;
 * the thrown error is the failure reported if it was the last attempt.
 */
export async function retry<T>(
  operation: (ctx: AttemptContext) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  deps: RetryDeps = {},
): Promise<T> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  let deadline = clock.now() + policy.deadlineMs;
  for (let attempt = 1; ; attempt += 1) {
    if (deps.beforeAttempt) {
      const before = clock.now();
      await deps.beforeAttempt();
      deadline += clock.now() - before;
    }
    const remaining = deadline - clock.now();
    const signal = clock.timeoutSignal(Math.max(1, Math.min(policy.attemptTimeoutMs, remaining)));
    let failure: RetryableError;
    try {
      return await operation({ attempt, signal });
    } catch (error) {
      if (error instanceof RetryableError) failure = error;
      else if (signal.aborted) failure = new RetryableError(asError(error));
      else throw error;
    }
    if (attempt >= policy.maxAttempts) throw failure.failure;
    const delayMs = failure.retryAfterMs ?? backoffDelay(attempt, policy, random);
    if (clock.now() + delayMs >= deadline) throw failure.failure;
    deps.onRetry?.({ attempt, delayMs, error: failure });
    await clock.sleep(delayMs);
  }
}

/**
 * The "equal jitter" backoff after attempt `attempt` (1-based): uniform in [cap/2, cap) where cap is
 * `baseDelayMs · 2^(attempt-1)` bounded by `maxDelayMs`. Half the cap is kept so a retry never fires at once.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date.
 * @returns milliseconds to wait (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
