/**
 * Views of the audit log: the history lines `/show` displays under a request, and the CSV `/export audit` sends.
 */
import { stringify } from 'csv-stringify/sync';
import type { AuditEntry, AuditEventType, AuditLog } from './auditLog';
import type { RequestStore } from './requestStore';

const EVENT_LABELS: Record<AuditEventType, string> = {
  requested: 'requested',
  submittedForApproval: 'sent for approval',
  postedForApproval: 'approval card posted',
  cancelled: 'cancelled',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
  submissionStarted: 'submission started',
  submitted: 'submitted to Defender',
  submissionFailed: 'submission failed',
  retried: 'retry requested',
  reconciled: 'reconciled after a restart',
  removed: 'removed',
};

/** One readable line per entry: `2026-12-01T10:00:00.000Z · approved by Abe Approver — 1 of 2`. */
export function formatAuditEntry(e: AuditEntry): string {
  const who = e.actorId === 'system' ? '' : ` by ${e.actorName || e.actorId}`;
  const extra = [
    e.detail,
    e.defenderIds && e.defenderIds.length > 0 ? `Defender id ${e.defenderIds.join(', ')}` : '',
    e.teamsMessageId ? `message ${e.teamsMessageId}` : '',
  ].filter(Boolean);
  return `${e.at} · ${EVENT_LABELS[e.type]}${who}${extra.length > 0 ? ` — ${extra.join('; ')}` : ''}`;
}

/**
 * The audit history of one request, oldest first, as lines for `/show` (plain text; escape before putting it
 * in a card).
 */
export async function auditHistoryLines(audit: AuditLog, requestId: string): Promise<string[]> {
  return (await audit.forRequest(requestId.trim().toUpperCase())).map(formatAuditEntry);
}

/** CSV columns of the audit export. */
export const AUDIT_CSV_COLUMNS = [
  'time',
  'requestId',
  'event',
  'actorId',
  'actorName',
  'detail',
  'defenderIds',
  'teamsMessageId',
] as const;

/** Cells that a spreadsheet would run as a formula are prefixed with `'`. */
function safeCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** The entries as CSV (RFC 4180, header row, UTF-8). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return stringify(
    entries.map((e) =>
      [
        e.at,
        e.requestId,
        e.type,
        e.actorId,
        e.actorName,
        e.detail ?? '',
        (e.defenderIds ?? []).join(' '),
        e.teamsMessageId ?? '',
      ].map(safeCell),
    ),
    { header: true, columns: [...AUDIT_CSV_COLUMNS], record_delimiter: '\r\n' },
  );
}

/** Every audit entry of every request (or of one), ordered by time. */
export async function allAuditEntries(
  audit: AuditLog,
  store: RequestStore,
  requestId?: string,
): Promise<AuditEntry[]> {
  const ids = requestId ? [requestId.trim().toUpperCase()] : (await store.list()).map((r) => r.id);
  const all = (await Promise.all(ids.map((id) => audit.forRequest(id)))).flat();
  return all.sort((a, b) => a.at.localeCompare(b.at));
}
