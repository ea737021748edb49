/**
 * Hit sources behind one interface: each polls from its checkpoint and says up to where it has read.
 */
import type { HitSourceName, RawHit } from './hitRecord';

/** What one poll of a source returns. */
export interface HitPollResult {
  readonly hits: readonly RawHit[];
  /** ISO 8601: every hit before this instant has been read; the next poll starts here (minus an overlap). */
  readonly checkpoint: string;
}

/** A source of hits (Graph alerts, advanced hunting, …). */
export interface HitSource {
  readonly name: HitSourceName;
  /** One line for /status: what it reads and what it can see on mobile. */
  readonly description: string;
  /**
   * Reads the hits since `checkpoint` (undefined on the first poll: the source's initial look-back).
   * Overlapping reads are expected; the ledger removes duplicates.
   * @throws UpstreamError when the service fails; the checkpoint then stays where it was.
   */
  poll(checkpoint: string | undefined, now: Date): Promise<HitPollResult>;
}
