import type { Clock } from '../../bot/http/clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
  readonly startMs?: number;
  /** Use real `AbortSignal.timeout` for attempt timeouts (when real I/O is under test). */
  readonly realTimeouts?: boolean;
}

/**
 * Virtual time. Pending timers fire in time order, one per event-loop turn (after the microtasks the previous
 * one released), so code that sleeps runs as if time passed, without waiting. `sleeps` records every sleep.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #ticking = false;
  readonly #realTimeouts: boolean;

  constructor(options: FakeClockOptions = {}) {
    this.#now = options.startMs ?? Date.UTC(2026, 11, 1);
    this.#realTimeouts = options.realTimeouts ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.#add(ms, resolve));
  }

  timeoutSignal(ms: number): AbortSignal {
    if (this.#realTimeouts) return AbortSignal.timeout(ms);
    const controller = new AbortController();
    this.#add(ms, () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')));
    return controller.signal;
  }

  #add(ms: number, fire: () => void): void {
    this.#seq += 1;
    this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq, fire });
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (!this.#ticking) {
      this.#ticking = true;
      setImmediate(() => this.#tick());
    }
  }

  #tick(): void {
    const next = this.#timers.shift();
    if (next !== undefined) {
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
    if (this.#timers.length > 0) setImmediate(() => this.#tick());
    else this.#ticking = false;
  }
}
