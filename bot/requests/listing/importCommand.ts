/**
 * `/import`: a CSV in the Defender portal's template, attached in personal chat (Teams delivers it as an
 * `application/vnd.microsoft.teams.file.download.info` attachment whose `content.downloadUrl` serves the bytes,
 * reference/teams-platform.md §4.2). The file is downloaded within bounds, every row is validated by the engine
 * (`parseIndicatorCsv`), and a summary card shows counts, row-numbered problems and the first rows. The valid rows
 * become ONE request, whatever their number; its Submit and Cancel act on the stored draft, and Submit hands it on
 * exactly like the review card's Submit (approval, or straight to Defender when none is required).
 */
import type { Attachment, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { escapeMarkdown } from '../../cards/cardRenderer';
import { AuthorizationError, ValidationError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import {
  parseIndicatorCsv,
  productActionLabel,
  type CsvImport,
  type ProductAction,
  type RowResult,
} from '../../indicators';
import {
  type IndicatorRequest,
  type Person,
  type RequestItem,
  type RequestStatus,
} from '../../approvals/indicatorRequest';
import { applyEvent } from '../../approvals/requestStateMachine';
import type { TableStore } from '../../storage/tableStore';
import type { CardActionContext, CardActionHandler } from '../../teams/cardActionRouter';
import type { Actor, CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { ActionResult, Reply } from '../../teams/replies';
import { REQUEST_STATUS_LABELS, typeLabel } from '../requestCards';
import type { RequestServices } from '../requestServices';
import { downloadFile } from './fileTransfer';
import { IndicatorViewVerb, expiryLabel, productActionOf } from './indicatorViews';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
/** Largest CSV read (15,000 portal rows are about 3 MB). */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_DOWNLOAD_TIMEOUT_MS = 20_000;
/** Rows previewed and problem lines listed on the summary card (the card stays far under the size budget). */
export const IMPORT_PREVIEW_ROWS = 15;
export const IMPORT_PROBLEM_LINES = 25;

/** The shared request labels; an import not yet submitted reads as such. */
const STATUS_LABEL: Readonly<Record<RequestStatus, { label: string; color: string }>> = {
  ...REQUEST_STATUS_LABELS,
  draft: { label: 'Not submitted', color: 'Default' },
};

/** What is kept of an import beside its request: the file's report and where its card is. */
export interface ImportRecord {
  readonly requestId: string;
  readonly fileName: string;
  readonly conversationId: string;
  readonly activityId?: string;
  readonly totalRows: number;
  readonly ok: number;
  readonly warning: number;
  readonly error: number;
  readonly summary: string;
  readonly problems: readonly { readonly line: string; readonly color: string }[];
  readonly moreProblems: number;
  readonly preview: readonly string[];
}

const PARTITION = 'import';

const importData = z.looseObject({ requestId: z.string().trim().min(1).max(40) });
type ImportData = z.infer<typeof importData>;

export class ImportFlow {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly s: RequestServices,
    private readonly records: TableStore<ImportRecord> = deps.tables<ImportRecord>('imports'),
  ) {}

  /** Updates an import's card when its request moves on (submission, approval). */
  async refresh(request: IndicatorRequest): Promise<void> {
    const record = (await this.records.get(PARTITION, request.id))?.data;
    if (!record?.activityId) return;
    const conversation = await this.deps.conversations.get(record.conversationId);
    if (!conversation) return;
    const card = this.deps.cards.attachment('importSummary', this.cardData(record, request));
    await this.deps.messenger.update(conversation.reference, record.activityId, {
      type: 'message',
      attachments: [card],
    });
  }

  /** Reads an uploaded CSV and answers with the summary card. */
  async fromAttachment(turn: TurnContext, actor: Actor, attachment: Attachment): Promise<undefined> {
    const content = (attachment.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const fileName = (attachment.name ?? 'upload.csv').slice(0, 200);
    const isCsv =
      /\.csv$/i.test(fileName) ||
      (typeof content.fileType === 'string' ? content.fileType.toLowerCase() : '') === 'csv';
    if (!isCsv) {
      throw new ValidationError(
        `${fileName} is not a CSV file. Attach a .csv in the Defender portal's import template.`,
      );
    }
    if (typeof content.downloadUrl !== 'string')
      throw new ValidationError('Teams sent no download link for the file.');
    await turn.sendActivity(`Got ${fileName}; checking every row…`);
    const bytes = await downloadFile(content.downloadUrl, {
      mode: this.deps.config.mode,
      maxBytes: IMPORT_MAX_BYTES,
      timeoutMs: IMPORT_DOWNLOAD_TIMEOUT_MS,
    });
    const parsed = parseIndicatorCsv(bytes.toString('utf8'), {
      now: this.deps.now(),
      maxDays: this.deps.config.indicators.maxExpiryDays,
      knownGroups: await this.s.builder.knownGroups(),
      mobileOnlyGroups: this.deps.config.indicators.mobileDeviceGroups,
      protectedDomains: this.deps.config.indicators.protectedDomains,
      tenantDomains: this.deps.config.indicators.tenantDomains,
      defaultSeverity: 'Medium',
    });
    const conversationId = turn.activity.conversation?.id ?? '';
    const accepted = parsed.rows.filter((r) => r.draft);
    let request: IndicatorRequest | undefined;
    if (accepted.length > 0) request = await this.createRequest(actor, conversationId, fileName, accepted);
    const record = recordOf(request?.id ?? '', fileName, conversationId, parsed);
    const card = this.deps.cards.attachment('importSummary', this.cardData(record, request));
    const sent = await turn.sendActivity({ type: 'message', attachments: [card] });
    if (request)
      await this.records.upsert(PARTITION, request.id, {
        ...record,
        ...(sent?.id ? { activityId: sent.id } : {}),
      });
    return undefined;
  }

  async submit(ctx: CardActionContext<ImportData>): Promise<ActionResult> {
    const { request, record } = await this.own(ctx);
    if (request.status !== 'draft') return this.card(record, request);
    const submitted = await this.s.submitDraft(request.id, person(ctx.actor), ctx.turn.activity.replyToId);
    const hint = await this.s.handOn(submitted);
    return this.card(record, submitted, hint);
  }

  async cancel(ctx: CardActionContext<ImportData>): Promise<ActionResult> {
    const { request, record } = await this.own(ctx);
    if (request.status !== 'draft') return this.card(record, request);
    const cancelled = await this.s.store.update(request.id, (r) =>
      applyEvent(r, { type: 'cancelDraft', by: person(ctx.actor) }, this.deps.now()),
    );
    await this.s.audit.append({
      requestId: cancelled.id,
      type: 'cancelled',
      actorId: ctx.actor.aadObjectId,
      actorName: ctx.actor.name,
    });
    return this.card(record, cancelled);
  }

  private async own(
    ctx: CardActionContext<ImportData>,
  ): Promise<{ request: IndicatorRequest; record: ImportRecord }> {
    const request = await this.s.store.get(ctx.data.requestId);
    if (request.requester.aadObjectId !== ctx.actor.aadObjectId) {
      throw new AuthorizationError(
        `Import ${request.id} belongs to ${request.requester.name}; only they can change it.`,
      );
    }
    const record = (await this.records.get(PARTITION, request.id))?.data;
    if (!record) throw new ValidationError(`Request ${request.id} is not a CSV import.`);
    return { request, record };
  }

  private card(record: ImportRecord, request: IndicatorRequest, hint = ''): ActionResult {
    return {
      kind: 'card',
      card: this.deps.cards.render('importSummary', this.cardData(record, request, hint)),
    };
  }

  private async createRequest(
    actor: Actor,
    conversationId: string,
    fileName: string,
    rows: readonly RowResult[],
  ): Promise<IndicatorRequest> {
    const requester = person(actor);
    const items: RequestItem[] = rows.map((r) => ({
      // Unique per row: the submission maps Defender's answers back by input.
      input: `row ${r.row}: ${r.draft?.indicatorValue ?? ''}`,
      verdict: r.verdict,
      // Warnings only (error rows are not in the request), and no per-platform detail: the request stays small.
      findings: r.findings.filter((f) => f.level === 'warning'),
      effectiveness: [],
      notes: [],
      ...(r.draft ? { draft: r.draft } : {}),
      included: true,
    }));
    const actions = rows.map((r) => productActionOf(r.draft?.action ?? 'Block'));
    const action = mostCommon(actions);
    const fields = {
      action,
      title: `CSV import ${fileName}`.slice(0, 250),
      description: `${rows.length} indicator(s) from ${fileName}`,
      severity: 'Medium' as const,
      generateAlert: rows.some((r) => r.draft?.generateAlert),
      expiry: '',
      expirationTime: null,
      scope: { kind: 'allDevices' as const },
    };
    const request = await this.s.createDraft(
      { kind: 'create', requester, tenantId: actor.tenantId, conversationId, fields, items },
      `CSV import ${fileName}: ${items.length} value(s)`,
    );
    return request;
  }

  /** Data of `cards/importSummary.json`. */
  cardData(record: ImportRecord, request: IndicatorRequest | undefined, hint = ''): Record<string, unknown> {
    const status = request
      ? STATUS_LABEL[request.status]
      : { label: 'Nothing to import', color: 'Attention' };
    const inDefender = request?.items.filter((i) => i.defenderId).length ?? 0;
    const failed = request?.items.filter((i) => i.error) ?? [];
    const toSubmit = request?.items.filter((i) => i.included).length ?? 0;
    const lines: string[] = [];
    if (!request) lines.push('No row can be imported; fix the rows below and attach the file again.');
    else if (request.status === 'draft') {
      lines.push(
        `${toSubmit} indicator(s) will be submitted as request ${request.id}; rows with errors are left out.`,
      );
    } else if (request.status === 'pending') lines.push(`Request ${request.id} waits for approval.`);
    else if (request.status === 'submitted')
      lines.push(`${inDefender} of ${toSubmit} indicator(s) are in Defender.`);
    else if (request.status === 'failed') {
      lines.push(
        `${inDefender} of ${toSubmit} in Defender; ${request.lastError ?? 'the submission failed'}.`,
      );
    } else lines.push(`Request ${request.id} is ${status.label.toLowerCase()}.`);
    if (hint) lines.push(hint);
    return {
      heading: `CSV import — ${escapeMarkdown(record.fileName)}`,
      statusLabel: status.label,
      statusColor: status.color,
      statusText: escapeMarkdown(lines.join(' ')),
      summary: escapeMarkdown(record.summary),
      facts: [
        { title: 'Rows', value: String(record.totalRows) },
        { title: 'OK', value: String(record.ok) },
        { title: 'With warnings', value: String(record.warning) },
        { title: 'With errors (left out)', value: String(record.error) },
        { title: 'Request', value: request?.id ?? '—' },
      ],
      problems: record.problems,
      moreProblems: record.moreProblems > 0 ? `…and ${record.moreProblems} more problem line(s).` : '',
      failures: failed.slice(0, 10).map((i) => ({ line: escapeMarkdown(`${i.input}: ${i.error ?? ''}`) })),
      preview: record.preview.map((line) => ({ line })),
      previewHeading:
        toSubmit > record.preview.length ? `First ${record.preview.length} of ${toSubmit} rows` : 'Rows',
      hasPreview: record.preview.length > 0,
      requestId: request?.id ?? '',
      showActions: request?.status === 'draft',
      submitTitle:
        (request?.requiredApprovals ?? 0) > 0
          ? `Submit ${toSubmit} for approval`
          : `Submit ${toSubmit} to Defender`,
    };
  }
}

function person(actor: Actor): Person {
  return { aadObjectId: actor.aadObjectId, name: actor.name };
}

function mostCommon(actions: readonly ProductAction[]): ProductAction {
  const counts = new Map<ProductAction, number>();
  for (const a of actions) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'block';
}

function recordOf(
  requestId: string,
  fileName: string,
  conversationId: string,
  parsed: CsvImport,
): ImportRecord {
  const r = parsed.report;
  const problems = [
    ...r.fileFindings.map((f) => ({
      line: `File: ${f.message}`,
      color: f.level === 'error' ? 'Attention' : 'Warning',
    })),
    ...parsed.rows.flatMap((row) =>
      row.findings.map((f) => ({
        line: `Row ${row.row} (${f.level}): ${f.message}`,
        color: f.level === 'error' ? 'Attention' : 'Warning',
      })),
    ),
  ];
  // Errors first: they are what must be fixed.
  problems.sort((a, b) => Number(b.color === 'Attention') - Number(a.color === 'Attention'));
  const shown = problems.slice(0, IMPORT_PROBLEM_LINES).map((p) => ({
    line: escapeMarkdown(p.line.length > 220 ? `${p.line.slice(0, 220)}…` : p.line),
    color: p.color,
  }));
  const preview = parsed.rows
    .filter((row) => row.draft)
    .slice(0, IMPORT_PREVIEW_ROWS)
    .map((row) => {
      const d = row.draft;
      if (!d) return '';
      const value = d.indicatorValue.length > 120 ? `${d.indicatorValue.slice(0, 120)}…` : d.indicatorValue;
      return escapeMarkdown(
        `Row ${row.row}: ${value} · ${typeLabel(d.indicatorType)} · ${productActionLabel(productActionOf(d.action))} · expires ${expiryLabel(d.expirationTime)}`,
      );
    });
  return {
    requestId,
    fileName,
    conversationId,
    totalRows: r.totalRows,
    ok: r.ok,
    warning: r.warning,
    error: r.error,
    summary: r.summary,
    problems: shown,
    moreProblems: Math.max(0, problems.length - shown.length),
    preview,
  };
}

/** `/import`, with or without the CSV attached. */
export class ImportCommand implements CommandHandler {
  readonly keywords = ['import'];

  constructor(private readonly flow: ImportFlow) {}

  async handle(ctx: CommandContext): Promise<Reply | undefined> {
    const personal = (ctx.turn.activity.conversation?.conversationType ?? 'personal') === 'personal';
    if (!personal) {
      return 'Import works in personal chat: Teams gives bots uploaded files only there. Open a chat with me, type /import and attach the CSV.';
    }
    const file = (ctx.turn.activity.attachments ?? []).find((a) => a.contentType === FILE_DOWNLOAD_INFO);
    if (!file) {
      return "Attach a CSV in the Defender portal's import template (header: IndicatorType,IndicatorValue,ExpirationTime,Action,Severity,Title,Description,RecommendedActions,RbacGroups,Category,MitreTechniques,GenerateAlert) to a message here. I check every row and show you a summary before anything is requested.";
    }
    return this.flow.fromAttachment(ctx.turn, ctx.actor, file);
  }
}

/** Submit and Cancel of the import summary card. */
export function importActions(flow: ImportFlow): CardActionHandler<ImportData>[] {
  return [
    { verb: IndicatorViewVerb.importSubmit, schema: importData, handle: (ctx) => flow.submit(ctx) },
    { verb: IndicatorViewVerb.importCancel, schema: importData, handle: (ctx) => flow.cancel(ctx) },
  ];
}
