/**
 * `/export audit [request id]`: the audit log as a CSV file attached to the reply.
 * @remarks The file goes as an inline `data:text/csv;base64,…` attachment, which the Bot Framework carries to
 * every channel and the Agents Playground offers for download. Teams itself delivers files from bots in
 * personal chat only through the file-consent flow (reference §4.2: FileConsentCard → `fileConsent/invoke` →
 * upload to OneDrive), which this does not implement; large exports are refused rather than sent over the
 * message size budget.
 */
import type { Activity } from 'botbuilder';
import { ValidationError } from '../errors';
import { allAuditEntries, auditCsv } from './auditHistory';
import type { AuditLog } from './auditLog';
import type { RequestStore } from './requestStore';

/** Largest CSV sent inline (base64 grows it by a third; Teams budgets about 80 KB per message). */
export const MAX_INLINE_CSV_BYTES = 48 * 1024;

/**
 * The reply to `/export audit`.
 * @throws ValidationError when the CSV is too large to send inline (export one request instead).
 */
export async function auditExportReply(
  audit: AuditLog,
  store: RequestStore,
  now: Date,
  requestId?: string,
): Promise<Partial<Activity>> {
  const entries = await allAuditEntries(audit, store, requestId);
  const csv = auditCsv(entries);
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > MAX_INLINE_CSV_BYTES) {
    throw new ValidationError(
      `The audit log is ${Math.ceil(bytes / 1024)} KB, too large to send in chat; export one request with /export audit <request id>.`,
    );
  }
  const stamp = now.toISOString().slice(0, 10);
  const name = requestId ? `audit-${requestId.trim().toUpperCase()}-${stamp}.csv` : `audit-${stamp}.csv`;
  return {
    type: 'message',
    text: `The audit log${requestId ? ` of ${requestId.trim().toUpperCase()}` : ''}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, attached as ${name}.`,
    attachments: [
      {
        contentType: 'text/csv',
        contentUrl: `data:text/csv;base64,${Buffer.from(csv, 'utf8').toString('base64')}`,
        name,
      },
    ],
  };
}
