/**
 * The services shared by the features that work on indicator requests (creation, approval, listing): one
 * request store, audit log, submission service and builder per app.
 */
import type { TurnContext } from 'botbuilder';
import { AuditLog, type AuditEntry } from '../approvals/auditLog';
import type { Actor } from '../teams/commandRouter';
import {
  newRequestId,
  type IndicatorRequest,
  type Person,
  type RequestFields,
} from '../approvals/indicatorRequest';
import { applyEvent } from '../approvals/requestStateMachine';
import { RequestStore } from '../approvals/requestStore';
import type { FeatureDeps } from '../feature';
import { RequestBuilder } from './requestBuilder';
import { SubmissionService } from './submissionService';

/**
 * Hands a request that entered `pending` to the approval workflow; returns a line for the requester (where the
 * approval card went, or how to connect an approvals channel).
 */
export type ApprovalRouter = (request: IndicatorRequest) => Promise<string>;

export interface RequestServices {
  readonly store: RequestStore;
  readonly audit: AuditLog;
  readonly builder: RequestBuilder;
  readonly submissions: SubmissionService;
  /** How many approvals a request needs (0 when `APPROVAL_MODE=none`). */
  requiredApprovals(fields: RequestFields): number;
  /** Set by the approvals feature; until then pending requests only wait. */
  approvalRouter: ApprovalRouter;
  /**
   * Creates a draft request (id, times, required approvals) and records it in the audit log.
   * @throws ConflictError in the unlikely case that the generated id exists already.
   */
  createDraft(draft: DraftSpec, detail: string, defenderIds?: readonly string[]): Promise<IndicatorRequest>;
  /**
   * Submits a draft by its requester: `pending` (with its expiry), or `approved` when no approval is needed;
   * audited with the Teams message id of the card.
   */
  submitDraft(requestId: string, by: Person, teamsMessageId?: string): Promise<IndicatorRequest>;
  /**
   * Hands a submitted request on: an approved one to Defender in the background (off the invoke path), a pending
   * one to the approval workflow. Returns the line for the requester; never throws for a routing failure (the
   * request stays pending and approvers find it with /pending).
   */
  handOn(request: IndicatorRequest): Promise<string>;
  /**
   * Opens a review card for an indicator command (e.g. `/block domain x --groups A`) in the turn's conversation,
   * as if the actor had typed it. Set by the indicator-requests feature; other features use it to prefill a
   * request (Escalate to Block on a hit card).
   */
  openFromCommand?: (turn: TurnContext, actor: Actor, commandText: string) => Promise<void>;
}

/** What a new draft request is made of. */
export type DraftSpec = Pick<
  IndicatorRequest,
  'kind' | 'requester' | 'tenantId' | 'conversationId' | 'fields' | 'items'
>;

const NO_APPROVALS: ApprovalRouter = () =>
  Promise.resolve('No approval workflow is running yet, so the request stays pending.');

const cache = new WeakMap<FeatureDeps, RequestServices>();

/** The request services of an app (created on first use for these deps). */
export function requestServices(deps: FeatureDeps): RequestServices {
  let services = cache.get(deps);
  if (!services) {
    const store = new RequestStore(deps.tables<IndicatorRequest>('requests'));
    const audit = new AuditLog(deps.tables<AuditEntry>('audit'), deps.now);
    const s: RequestServices = {
      store,
      audit,
      builder: new RequestBuilder(deps.config, deps.defender, deps.logger, deps.now),
      submissions: new SubmissionService(store, audit, deps.defender, deps.logger, deps.now, {
        staleSeconds: deps.config.approval.submissionStaleSeconds,
      }),
      requiredApprovals: () => (deps.config.approval.mode === 'none' ? 0 : 1),
      approvalRouter: NO_APPROVALS,
      createDraft: async (spec, detail, defenderIds) => {
        const now = deps.now().toISOString();
        const request: IndicatorRequest = {
          ...spec,
          id: newRequestId(),
          status: 'draft',
          createdAt: now,
          updatedAt: now,
          requiredApprovals: s.requiredApprovals(spec.fields),
          decisions: [],
          submissionAttempts: 0,
        };
        await store.create(request);
        await audit.append({
          requestId: request.id,
          type: 'requested',
          actorId: spec.requester.aadObjectId,
          actorName: spec.requester.name,
          detail,
          ...(defenderIds ? { defenderIds } : {}),
        });
        return request;
      },
      submitDraft: async (requestId, by, teamsMessageId) => {
        const ttlMs = deps.config.approval.pendingTtlHours * 3_600_000;
        const submitted = await store.update(requestId, (r) =>
          applyEvent(
            r,
            {
              type: 'submitDraft',
              by,
              pendingUntil: new Date(deps.now().getTime() + ttlMs).toISOString(),
              approvalRequired: r.requiredApprovals > 0,
            },
            deps.now(),
          ),
        );
        await audit.append({
          requestId: submitted.id,
          type: 'submittedForApproval',
          actorId: by.aadObjectId,
          actorName: by.name,
          ...(teamsMessageId ? { teamsMessageId } : {}),
        });
        return submitted;
      },
      handOn: async (request) => {
        if (request.status === 'approved') {
          s.submissions.submitInBackground(request.id);
          return '';
        }
        try {
          return await s.approvalRouter(request);
        } catch (e) {
          deps.logger.warn({ err: e, requestId: request.id }, 'approval routing failed');
          return 'The approval card could not be posted; approvers can find the request with /pending.';
        }
      },
    };
    services = s;
    cache.set(deps, services);
  }
  return services;
}
