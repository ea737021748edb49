/**
 * The poll loop: (1) hold the lease, (2) announce what an earlier run recorded but did not announce, (3) per
 * enabled source, read from its checkpoint, correlate and record the hits durably, then move the checkpoint,
 * (4) announce. Because the checkpoint moves only after the hits are recorded, and hits are announced only from
 * the ledger, a crash at any point neither loses a hit nor announces it twice (the ledger drops re-read hits).
 */
import type { Logger } from '../logging';
import type { TableStore } from '../storage/tableStore';
import type { HitAnnouncer } from './hitAnnouncer';
import type { HitLedger } from './hitLedger';
import type { HitSourceName } from './hitRecord';
import type { HitSource } from './hitSource';
import type { IndicatorCorrelator } from './indicatorCorrelator';
import type { StorageLease } from './storageLease';

/** A source's checkpoint and last results, persisted per source. */
export interface SourceCheckpoint {
  readonly checkpoint?: string;
  readonly lastPollAt?: string;
  /** Hits this source contributed (new or merged) in its last successful poll. */
  readonly lastCount: number;
  readonly totalCount: number;
  readonly lastError?: string;
}

/** What `/status` shows per source. */
export interface HitSourceStatus {
  readonly name: HitSourceName;
  readonly enabled: boolean;
  readonly lastPollAt?: string;
  /** Seconds between now and the source's checkpoint (how far behind the announcements may be). */
  readonly lagSeconds?: number;
  readonly lastCount: number;
  readonly totalCount: number;
  readonly lastError?: string;
}

/** The outcome of one poll. */
export interface PollReport {
  /** False when another instance holds the lease; nothing else was done. */
  readonly leader: boolean;
  readonly recorded: number;
  readonly merged: number;
  readonly duplicates: number;
  readonly posted: number;
  readonly updated: number;
  readonly errors: readonly string[];
}

/** What the poller is built from. */
export interface HitPollerDeps {
  readonly sources: readonly { readonly source: HitSource; readonly enabled: boolean }[];
  readonly ledger: HitLedger;
  readonly correlator: IndicatorCorrelator;
  readonly announcer: HitAnnouncer;
  readonly checkpoints: TableStore<SourceCheckpoint>;
  readonly lease?: StorageLease;
  readonly now: () => Date;
  readonly pollSeconds: number;
  readonly logger?: Logger;
}

const PARTITION = 'checkpoint';

/** Polls the hit sources on an interval, or once on request. */
export class HitPoller {
  private timer?: NodeJS.Timeout;
  private running?: Promise<PollReport>;
  private stopped = true;
  private readonly cache = new Map<HitSourceName, SourceCheckpoint>();

  constructor(private readonly deps: HitPollerDeps) {}

  /** One poll; concurrent calls share the poll in flight. */
  pollOnce(): Promise<PollReport> {
    this.running ??= this.poll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async poll(): Promise<PollReport> {
    const report = {
      leader: true,
      recorded: 0,
      merged: 0,
      duplicates: 0,
      posted: 0,
      updated: 0,
      errors: [] as string[],
    };
    if (this.deps.lease && !(await this.deps.lease.acquire())) return { ...report, leader: false };
    await this.announce(report);
    this.deps.correlator.beginPoll();
    for (const { source, enabled } of this.deps.sources) {
      if (!enabled) continue;
      const now = this.deps.now();
      let previous: SourceCheckpoint = this.cache.get(source.name) ?? { lastCount: 0, totalCount: 0 };
      try {
        previous = await this.checkpoint(source.name);
        const result = await source.poll(previous.checkpoint, now);
        let contributed = 0;
        for (const hit of result.hits) {
          const indicator = await this.deps.correlator.match(hit);
          const { outcome } = await this.deps.ledger.record(hit, indicator);
          if (outcome === 'new') report.recorded++;
          else if (outcome === 'merged') report.merged++;
          else report.duplicates++;
          if (outcome !== 'duplicate') contributed++;
        }
        await this.save(source.name, {
          checkpoint: result.checkpoint,
          lastPollAt: now.toISOString(),
          lastCount: contributed,
          totalCount: previous.totalCount + contributed,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.errors.push(`${source.name}: ${message}`);
        this.deps.logger?.warn({ err: error, source: source.name }, 'hit source poll failed');
        await this.save(source.name, {
          ...previous,
          lastPollAt: now.toISOString(),
          lastError: message,
        }).catch(() => undefined);
      }
    }
    await this.announce(report);
    return report;
  }

  private async announce(report: { posted: number; updated: number; errors: string[] }): Promise<void> {
    try {
      const r = await this.deps.announcer.announcePending();
      report.posted += r.posted;
      report.updated += r.updated;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.errors.push(`announce: ${message}`);
      this.deps.logger?.warn({ err: error }, 'announcing hits failed; they stay pending');
    }
  }

  private async checkpoint(name: HitSourceName): Promise<SourceCheckpoint> {
    const stored = (await this.deps.checkpoints.get(PARTITION, name))?.data ?? {
      lastCount: 0,
      totalCount: 0,
    };
    this.cache.set(name, stored);
    return stored;
  }

  private async save(name: HitSourceName, value: SourceCheckpoint): Promise<void> {
    await this.deps.checkpoints.upsert(PARTITION, name, value);
    this.cache.set(name, value);
  }

  /** Starts polling every `pollSeconds` (the first poll right away). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      void this.pollOnce()
        .catch((error: unknown) => this.deps.logger?.error({ err: error }, 'hit poll failed'))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.deps.pollSeconds * 1000);
            this.timer.unref();
          }
        });
    };
    tick();
  }

  /** Stops polling, waits for a poll in flight, and releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.deps.lease?.release().catch(() => undefined);
  }

  /** Reloads the persisted status of every source (another instance may be the poller). */
  async refreshStatus(): Promise<HitSourceStatus[]> {
    for (const { source } of this.deps.sources) await this.checkpoint(source.name);
    return this.status();
  }

  /** The last known status of every source (from this instance's polls or the last {@link refreshStatus}). */
  status(): HitSourceStatus[] {
    const now = this.deps.now().getTime();
    return this.deps.sources.map(({ source, enabled }) => {
      const c = this.cache.get(source.name) ?? { lastCount: 0, totalCount: 0 };
      return {
        name: source.name,
        enabled,
        ...(c.lastPollAt ? { lastPollAt: c.lastPollAt } : {}),
        ...(c.checkpoint
          ? { lagSeconds: Math.max(0, Math.round((now - Date.parse(c.checkpoint)) / 1000)) }
          : {}),
        lastCount: c.lastCount,
        totalCount: c.totalCount,
        ...(c.lastError ? { lastError: c.lastError } : {}),
      };
    });
  }
}
