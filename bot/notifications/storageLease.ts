/**
 * A lease in table storage that elects one poller among several bot instances. The holder renews it on every
 * poll; if it dies the lease expires and another instance takes over. ETags make takeovers race-free.
 */
import { ConflictError } from '../errors';
import type { TableStore } from '../storage/tableStore';

/** The lease row. */
export interface LeaseRecord {
  readonly owner: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

/** One named lease held by one owner at a time. */
export class StorageLease {
  constructor(
    private readonly table: TableStore<LeaseRecord>,
    private readonly name: string,
    readonly owner: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {}

  /** Takes or renews the lease; `false` while another owner holds an unexpired one. */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const next: LeaseRecord = {
      owner: this.owner,
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000).toISOString(),
    };
    const current = await this.table.get('lease', this.name);
    try {
      if (!current) {
        await this.table.insert('lease', this.name, next);
        return true;
      }
      if (current.data.owner !== this.owner && Date.parse(current.data.expiresAt) > now.getTime())
        return false;
      await this.table.replace('lease', this.name, next, current.etag);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** Gives the lease up (on shutdown) so another instance need not wait for it to expire. */
  async release(): Promise<void> {
    const current = await this.table.get('lease', this.name);
    if (!current || current.data.owner !== this.owner) return;
    try {
      await this.table.replace(
        'lease',
        this.name,
        { owner: this.owner, expiresAt: new Date(0).toISOString() },
        current.etag,
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  /** Who holds the lease now, if anyone. */
  async holder(): Promise<string | undefined> {
    const current = await this.table.get('lease', this.name);
    return current && Date.parse(current.data.expiresAt) > this.now().getTime()
      ? current.data.owner
      : undefined;
  }
}
