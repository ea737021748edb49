/**
 * Data of the approval card (`cards/approval.json`): the request, per-value verdicts, platform effectiveness,
 * conflicts, device contacts, requester, expiry and decisions. Two views: the approver's (Approve / Reject with a
 * reason, or Retry after a failed submission) and everyone else's (status only). A `refresh` block makes Teams
 * fetch the approver view for the listed users. All user-supplied text is escaped here.
 */
import { escapeMarkdown, type AdaptiveCardJson } from '../cards/cardRenderer';
import { productActionLabel, type Finding } from '../indicators';
import {
  REQUEST_STATUS_LABELS,
  effectivenessLine,
  includeInputId,
  scopeLabel,
  typeLabel,
} from '../requests/requestCards';
import { deviceContactLine, type DeviceContactCount } from './deviceContacts';
import type { IndicatorRequest, RequestItem, RequestKind } from './indicatorRequest';

/** Card verbs of the approval workflow. */
export const ApprovalVerb = {
  approve: 'approval.approve',
  reject: 'approval.reject',
  retry: 'approval.retry',
  refresh: 'approval.refresh',
} as const;
export type ApprovalVerb = (typeof ApprovalVerb)[keyof typeof ApprovalVerb];

/** Which view to render. */
export interface ApprovalView {
  /** The viewer may decide (an approver who is not barred from this request). */
  readonly approver: boolean;
  readonly deviceContacts?: ReadonlyMap<string, DeviceContactCount>;
  readonly hint?: string;
  /** The card is a user's own view (after a click), not the one everybody sees. */
  readonly viewed?: boolean;
}

const KIND_LABELS: Record<RequestKind, string> = {
  create: 'New indicator',
  remove: 'Remove indicator',
  extend: 'Extend indicator',
};

const VERDICT_LABELS = { ok: 'OK', warning: 'Warning', error: 'Cannot be requested' } as const;

export function approvalCount(request: IndicatorRequest): number {
  return request.decisions.filter((d) => d.decision === 'approve').length;
}

function statusText(r: IndicatorRequest): string {
  const left = r.requiredApprovals - approvalCount(r);
  switch (r.status) {
    case 'pending':
      return `Waiting for ${left} more approval${left === 1 ? '' : 's'}. Nothing reaches Defender until then.`;
    case 'approved':
      return 'Approved; submitting to Defender.';
    case 'submitting':
      return 'Submitting to Defender.';
    case 'submitted':
      return `In Defender since ${r.submittedAt ?? r.updatedAt}. Enforcement can take up to 48 hours (usually under 2).`;
    case 'failed':
      return `Defender did not take it: ${r.lastError ?? 'unknown error'}. An approver can retry.`;
    case 'rejected':
      return 'Rejected; nothing was submitted.';
    case 'expired':
      return `Expired at ${r.pendingUntil ?? r.updatedAt} without a decision; nothing was submitted. The requester can ask again.`;
    case 'cancelled':
      return 'Cancelled by the requester.';
    case 'draft':
      return 'Not submitted yet.';
  }
}

function findingLine(f: Finding): { text: string; color: string } {
  const text = [f.message, f.suggestion].filter(Boolean).join(' ');
  return { text: escapeMarkdown(text), color: f.level === 'error' ? 'Attention' : 'Warning' };
}

function itemData(
  request: IndicatorRequest,
  item: RequestItem,
  view: ApprovalView,
  canDecide: boolean,
): Record<string, unknown> {
  const value = escapeMarkdown(item.draft?.indicatorValue ?? item.input);
  const target = item.targetId ? ` — Defender indicator ${escapeMarkdown(item.targetId)}` : '';
  let line = `**${value}** (${typeLabel(item.draft?.indicatorType)}) · ${VERDICT_LABELS[item.verdict]}${target}`;
  let color = item.verdict === 'warning' ? 'Warning' : item.verdict === 'error' ? 'Attention' : 'Default';
  if (item.defenderId) {
    line += ` — in Defender as indicator ${escapeMarkdown(item.defenderId)}`;
    color = 'Good';
  } else if (item.error) {
    line += ` — ${escapeMarkdown(item.error)}`;
    color = 'Attention';
  } else if (!item.included) {
    line += ' — not included';
    color = 'Default';
  }
  const countable = item.included && item.verdict !== 'error';
  const multi = request.items.filter((i) => i.included && i.verdict !== 'error').length > 1;
  return {
    line,
    color,
    findings: item.findings.map(findingLine),
    effectiveness: item.effectiveness.length > 0 ? escapeMarkdown(effectivenessLine(item.effectiveness)) : '',
    contacts: item.draft
      ? escapeMarkdown(deviceContactLine(view.deviceContacts?.get(item.draft.indicatorValue)))
      : '',
    includeId: includeInputId(item.input),
    showToggle: canDecide && multi && countable,
  };
}

/** Values shown on an approval card; a large import would otherwise exceed the Teams message size. */
export const APPROVAL_CARD_MAX_ITEMS = 25;

/** Data of `cards/approval.json` for one view. */
export function approvalCardData(request: IndicatorRequest, view: ApprovalView): Record<string, unknown> {
  const f = request.fields;
  const status = REQUEST_STATUS_LABELS[request.status];
  const canDecide = view.approver && request.status === 'pending';
  const canRetry = view.approver && request.status === 'failed';
  return {
    heading: `${KIND_LABELS[request.kind]}: ${productActionLabel(f.action)} — request ${request.id}`,
    statusLabel: status.label,
    statusColor: status.color,
    statusText: escapeMarkdown(statusText(request)),
    requestId: request.id,
    kindLabel: KIND_LABELS[request.kind],
    requesterName: escapeMarkdown(request.requester.name || request.requester.aadObjectId),
    actionLabel: productActionLabel(f.action),
    scopeLabel: escapeMarkdown(scopeLabel(f.scope)),
    expiresLabel: f.expirationTime ?? 'never',
    severity: f.severity,
    alertLabel: f.generateAlert ? 'on' : 'off',
    approvalsLabel: `${approvalCount(request)} of ${request.requiredApprovals}`,
    decideBy: request.pendingUntil ?? '—',
    items: request.items.slice(0, APPROVAL_CARD_MAX_ITEMS).map((i) => itemData(request, i, view, canDecide)),
    moreText:
      request.items.length > APPROVAL_CARD_MAX_ITEMS
        ? `…and ${request.items.length - APPROVAL_CARD_MAX_ITEMS} more values, not shown here (they are approved with the request; see /show ${request.id}).`
        : '',
    decisions: escapeMarkdown(
      request.decisions
        .map(
          (d) =>
            `${d.decision === 'approve' ? 'Approved' : 'Rejected'} by ${d.by.name || d.by.aadObjectId} at ${d.at}${d.reason ? `: ${d.reason}` : ''}`,
        )
        .join(' · '),
    ),
    hint: escapeMarkdown(view.hint ?? ''),
    canDecide,
    canRetry,
    // Clients without user-specific views (older mobile clients, the Agents Playground) and approvers beyond
    // refresh.userIds' 60 fetch their own view with this button.
    canOpen: !view.approver && !view.viewed && (request.status === 'pending' || request.status === 'failed'),
  };
}

/**
 * Adds the `refresh` block (Universal Actions user-specific views) while the request can still be acted on:
 * Teams then asks the bot for the view of each listed user (`approval.refresh`), so approvers get the buttons
 * and everyone else keeps the status.
 */
export function withRefresh(
  card: AdaptiveCardJson,
  request: IndicatorRequest,
  userIds: readonly string[],
): AdaptiveCardJson {
  if (request.status !== 'pending' && request.status !== 'failed') return card;
  return {
    ...card,
    refresh: {
      action: {
        type: 'Action.Execute',
        title: 'Refresh',
        verb: ApprovalVerb.refresh,
        data: { requestId: request.id },
      },
      userIds: [...userIds],
    },
  };
}
