/**
 * The services shared by the features that work on indicator requests (creation, approval, listing): one
 * request store, audit log, submission service and builder per app.
 */
import { AuditLog, type AuditEntry } from '../approvals/auditLog';
import type { IndicatorRequest, RequestFields } from '../approvals/indicatorRequest';
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
}

const NO_APPROVALS: ApprovalRouter = () =>
  Promise.resolve('No approval workflow is running yet, so the request stays pending.');

const cache = new WeakMap<FeatureDeps, RequestServices>();

/** The request services of an app (created on first use for these deps). */
export function requestServices(deps: FeatureDeps): RequestServices {
  let services = cache.get(deps);
  if (!services) {
    const store = new RequestStore(deps.tables<IndicatorRequest>('requests'));
    const audit = new AuditLog(deps.tables<AuditEntry>('audit'), deps.now);
    services = {
      store,
      audit,
      builder: new RequestBuilder(deps.config, deps.defender, deps.logger, deps.now),
      submissions: new SubmissionService(store, audit, deps.defender, deps.logger, deps.now),
      requiredApprovals: () => (deps.config.approval.mode === 'none' ? 0 : 1),
      approvalRouter: NO_APPROVALS,
    };
    cache.set(deps, services);
  }
  return services;
}
