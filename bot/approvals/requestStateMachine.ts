/**
 * The request life cycle of SPEC §6 as a pure function: `pending → approved → submitting → submitted | failed`,
 * `pending → rejected | expired`, plus `draft → pending | cancelled` for the review card and `failed → submitting`
 * for an approver's retry. Every refusal is a typed error with a message for the person who clicked.
 */
import { AuthorizationError, ConflictError, ValidationError } from '../errors';
import { FINAL_STATUSES, type IndicatorRequest, type Person, type RequestItem } from './indicatorRequest';

/** Who may approve, as decided by the policy (Graph group or configured ids) before the event is built. */
export interface ApproverCheck {
  readonly isApprover: boolean;
  readonly allowSelfApproval: boolean;
}

export type RequestEvent =
  | {
      readonly type: 'submitDraft';
      readonly by: Person;
      readonly pendingUntil: string;
      readonly approvalRequired: boolean;
    }
  | { readonly type: 'cancelDraft'; readonly by: Person }
  | {
      readonly type: 'approve';
      readonly by: Person;
      readonly check: ApproverCheck;
      /** Inputs of the values the approver approves; all included values when omitted. */
      readonly onlyInputs?: readonly string[];
    }
  | { readonly type: 'reject'; readonly by: Person; readonly check: ApproverCheck; readonly reason: string }
  | { readonly type: 'expire' }
  | { readonly type: 'startSubmission'; readonly by?: string }
  | { readonly type: 'submissionSucceeded'; readonly defenderIds: Readonly<Record<string, string>> }
  | {
      readonly type: 'submissionFailed';
      readonly error: string;
      readonly itemErrors?: Readonly<Record<string, string>>;
      /** Values Defender did accept before the failure. */
      readonly defenderIds?: Readonly<Record<string, string>>;
    }
  /** A submission found interrupted (crash) and checked against Defender: found values keep their ids. */
  | { readonly type: 'interrupted'; readonly defenderIds: Readonly<Record<string, string>> }
  | { readonly type: 'retry'; readonly by: Person; readonly check: ApproverCheck };

/**
 * Applies one event to a request and returns the new request; the input is not changed.
 * @throws ConflictError when the request is not in a state that allows the event (already decided, expired, …).
 * @throws AuthorizationError when the person may not do it (not an approver, approving their own request, …).
 * @throws ValidationError when the event is incomplete (a rejection without a reason).
 */
export function applyEvent(request: IndicatorRequest, event: RequestEvent, now: Date): IndicatorRequest {
  const at = now.toISOString();
  const next = (changes: Partial<IndicatorRequest>): IndicatorRequest => ({
    ...request,
    ...changes,
    updatedAt: at,
  });

  if (FINAL_STATUSES.includes(request.status)) {
    throw new ConflictError(
      `Request ${request.id} is already ${request.status}; nothing more can be done with it.`,
    );
  }

  switch (event.type) {
    case 'submitDraft': {
      requireStatus(request, 'draft', 'submitted');
      requireSamePerson(request, event.by, 'submit');
      return next({
        status: event.approvalRequired ? 'pending' : 'approved',
        pendingUntil: event.approvalRequired ? event.pendingUntil : undefined,
      });
    }
    case 'cancelDraft': {
      requireStatus(request, 'draft', 'cancelled');
      requireSamePerson(request, event.by, 'cancel');
      return next({ status: 'cancelled' });
    }
    case 'approve': {
      requirePendingAndLive(request, now);
      requireApprover(request, event.by, event.check, 'approve');
      if (
        request.decisions.some((d) => d.by.aadObjectId === event.by.aadObjectId && d.decision === 'approve')
      ) {
        throw new ConflictError(
          `You have already approved request ${request.id}; another approver must approve it too.`,
        );
      }
      const items = event.onlyInputs ? narrowItems(request.items, event.onlyInputs) : request.items;
      const decisions = [...request.decisions, { by: event.by, at, decision: 'approve' as const }];
      const approvals = decisions.filter((d) => d.decision === 'approve').length;
      return next({
        items,
        decisions,
        status: approvals >= request.requiredApprovals ? 'approved' : 'pending',
      });
    }
    case 'reject': {
      requirePendingAndLive(request, now);
      requireApprover(request, event.by, event.check, 'reject');
      const reason = event.reason.trim();
      if (!reason)
        throw new ValidationError('A rejection needs a reason; write one in the box and click Reject again.');
      return next({
        status: 'rejected',
        decisions: [...request.decisions, { by: event.by, at, decision: 'reject', reason }],
      });
    }
    case 'expire': {
      requireStatus(request, 'pending', 'expired');
      if (!request.pendingUntil || new Date(request.pendingUntil).getTime() > now.getTime()) {
        throw new ConflictError(`Request ${request.id} has not reached its expiry yet.`);
      }
      return next({ status: 'expired' });
    }
    case 'startSubmission': {
      requireStatus(request, 'approved', 'submitted');
      return next({
        status: 'submitting',
        submissionAttempts: request.submissionAttempts + 1,
        claimedAt: at,
        ...(event.by ? { claimedBy: event.by } : {}),
      });
    }
    case 'submissionSucceeded': {
      requireStatus(request, 'submitting', 'marked submitted');
      const items = request.items.map((i) =>
        event.defenderIds[i.input] ? { ...i, defenderId: event.defenderIds[i.input], error: undefined } : i,
      );
      return next({ status: 'submitted', items, submittedAt: at, lastError: undefined });
    }
    case 'submissionFailed': {
      requireStatus(request, 'submitting', 'marked failed');
      const errors = event.itemErrors ?? {};
      const ids = event.defenderIds ?? {};
      const items = request.items.map((i) => ({
        ...i,
        ...(ids[i.input] ? { defenderId: ids[i.input] } : {}),
        ...(errors[i.input] ? { error: errors[i.input] } : {}),
      }));
      return next({ status: 'failed', items, lastError: event.error });
    }
    case 'interrupted': {
      requireStatus(request, 'submitting', 'reconciled');
      const items = request.items.map((i) =>
        event.defenderIds[i.input] ? { ...i, defenderId: event.defenderIds[i.input] } : i,
      );
      return next({ status: 'approved', items });
    }
    case 'retry': {
      requireStatus(request, 'failed', 'retried');
      requireApprover(request, event.by, event.check, 'retry');
      return next({ status: 'approved' });
    }
  }
}

function requireStatus(request: IndicatorRequest, status: IndicatorRequest['status'], verb: string): void {
  if (request.status !== status) {
    throw new ConflictError(`Request ${request.id} is ${request.status}, so it cannot be ${verb} now.`);
  }
}

function requirePendingAndLive(request: IndicatorRequest, now: Date): void {
  if (request.status !== 'pending') {
    throw new ConflictError(
      `Request ${request.id} is already ${request.status}; its decision cannot change.`,
    );
  }
  if (request.pendingUntil && new Date(request.pendingUntil).getTime() <= now.getTime()) {
    throw new ConflictError(`Request ${request.id} expired at ${request.pendingUntil}; ask for a new one.`);
  }
}

function requireSamePerson(request: IndicatorRequest, by: Person, verb: string): void {
  if (request.requester.aadObjectId !== by.aadObjectId) {
    throw new AuthorizationError(
      `Only ${request.requester.name || 'the requester'} can ${verb} this request.`,
    );
  }
}

function requireApprover(request: IndicatorRequest, by: Person, check: ApproverCheck, verb: string): void {
  if (!by.aadObjectId || !check.isApprover) {
    throw new AuthorizationError(`You are not an approver, so you cannot ${verb} request ${request.id}.`);
  }
  if (by.aadObjectId === request.requester.aadObjectId && !check.allowSelfApproval) {
    throw new AuthorizationError(`You requested ${request.id} yourself; another approver must ${verb} it.`);
  }
}

function narrowItems(items: readonly RequestItem[], onlyInputs: readonly string[]): RequestItem[] {
  const keep = new Set(onlyInputs);
  const narrowed = items.map((i) => ({ ...i, included: i.included && keep.has(i.input) }));
  if (!narrowed.some((i) => i.included && i.verdict !== 'error')) {
    throw new ValidationError('Select at least one value to approve, or reject the request.');
  }
  return narrowed;
}
