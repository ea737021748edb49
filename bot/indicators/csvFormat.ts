/**
 * CSV import and export in the Defender portal's indicator template (reference §6).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { parseExpiry } from './expiry';
import { validateValue, type ValidationContext, type ValueResult } from './validateValue';
import {
  INDICATOR_TYPES,
  productActionLabel,
  type ApiAction,
  type Finding,
  type IndicatorDraft,
  type IndicatorType,
  type ProductAction,
  type Severity,
  type Verdict,
} from './types';

/** The portal template's header, in order. */
export const CSV_COLUMNS = [
  'IndicatorType',
  'IndicatorValue',
  'ExpirationTime',
  'Action',
  'Severity',
  'Title',
  'Description',
  'RecommendedActions',
  'RbacGroups',
  'Category',
  'MitreTechniques',
  'GenerateAlert',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Indicators per import call and per portal upload (reference §2.5, §6). */
export const IMPORT_BATCH_SIZE = 500;
/** Active indicators per tenant (reference §3). */
export const TENANT_INDICATOR_LIMIT = 15_000;
/** Rows beyond this are not read at all. */
export const MAX_CSV_ROWS = 100_000;

/** Settings for an import: the validation context without the per-row fields, plus the clock and limits. */
export interface CsvContext extends Omit<ValidationContext, 'typeHint' | 'action' | 'scope'> {
  now: Date;
  maxDays: number;
  /** Severity of rows that leave it empty. */
  defaultSeverity?: Severity;
  batchSize?: number;
}

/** One data row: its spreadsheet row number (the header is row 1), the cells, the verdict and the draft. */
export interface RowResult {
  row: number;
  cells: Partial<Record<CsvColumn, string>>;
  verdict: Verdict;
  findings: Finding[];
  result?: ValueResult;
  draft?: IndicatorDraft;
  category?: string;
  mitreTechniques?: string[];
}

export interface CsvReport {
  totalRows: number;
  ok: number;
  warning: number;
  error: number;
  batchCount: number;
  /** Problems with the file as a whole (missing columns, unreadable CSV, too many rows). */
  fileFindings: Finding[];
  /** One line per row with findings: `Row 7 (error): …`. */
  lines: string[];
  /** A short summary for chat. */
  summary: string;
}

export interface CsvImport {
  rows: RowResult[];
  /** Drafts of the rows that may proceed, in batches of at most 500. */
  batches: IndicatorDraft[][];
  report: CsvReport;
}

const COLUMN_ALIASES: Record<string, CsvColumn> = {
  rbacgroupnames: 'RbacGroups',
  expiration: 'ExpirationTime',
  expirationtime: 'ExpirationTime',
};

const TYPE_BY_LOWER = new Map<string, IndicatorType>(INDICATOR_TYPES.map((t) => [t.toLowerCase(), t]));

const ACTION_BY_LOWER: Record<string, { action: ProductAction; legacy?: string }> = {
  allowed: { action: 'allow' },
  allow: { action: 'allow' },
  audit: { action: 'audit' },
  warn: { action: 'warn' },
  block: { action: 'block' },
  blockandremediate: { action: 'blockAndRemediate' },
  alert: { action: 'audit', legacy: 'Alert' },
  alertandblock: { action: 'blockAndRemediate', legacy: 'AlertAndBlock' },
};

const SEVERITY_BY_LOWER: Record<string, Severity> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

/** Removes the `'` that {@link exportIndicatorCsv} puts before a cell that would start a formula. */
function unescapeCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function list(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function emptyReport(fileFindings: Finding[]): CsvImport {
  return {
    rows: [],
    batches: [],
    report: {
      totalRows: 0,
      ok: 0,
      warning: 0,
      error: 0,
      batchCount: 0,
      fileFindings,
      lines: fileFindings.map((f) => `File (${f.level}): ${f.message}`),
      summary: fileFindings.some((f) => f.level === 'error')
        ? 'The file could not be imported.'
        : 'The file has no indicator rows.',
    },
  };
}

/**
 * Reads a CSV in the portal's template. Tolerates a BOM, CRLF, header case and column order, `Allow` for
 * `Allowed`, legacy `Alert`/`AlertAndBlock`; an empty ExpirationTime means no expiry. Every row is validated
 * like a chat value. Never throws: an unreadable file is reported in `report.fileFindings`.
 */
export function parseIndicatorCsv(text: string, ctx: CsvContext): CsvImport {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to: MAX_CSV_ROWS + 1,
    });
  } catch (err) {
    const where =
      err instanceof Error && 'lines' in err ? ` near line ${String((err as { lines: unknown }).lines)}` : '';
    return emptyReport([
      {
        level: 'error',
        code: 'csvUnreadable',
        message: `The file is not readable as CSV${where}: ${err instanceof Error ? err.message.replace(/^Invalid [^:]*: /, '') : 'unknown error'}`,
        suggestion: 'Save it as CSV (comma-separated, UTF-8) from the portal template and try again.',
      },
    ]);
  }
  const headerIndex = records.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (headerIndex < 0) return emptyReport([]);
  const header = records[headerIndex] ?? [];
  const columns = new Map<CsvColumn, number>();
  const fileFindings: Finding[] = [];
  const unknown: string[] = [];
  header.forEach((raw, i) => {
    const lower = raw
      .replace(/^\ufeff/, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, '');
    const column = CSV_COLUMNS.find((c) => c.toLowerCase() === lower) ?? COLUMN_ALIASES[lower];
    if (column && !columns.has(column)) columns.set(column, i);
    else if (lower) unknown.push(raw.trim());
  });
  const missing = (['IndicatorValue', 'Action'] as const).filter((c) => !columns.has(c));
  if (missing.length > 0) {
    return emptyReport([
      {
        level: 'error',
        code: 'csvMissingColumns',
        message: `The header has no ${missing.join(' or ')} column. Expected the portal template: ${CSV_COLUMNS.join(',')}`,
        suggestion: 'Download the sample CSV from the portal’s Import panel and fill it in.',
      },
    ]);
  }
  if (unknown.length > 0) {
    fileFindings.push({
      level: 'warning',
      code: 'csvUnknownColumns',
      message: `Ignored unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).join(', ')}.`,
    });
  }
  if (records.length > MAX_CSV_ROWS) {
    fileFindings.push({
      level: 'error',
      code: 'csvTooManyRows',
      message: `Only the first ${MAX_CSV_ROWS} rows were read.`,
    });
  }

  const rows: RowResult[] = [];
  const seen = new Map<string, number>();
  for (let r = headerIndex + 1; r < records.length && r <= MAX_CSV_ROWS; r++) {
    const record = records[r] ?? [];
    if (record.every((c) => c.trim() === '')) continue;
    const cells: Partial<Record<CsvColumn, string>> = {};
    for (const [column, i] of columns) cells[column] = unescapeCell((record[i] ?? '').trim());
    const row = parseRow(r + 1, cells, ctx);
    if (row.result?.type && row.result.value) {
      const key = `${row.result.type}|${row.result.value.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        row.findings.push({
          level: 'warning',
          code: 'duplicateInFile',
          message: `Same indicator as row ${first}.`,
          suggestion: 'Remove one of the two rows.',
        });
        if (row.verdict === 'ok') row.verdict = 'warning';
      } else {
        seen.set(key, row.row);
      }
    }
    rows.push(row);
  }
  const accepted = rows.flatMap((r) => (r.draft ? [r.draft] : []));
  if (accepted.length > TENANT_INDICATOR_LIMIT) {
    fileFindings.push({
      level: 'warning',
      code: 'tenantLimit',
      message: `${accepted.length} indicators exceed Defender's limit of ${TENANT_INDICATOR_LIMIT.toLocaleString('en-US')} active indicators per tenant.`,
    });
  }
  const size = Math.max(1, Math.min(ctx.batchSize ?? IMPORT_BATCH_SIZE, IMPORT_BATCH_SIZE));
  const batches: IndicatorDraft[][] = [];
  for (let i = 0; i < accepted.length; i += size) batches.push(accepted.slice(i, i + size));
  const count = (v: Verdict): number => rows.filter((r) => r.verdict === v).length;
  const lines = [
    ...fileFindings.map((f) => `File (${f.level}): ${f.message}`),
    ...rows.flatMap((r) => r.findings.map((f) => `Row ${r.row} (${f.level}): ${f.message}`)),
  ];
  const report: CsvReport = {
    totalRows: rows.length,
    ok: count('ok'),
    warning: count('warning'),
    error: count('error'),
    batchCount: batches.length,
    fileFindings,
    lines,
    summary: `${rows.length} rows: ${count('ok')} ok, ${count('warning')} with warnings, ${count('error')} with errors; ${accepted.length} indicators in ${batches.length} batch${batches.length === 1 ? '' : 'es'} of at most ${size}.`,
  };
  return { rows, batches, report };
}

function parseRow(rowNumber: number, cells: Partial<Record<CsvColumn, string>>, ctx: CsvContext): RowResult {
  const findings: Finding[] = [];
  const err = (code: string, message: string): void => {
    findings.push({ level: 'error', code, message });
  };
  const value = cells.IndicatorValue ?? '';
  const typeCell = cells.IndicatorType ?? '';
  const type = typeCell ? TYPE_BY_LOWER.get(typeCell.toLowerCase()) : undefined;
  if (typeCell && !type)
    err('csvType', `"${typeCell}" is not an indicator type (${INDICATOR_TYPES.join(', ')}).`);

  const actionCell = cells.Action ?? '';
  const mapped = ACTION_BY_LOWER[actionCell.toLowerCase().replace(/[\s_-]/g, '')];
  if (!actionCell) err('csvAction', 'Action is empty (Allowed, Audit, Warn, Block or BlockAndRemediate).');
  else if (!mapped)
    err('csvAction', `"${actionCell}" is not an action (Allowed, Audit, Warn, Block or BlockAndRemediate).`);
  else if (mapped.legacy) {
    findings.push({
      level: 'warning',
      code: 'legacyAction',
      message: `${mapped.legacy} is a retired action; imported as ${productActionLabel(mapped.action)}.`,
    });
  }
  const action = mapped?.action ?? 'block';

  const severityCell = cells.Severity ?? '';
  const severity = severityCell
    ? SEVERITY_BY_LOWER[severityCell.toLowerCase()]
    : (ctx.defaultSeverity ?? 'Medium');
  if (!severity)
    err('csvSeverity', `"${severityCell}" is not a severity (Informational, Low, Medium, High).`);

  const alertCell = (cells.GenerateAlert ?? '').toLowerCase();
  let generateAlert = action === 'audit';
  if (['true', 'yes', '1'].includes(alertCell)) generateAlert = true;
  else if (['false', 'no', '0'].includes(alertCell)) {
    if (action === 'audit') err('auditNeedsAlert', 'Audit indicators must have GenerateAlert true.');
    generateAlert = false;
  } else if (alertCell)
    err('csvGenerateAlert', `GenerateAlert must be true or false, not "${cells.GenerateAlert ?? ''}".`);

  let expirationTime: string | null = null;
  const expiryCell = cells.ExpirationTime ?? '';
  if (expiryCell) {
    const expiry = parseExpiry(expiryCell, { now: ctx.now, defaultDays: 1, maxDays: ctx.maxDays });
    if (expiry.ok) expirationTime = expiry.expirationTime;
    else findings.push(expiry.finding);
  }

  const groups = list(cells.RbacGroups);
  const result = validateValue(value, {
    ...ctx,
    action,
    scope: groups.length > 0 ? { kind: 'groups', groups } : { kind: 'allDevices' },
    ...(type ? { typeHint: type } : {}),
  });
  findings.push(...result.findings);
  const verdict: Verdict = findings.some((f) => f.level === 'error')
    ? 'error'
    : findings.length > 0
      ? 'warning'
      : 'ok';
  const row: RowResult = { row: rowNumber, cells, verdict, findings, result };
  if (cells.Category) row.category = cells.Category;
  const mitre = list(cells.MitreTechniques);
  if (mitre.length > 0) row.mitreTechniques = mitre;
  if (verdict !== 'error' && result.type && result.value && result.apiAction && severity) {
    const draft: IndicatorDraft = {
      indicatorType: result.type,
      indicatorValue: result.value,
      action: result.apiAction,
      title: cells.Title || `${productActionLabel(action)} ${result.value}`.slice(0, 200),
      description: cells.Description || `Imported from CSV row ${rowNumber}.`,
      severity,
      generateAlert: generateAlert || result.apiAction === 'Audit',
      expirationTime,
      rbacGroupNames: scopeGroupsOf(result, groups),
    };
    if (cells.RecommendedActions) draft.recommendedActions = cells.RecommendedActions;
    row.draft = draft;
  }
  return row;
}

/** An indicator to export: a draft, or an indicator read from Defender. */
export interface ExportableIndicator {
  indicatorType: IndicatorType;
  indicatorValue: string;
  action: ApiAction;
  expirationTime?: string | null;
  severity?: Severity | null;
  title?: string | null;
  description?: string | null;
  recommendedActions?: string | null;
  rbacGroupNames?: readonly string[] | null;
  category?: string | null;
  mitreTechniques?: readonly string[] | null;
  generateAlert?: boolean | null;
}

/** Prefixes `'` to a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR). */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

const EXPORT_ACTION: Record<ApiAction, string> = {
  Allowed: 'Allowed',
  Audit: 'Audit',
  Alert: 'Audit',
  Warn: 'Warn',
  Block: 'Block',
  BlockAndRemediate: 'BlockAndRemediate',
  AlertAndBlock: 'BlockAndRemediate',
};

/**
 * Writes indicators in the portal's template: the header in template order, lists as quoted comma-separated
 * cells, `Allowed` for Allow, an empty ExpirationTime for no expiry, a UTF-8 BOM and CRLF line ends (what Excel
 * expects). Every cell is neutralised against spreadsheet formula injection.
 */
export function exportIndicatorCsv(
  indicators: readonly ExportableIndicator[],
  options: { bom?: boolean } = {},
): string {
  const rows = indicators.map((i) =>
    [
      i.indicatorType,
      i.indicatorValue,
      i.expirationTime ?? '',
      EXPORT_ACTION[i.action] ?? i.action,
      i.severity ?? '',
      i.title ?? '',
      i.description ?? '',
      i.recommendedActions ?? '',
      (i.rbacGroupNames ?? []).join(','),
      i.category ?? '',
      (i.mitreTechniques ?? []).join(','),
      i.generateAlert ? 'true' : 'false',
    ].map((cell) => neutraliseFormula(String(cell))),
  );
  const body = stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: '\r\n' });
  return `${options.bom === false ? '' : '\ufeff'}${body}`;
}

/** The row's groups, in the known spelling when the validator matched them case-insensitively. */
function scopeGroupsOf(result: ValueResult, groups: string[]): string[] {
  return result.scope?.kind === 'groups' ? [...result.scope.groups] : groups;
}
