/**
 * The append-only audit log of SPEC §6: who requested, approved, rejected, submitted and removed what, and when,
 * with the Defender indicator id and the Teams message id. Entries are only ever inserted.
 */
import type { TableStore } from '../storage/tableStore';

export type AuditEventType =
  | 'requested'
  | 'submittedForApproval'
  | 'postedForApproval'
  | 'cancelled'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'submissionStarted'
  | 'submitted'
  | 'submissionFailed'
  | 'retried'
  | 'reconciled'
  | 'removed';

export interface AuditEntry {
  readonly requestId: string;
  readonly at: string;
  readonly type: AuditEventType;
  /** Entra object id and name of the person, or `system`. */
  readonly actorId: string;
  readonly actorName: string;
  readonly detail?: string;
  readonly defenderIds?: readonly string[];
  readonly teamsMessageId?: string;
}

export class AuditLog {
  private seq = 0;

  constructor(
    private readonly table: TableStore<AuditEntry>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one entry. */
  async append(entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    const at = this.now().toISOString();
    const full: AuditEntry = { ...entry, at };
    // Row keys sort by time; the sequence and a random suffix keep two entries of the same millisecond apart.
    const rowKey = `${at}-${String(++this.seq).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
    await this.table.insert(entry.requestId, rowKey, full);
    return full;
  }

  /** A request's entries, oldest first. */
  async forRequest(requestId: string): Promise<AuditEntry[]> {
    const rows = await this.table.list(requestId);
    return rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey)).map((r) => r.data);
  }
}
