/**
 * `/export`: every indicator in Defender as a CSV in the portal's import template (`exportIndicatorCsv`).
 *
 * How the file reaches the user (reference/teams-platform.md §4.2): Teams lets a bot send a file only in personal
 * chat, through the file consent flow — a FileConsentCard, the user's Allow (`fileConsent/invoke` with an upload
 * URL in their OneDrive), a PUT of the bytes, then a FileInfoCard. That is what production mode does. Local mode
 * (the Agents Playground, tests) has no OneDrive, so the CSV is sent inline as a `data:` attachment instead,
 * which is bounded because it counts towards the message size.
 */
import type { Activity, Attachment, TurnContext } from 'botbuilder';
import type { FeatureDeps } from '../../feature';
import { exportIndicatorCsv, TENANT_INDICATOR_LIMIT } from '../../indicators';
import type { CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { Reply } from '../../teams/replies';
import { uploadFile } from './fileTransfer';
import { parseCommand } from '../../commands/commandParser';
import { auditExportReply } from '../../approvals/auditExport';
import { requestServices } from '../requestServices';

/** Rows exported at most (Defender's tenant limit). */
export const EXPORT_MAX_ROWS = TENANT_INDICATOR_LIMIT;
/** Largest CSV uploaded through file consent. */
export const EXPORT_MAX_BYTES = 8 * 1024 * 1024;
/** Largest CSV sent inline in local mode (it counts towards the ~100 KB message limit, base64-encoded). */
export const INLINE_EXPORT_MAX_BYTES = 48 * 1024;

export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';
/** `acceptContext.kind` of the bot's export consent cards. */
export const EXPORT_CONSENT_KIND = 'indicatorExport';

/** A built export. */
export interface IndicatorExport {
  readonly csv: Buffer;
  readonly rows: number;
  /** True when Defender had more indicators than {@link EXPORT_MAX_ROWS}. */
  readonly truncated: boolean;
  readonly fileName: string;
}

export class ExportCommand implements CommandHandler {
  readonly keywords = ['export'];

  constructor(private readonly deps: FeatureDeps) {}

  /** Reads every indicator and writes the CSV. */
  async build(): Promise<IndicatorExport> {
    const all = await this.deps.defender.listAll();
    const kept = all.slice(0, EXPORT_MAX_ROWS);
    const csv = Buffer.from(
      exportIndicatorCsv(
        kept.map((i) => ({
          indicatorType: i.indicatorType,
          indicatorValue: i.indicatorValue,
          action: i.action,
          expirationTime: i.expirationTime ?? null,
          severity: i.severity ?? null,
          title: i.title ?? null,
          description: i.description ?? null,
          recommendedActions: i.recommendedActions ?? null,
          rbacGroupNames: i.rbacGroupNames ?? [],
          category: typeof i.category === 'string' ? i.category : null,
          mitreTechniques: i.mitreTechniques ?? [],
          generateAlert: i.generateAlert ?? false,
        })),
      ),
      'utf8',
    );
    const day = this.deps.now().toISOString().slice(0, 10);
    return {
      csv,
      rows: kept.length,
      truncated: all.length > kept.length,
      fileName: `defender-indicators-${day}.csv`,
    };
  }

  async handle(ctx: CommandContext): Promise<Reply> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    if (parsed.name === 'export' && parsed.what === 'audit') {
      const services = requestServices(this.deps);
      return auditExportReply(services.audit, services.store, this.deps.now(), parsed.requestId);
    }
    const personal = (ctx.turn.activity.conversation?.conversationType ?? 'personal') === 'personal';
    const local = this.deps.config.mode === 'local';
    if (!local && !personal) {
      return 'Teams lets me send files only in personal chat: open a chat with me and type /export there.';
    }
    const built = await this.build();
    const note = built.truncated ? ` Only the first ${EXPORT_MAX_ROWS} indicators are included.` : '';
    if (local) return inlineExport(built, note);
    if (built.csv.byteLength > EXPORT_MAX_BYTES) {
      return `The export would be ${Math.ceil(built.csv.byteLength / 1024 / 1024)} MB, over the ${EXPORT_MAX_BYTES / 1024 / 1024} MB I send; export from the Defender portal instead.`;
    }
    const consent: Attachment = {
      contentType: FILE_CONSENT_CARD,
      name: built.fileName,
      content: {
        description: `${built.rows} indicators in the Defender portal's CSV template.${note}`,
        sizeInBytes: built.csv.byteLength,
        acceptContext: { kind: EXPORT_CONSENT_KIND },
        declineContext: { kind: EXPORT_CONSENT_KIND },
      },
    };
    return { type: 'message', attachments: [consent] };
  }

  /**
   * Answers the user's choice on the consent card: on accept, writes a fresh export into the upload URL Teams
   * gave and posts the FileInfoCard. The CSV is built again rather than kept, so any instance can answer.
   */
  async onConsent(turn: TurnContext, value: FileConsentValue): Promise<void> {
    if (value.action !== 'accept') {
      await turn.sendActivity('OK, no file was sent.');
      return;
    }
    const upload = value.uploadInfo;
    if (!upload?.uploadUrl) {
      await turn.sendActivity(
        'Teams gave no upload location for the file, so nothing was sent. Try /export again.',
      );
      return;
    }
    const built = await this.build();
    await uploadFile(upload.uploadUrl, built.csv, {
      mode: this.deps.config.mode,
      maxBytes: EXPORT_MAX_BYTES,
      timeoutMs: 60_000,
    });
    const info: Partial<Activity> = {
      type: 'message',
      text: `${built.rows} indicators exported.`,
      attachments: [
        {
          contentType: FILE_INFO_CARD,
          contentUrl: upload.contentUrl,
          name: upload.name ?? built.fileName,
          content: { uniqueId: upload.uniqueId, fileType: upload.fileType ?? 'csv' },
        },
      ],
    };
    await turn.sendActivity(info);
  }
}

/** What a `fileConsent/invoke` carries (reference teams-platform §4.2). */
export interface FileConsentValue {
  readonly action?: string;
  readonly context?: { readonly kind?: string };
  readonly uploadInfo?: {
    readonly name?: string;
    readonly uploadUrl?: string;
    readonly contentUrl?: string;
    readonly uniqueId?: string;
    readonly fileType?: string;
  };
}

function inlineExport(built: IndicatorExport, note: string): Reply {
  if (built.csv.byteLength > INLINE_EXPORT_MAX_BYTES) {
    return `The export has ${built.rows} indicators (${Math.ceil(built.csv.byteLength / 1024)} KB), too large to send inline in local mode (limit ${INLINE_EXPORT_MAX_BYTES / 1024} KB). In Teams it is sent as a file.`;
  }
  return {
    type: 'message',
    text: `${built.rows} indicators in the Defender portal's CSV template.${note}`,
    attachments: [
      {
        contentType: 'text/csv',
        name: built.fileName,
        contentUrl: `data:text/csv;base64,${built.csv.toString('base64')}`,
      },
    ],
  };
}
