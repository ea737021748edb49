/**
 * Card data for an indicator request: the editable review card (`cards/review.json`) and the read-only status
 * card (`cards/requestStatus.json`) that replaces it once submitted. All user-supplied text is escaped here.
 */
import { createHash } from 'node:crypto';
import { escapeMarkdown } from '../cards/cardRenderer';
import {
  PRODUCT_ACTIONS,
  productActionLabel,
  type Finding,
  type IndicatorType,
  type PlatformEffect,
  type Scope,
  type Verdict,
} from '../indicators';
import type { IndicatorRequest, RequestItem, RequestStatus } from '../approvals/indicatorRequest';
import type { FieldName } from './requestBuilder';

/** Card verbs of the indicator-request feature. */
export const RequestVerb = {
  submit: 'request.submit',
  recheck: 'request.recheck',
  cancel: 'request.cancel',
} as const;

const TYPE_LABELS: Record<IndicatorType, string> = {
  IpAddress: 'IP address',
  DomainName: 'Domain',
  Url: 'URL',
  FileSha1: 'File SHA-1',
  FileSha256: 'File SHA-256',
  FileMd5: 'File MD5',
  CertificateThumbprint: 'Certificate',
};

const VERDICTS: Record<Verdict, { label: string; color: string }> = {
  ok: { label: 'OK', color: 'Good' },
  warning: { label: 'Warning', color: 'Warning' },
  error: { label: 'Cannot be requested', color: 'Attention' },
};

/** How each state is labelled and coloured on every card that shows a request. */
export const REQUEST_STATUS_LABELS: Readonly<Record<RequestStatus, { label: string; color: string }>> = {
  draft: { label: 'Draft', color: 'Default' },
  pending: { label: 'Awaiting approval', color: 'Warning' },
  approved: { label: 'Approved', color: 'Good' },
  submitting: { label: 'Submitting', color: 'Accent' },
  submitted: { label: 'In Defender', color: 'Good' },
  failed: { label: 'Submission failed', color: 'Attention' },
  rejected: { label: 'Rejected', color: 'Attention' },
  expired: { label: 'Expired', color: 'Warning' },
  cancelled: { label: 'Cancelled', color: 'Default' },
};

/** The input id of a value's Include toggle: stable for the value, whatever its position. */
export function includeInputId(input: string): string {
  return `include_${createHash('sha256').update(input).digest('hex').slice(0, 12)}`;
}

export function typeLabel(type: IndicatorType | undefined): string {
  return type ? TYPE_LABELS[type] : 'Unrecognised';
}

/**
 * Platforms grouped by how the indicator works there: "Windows, macOS, Linux ✓ · iOS, Android ✗ (not enforced)".
 */
export function effectivenessLine(effects: readonly PlatformEffect[]): string {
  const groups = new Map<string, string[]>();
  for (const e of effects) {
    const mark = e.enforced === 'yes' ? '✓' : e.enforced === 'partial' ? 'partly' : '✗';
    const key = e.note && e.enforced !== 'yes' ? `${mark} (${e.note})` : mark;
    groups.set(key, [...(groups.get(key) ?? []), e.platform]);
  }
  return [...groups.entries()].map(([how, platforms]) => `${platforms.join(', ')}: ${how}`).join(' · ');
}

/** `2026-12-01T07:41:37.362Z` → `2026-12-01 07:41 UTC`. */
export function shortTime(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

function findingText(f: Finding): { text: string; color: string } {
  const text = [f.message, f.suggestion].filter(Boolean).join(' ');
  return { text: escapeMarkdown(text), color: f.level === 'error' ? 'Attention' : 'Warning' };
}

/** The value as it will be submitted (or as typed, when it could not be understood). */
function shownValue(item: RequestItem): string {
  return item.draft?.indicatorValue ?? item.input;
}

export function scopeLabel(scope: Scope): string {
  return scope.kind === 'allDevices'
    ? 'All devices'
    : `Device groups: ${scope.groups.join(', ') || '(none)'}`;
}

/** Data of `cards/review.json`. */
export function reviewCardData(
  request: IndicatorRequest,
  fieldErrors: Partial<Record<FieldName, string>>,
  knownGroups: readonly string[],
): Record<string, unknown> {
  const f = request.fields;
  const groups = f.scope.kind === 'groups' ? f.scope.groups : [];
  const choices = [...new Set([...knownGroups, ...groups])];
  const errors = Object.fromEntries(
    (['values', 'action', 'title', 'description', 'expiry', 'scope'] as const).map((k) => [
      k,
      escapeMarkdown(fieldErrors[k] ?? ''),
    ]),
  );
  return {
    heading: `${productActionLabel(f.action)} request — review`,
    requestId: request.id,
    requesterName: escapeMarkdown(request.requester.name || 'you'),
    values: request.items.map((i) => i.input).join('\n'),
    items: request.items.map((i) => ({
      value: escapeMarkdown(shownValue(i)),
      typeLabel: typeLabel(i.draft?.indicatorType),
      verdictLabel: VERDICTS[i.verdict].label,
      verdictColor: VERDICTS[i.verdict].color,
      notes: escapeMarkdown(i.notes.join(' ')),
      findings: i.findings.map(findingText),
      effectiveness: i.effectiveness.length > 0 ? effectivenessLine(i.effectiveness) : '',
      includeId: includeInputId(i.input),
      included: i.included ? 'true' : 'false',
      canInclude: i.verdict !== 'error',
    })),
    errors,
    action: f.action,
    actionChoices: PRODUCT_ACTIONS.map((a) => ({ title: productActionLabel(a), value: a })),
    title: f.title,
    titlePlaceholder: request.items[0]?.draft?.title ?? '',
    description: f.description,
    severity: f.severity,
    generateAlert: f.generateAlert ? 'true' : 'false',
    expiry: f.expiry,
    expiryPlaceholder: f.expirationTime ? `default: ${f.expirationTime.slice(0, 10)}` : 'never',
    scopeKind: f.scope.kind,
    groups: groups.join(','),
    groupChoices: choices.map((g) => ({ title: g, value: g })),
    submitTitle: request.requiredApprovals > 0 ? 'Submit for approval' : 'Submit to Defender',
  };
}

/** "Block request", "Removal request", "Extension request". */
export function requestTitle(request: IndicatorRequest): string {
  if (request.kind === 'remove') return 'Removal request';
  if (request.kind === 'extend') return 'Extension request';
  return `${productActionLabel(request.fields.action)} request`;
}

/** Data of `cards/requestStatus.json`. */
export function statusCardData(request: IndicatorRequest, hint = ''): Record<string, unknown> {
  const f = request.fields;
  const status = REQUEST_STATUS_LABELS[request.status];
  return {
    heading: `${requestTitle(request)} ${request.id}`,
    statusLabel: status.label,
    statusColor: status.color,
    statusText: escapeMarkdown(statusText(request)),
    requestId: request.id,
    requesterName: escapeMarkdown(request.requester.name || request.requester.aadObjectId),
    actionLabel: productActionLabel(f.action),
    titleLabel: escapeMarkdown(
      f.title || request.items.find((i) => i.draft)?.draft?.title || '(generated per value)',
    ),
    scopeLabel: escapeMarkdown(scopeLabel(f.scope)),
    expiresLabel: f.expirationTime ? shortTime(f.expirationTime) : 'never',
    severity: f.severity,
    alertLabel: f.generateAlert ? 'on' : 'off',
    items: request.items.map((i) => itemLine(i)),
    decisions: escapeMarkdown(
      request.decisions
        .map(
          (d) =>
            `${d.decision === 'approve' ? 'Approved' : 'Rejected'} by ${d.by.name} at ${shortTime(d.at)}${d.reason ? `: ${d.reason}` : ''}`,
        )
        .join(' · '),
    ),
    hint: escapeMarkdown(hint),
  };
}

function itemLine(i: RequestItem): { line: string; color: string } {
  const value = `**${escapeMarkdown(shownValue(i))}** (${typeLabel(i.draft?.indicatorType)})`;
  if (i.defenderId) return { line: `${value} — in Defender as indicator ${i.defenderId}`, color: 'Good' };
  if (i.error) return { line: `${value} — ${escapeMarkdown(i.error)}`, color: 'Attention' };
  if (!i.included) return { line: `${value} — not included`, color: 'Default' };
  if (i.verdict === 'warning') {
    return {
      line: `${value} — ${escapeMarkdown(i.findings.map((f) => f.message).join(' '))}`,
      color: 'Warning',
    };
  }
  return { line: value, color: 'Default' };
}

function statusText(r: IndicatorRequest): string {
  const approvals = r.decisions.filter((d) => d.decision === 'approve').length;
  switch (r.status) {
    case 'draft':
      return 'Not submitted yet.';
    case 'pending':
      return `Waiting for ${r.requiredApprovals - approvals} more approval${r.requiredApprovals - approvals === 1 ? '' : 's'}${r.pendingUntil ? `; the request expires at ${shortTime(r.pendingUntil)}` : ''}.`;
    case 'approved':
      return 'Approved; submitting to Defender.';
    case 'submitting':
      return 'Submitting to Defender.';
    case 'submitted':
      return `Submitted to Defender${r.submittedAt ? ` at ${shortTime(r.submittedAt)}` : ''}. Enforcement can take up to 48 hours (usually under 2).`;
    case 'failed':
      return `Defender refused or could not be reached: ${r.lastError ?? 'unknown error'}. An approver can retry.`;
    case 'rejected':
      return 'Rejected; nothing was submitted.';
    case 'expired':
      return 'Nobody decided in time; nothing was submitted. Ask again if it is still needed.';
    case 'cancelled':
      return 'Cancelled by the requester; nothing was submitted.';
  }
}
