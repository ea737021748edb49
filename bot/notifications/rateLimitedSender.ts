/**
 * The outbound sender of proactive messages: one queue per conversation, paced so that no Teams window is ever
 * exceeded (per bot and thread: 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in 1 h — reference teams-platform §1.1),
 * with retries of 429/412/502/503/504 that honour `Retry-After` and add jitter.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { ProactiveMessenger } from '../feature';
import type { Logger } from '../logging';
import { channelConversationId } from './subscriptionStore';

/** At most `limit` operations in any `ms`-long sliding window. */
export interface RateWindow {
  readonly ms: number;
  readonly limit: number;
}

/** The Teams limits per bot and thread for sending (reference teams-platform §1.1). */
export const TEAMS_THREAD_WINDOWS: readonly RateWindow[] = [
  { ms: 1_000, limit: 7 },
  { ms: 2_000, limit: 8 },
  { ms: 30_000, limit: 60 },
  { ms: 3_600_000, limit: 1_800 },
];

/** The per-app limit across all conversations (50 RPS in the current page). */
export const TEAMS_APP_WINDOWS: readonly RateWindow[] = [{ ms: 1_000, limit: 50 }];

/** Status codes Teams asks bots to retry (reference teams-platform §1.1). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 412, 502, 503, 504]);

/** Time source and sleeper, injectable for tests. */
export interface SenderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The system clock. */
export const systemSenderClock: SenderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Settings of {@link RateLimitedSender}. */
export interface RateLimitedSenderOptions {
  readonly windows?: readonly RateWindow[];
  readonly appWindows?: readonly RateWindow[];
  readonly clock?: SenderClock;
  /** Uniform [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** Attempts per operation, the first included (default 5). */
  readonly maxAttempts?: number;
  /** First backoff without `Retry-After` (default 1 s); doubles per attempt up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Extra random delay on top of `Retry-After` (default up to 500 ms). */
  readonly jitterMs?: number;
  readonly logger?: Logger;
}

/**
 * A {@link ProactiveMessenger} that queues per conversation and paces to the Teams limits. Replies in a channel
 * thread count against the channel's queue, since Teams counts per thread of the channel conservatively here.
 */
export class RateLimitedSender implements ProactiveMessenger {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly history = new Map<string, number[]>();
  private readonly appHistory: number[] = [];
  private readonly windows: readonly RateWindow[];
  private readonly appWindows: readonly RateWindow[];
  private readonly clock: SenderClock;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly jitterMs: number;
  private readonly longest: number;

  constructor(
    private readonly inner: ProactiveMessenger,
    private readonly options: RateLimitedSenderOptions = {},
  ) {
    this.windows = options.windows ?? TEAMS_THREAD_WINDOWS;
    this.appWindows = options.appWindows ?? TEAMS_APP_WINDOWS;
    this.clock = options.clock ?? systemSenderClock;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.jitterMs = options.jitterMs ?? 500;
    this.longest = Math.max(...this.windows.map((w) => w.ms), ...this.appWindows.map((w) => w.ms));
  }

  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    return this.enqueue(reference, () => this.inner.send(reference, activity));
  }

  update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    return this.enqueue(reference, () => this.inner.update(reference, activityId, activity));
  }

  /** Operations waiting or running, per conversation key (for status). */
  queuedConversations(): number {
    return this.tails.size;
  }

  private enqueue<T>(reference: Partial<ConversationReference>, op: () => Promise<T>): Promise<T> {
    const key = channelConversationId(reference.conversation?.id ?? '');
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.attempt(key, op));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  private async attempt<T>(key: string, op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.waitForSlot(key);
      try {
        return await op();
      } catch (error) {
        const status = statusOf(error);
        if (status === undefined || !RETRYABLE_STATUSES.has(status) || attempt >= this.maxAttempts)
          throw error;
        const retryAfter = retryAfterMs(error, this.clock.now());
        const delay =
          retryAfter !== undefined
            ? retryAfter + Math.floor(this.random() * this.jitterMs)
            : this.backoff(attempt);
        this.options.logger?.warn(
          { status, attempt, delayMs: delay },
          'Teams send throttled or failed; retrying',
        );
        await this.clock.sleep(delay);
      }
    }
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  private backoff(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(cap / 2 + this.random() * (cap / 2));
  }

  /** Waits until one more operation fits every window of the conversation and of the app, then books it. */
  private async waitForSlot(key: string): Promise<void> {
    let own = this.history.get(key);
    if (!own) {
      own = [];
      this.history.set(key, own);
    }
    for (;;) {
      const now = this.clock.now();
      prune(own, now - this.longest);
      prune(this.appHistory, now - this.longest);
      const wait = Math.max(waitFor(own, this.windows, now), waitFor(this.appHistory, this.appWindows, now));
      if (wait <= 0) {
        own.push(now);
        this.appHistory.push(now);
        return;
      }
      await this.clock.sleep(wait);
    }
  }
}

function prune(times: number[], before: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] ?? 0) <= before) drop++;
  if (drop > 0) times.splice(0, drop);
}

/** How long until one more operation fits all windows; `times` is ascending, windows are `(now - ms, now]`. */
function waitFor(times: readonly number[], windows: readonly RateWindow[], now: number): number {
  let wait = 0;
  for (const w of windows) {
    const start = now - w.ms;
    let first = times.length;
    for (let i = times.length - 1; i >= 0 && (times[i] ?? 0) > start; i--) first = i;
    const inWindow = times.length - first;
    if (inWindow >= w.limit) {
      const freeing = times[first + inWindow - w.limit] ?? now;
      wait = Math.max(wait, freeing + w.ms - now);
    }
  }
  return wait;
}

interface HttpishError {
  statusCode?: unknown;
  status?: unknown;
  response?: { status?: unknown; headers?: unknown };
  headers?: unknown;
}

/** The HTTP status of a failed connector call (botbuilder's RestError, or a plain error carrying one). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as HttpishError;
  for (const v of [e.statusCode, e.status, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const h = headers as { get?: unknown } & Record<string, unknown>;
  if (typeof h.get === 'function') {
    const v: unknown = (h.get as (n: string) => unknown).call(headers, name);
    return typeof v === 'string' ? v : undefined;
  }
  const found = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = found === undefined ? undefined : h[found];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** `Retry-After` of a failed call in ms (seconds or an HTTP date), if any. */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as HttpishError;
  const raw = headerOf(e.response?.headers, 'retry-after') ?? headerOf(e.headers, 'retry-after');
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
