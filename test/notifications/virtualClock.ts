/**
 * A virtual clock for the sender and poller tests: `sleep` registers a timer; `runUntil` advances time to the
 * next timer whenever every pending promise is waiting, so hours of pacing run in milliseconds.
 */
import type { SenderClock } from '../../bot/notifications/rateLimitedSender';

export class VirtualClock implements SenderClock {
  private t: number;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(start = Date.parse('2026-12-01T10:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  date(): Date {
    return new Date(this.t);
  }

  advance(ms: number): void {
    this.t += ms;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), resolve });
    });
  }

  /** Runs timers until `work` settles; returns its result. */
  async runUntil<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    while (!done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done) break;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) continue;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    return watched;
  }
}
