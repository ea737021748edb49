/**
 * `/pending [page]`: open requests (awaiting approval, approved, submitting, failed), newest first, a page at a
 * time.
 */
import { escapeMarkdown } from '../../cards/cardRenderer';
import { CommandParseError } from '../../errors';
import { productActionLabel } from '../../indicators';
import type { IndicatorRequest, RequestStatus } from '../../approvals/indicatorRequest';
import type { RequestStore } from '../../approvals/requestStore';
import type { CommandContext, CommandHandler } from '../commandRouter';
import type { Reply } from '../replies';

/** States a request is "open" in. */
export const OPEN_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'submitting', 'failed'];

/** Requests per page. */
export const PENDING_PAGE_SIZE = 10;

const STATUS_TEXT: Partial<Record<RequestStatus, string>> = {
  pending: 'awaiting approval',
  approved: 'approved, submitting',
  submitting: 'submitting',
  failed: 'submission failed',
};

/** One line of the list. */
export function pendingLine(r: IndicatorRequest): string {
  const values = r.items.filter((i) => i.included).map((i) => i.draft?.indicatorValue ?? i.input);
  const shown = values.length > 0 ? escapeMarkdown(values[0]) : '(no values)';
  const more = values.length > 1 ? ` and ${values.length - 1} more` : '';
  const approvals = r.decisions.filter((d) => d.decision === 'approve').length;
  const state =
    r.status === 'pending'
      ? `${STATUS_TEXT.pending} (${approvals} of ${r.requiredApprovals})${r.pendingUntil ? `, decide by ${r.pendingUntil}` : ''}`
      : (STATUS_TEXT[r.status] ?? r.status);
  const kind = r.kind === 'create' ? '' : ` ${r.kind}`;
  return `- **${r.id}**${kind} · ${productActionLabel(r.fields.action)} · ${shown}${more} · by ${escapeMarkdown(r.requester.name || r.requester.aadObjectId)} · ${state}`;
}

export class PendingCommand implements CommandHandler {
  readonly keywords = ['pending'] as const;

  constructor(
    private readonly store: RequestStore,
    private readonly now: () => Date,
    private readonly pageSize = PENDING_PAGE_SIZE,
  ) {}

  /** @throws CommandParseError for an argument that is not a page number. */
  async handle(ctx: CommandContext): Promise<Reply | undefined> {
    const arg = ctx.args.trim();
    if (arg && !/^\d{1,4}$/.test(arg)) {
      throw new CommandParseError('Usage: /pending [page] — for example /pending or /pending 2.');
    }
    const page = Math.max(1, arg ? Number(arg) : 1);
    const open = await this.store.list(OPEN_STATUSES);
    if (open.length === 0) return 'There are no open requests.';
    const pages = Math.ceil(open.length / this.pageSize);
    if (page > pages) return `There are only ${pages} page${pages === 1 ? '' : 's'} of open requests.`;
    const shown = open.slice((page - 1) * this.pageSize, page * this.pageSize);
    const lines = [
      `**Open requests** — page ${page} of ${pages}, ${open.length} in all (as of ${this.now().toISOString()}):`,
      '',
      ...shown.map(pendingLine),
    ];
    if (page < pages) lines.push('', `Type /pending ${page + 1} for more.`);
    return lines.join('\n');
  }
}
