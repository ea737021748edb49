/**
 * Submits approved requests to Defender exactly once. A submission is claimed by the `approved → submitting`
 * transition (ETag-guarded: of many callers one wins); values already in Defender (recorded id) are skipped; a
 * request found in `submitting` at start-up was interrupted, so its values are looked up in Defender before
 * anything is sent again.
 *
 * Request kinds: `create` submits each value's draft; `extend` re-submits the existing indicator's draft with the
 * new expiration time (Defender's submit is an upsert on type and value); `remove` deletes each item's `targetId`
 * (a 404 counts as done, so a retried removal is harmless).
 */
import { ConflictError, UpstreamError } from '../errors';
import type { DefenderClient, IndicatorSubmission } from '../defender/defenderClient';
import type { Logger } from '../logging';
import type { AuditLog } from '../approvals/auditLog';
import type { IndicatorRequest, RequestItem } from '../approvals/indicatorRequest';
import { includedItems } from '../approvals/indicatorRequest';
import type { RequestStore } from '../approvals/requestStore';
import { applyEvent } from '../approvals/requestStateMachine';
import type { IndicatorDraft } from '../indicators';
import { randomUUID } from 'node:crypto';

/** Told about every state a request reaches through submission (to update its cards, notify the requester). */
export type RequestListener = (request: IndicatorRequest) => Promise<void>;

/**
 * A claim older than this is taken to belong to a dead instance. It must exceed the Defender client's overall
 * deadline (180 s), so a live submission is never taken over.
 */
export const DEFAULT_STALE_SECONDS = 300;

/** Requests with more values than this go through the import endpoint (500 per call, 30 calls/min). */
export const IMPORT_THRESHOLD = 20;

export class SubmissionService {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly listeners: RequestListener[] = [];

  /** This process's id, recorded with every claim. */
  readonly instanceId: string;
  private readonly staleMs: number;

  constructor(
    private readonly store: RequestStore,
    private readonly audit: AuditLog,
    private readonly defender: DefenderClient,
    private readonly logger: Logger,
    private readonly now: () => Date,
    options: { readonly instanceId?: string; readonly staleSeconds?: number } = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.staleMs = (options.staleSeconds ?? DEFAULT_STALE_SECONDS) * 1000;
  }

  /** How often {@link reconcile} should run: often enough to pick up a stale claim soon after it goes stale. */
  get reconcileIntervalMs(): number {
    return Math.min(60_000, Math.max(1000, this.staleMs / 2));
  }

  /** Registers a listener for state changes made by submissions. */
  onChange(listener: RequestListener): void {
    this.listeners.push(listener);
  }

  /** Starts submitting in the background (off the invoke path); {@link idle} waits for it. */
  submitInBackground(requestId: string): void {
    const work: Promise<void> = this.submit(requestId)
      .then(() => undefined)
      .catch((e: unknown) => this.logger.error({ err: e, requestId }, 'submission crashed'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Resolves when no background submission is running. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Submits one approved request. Does nothing when another caller claimed it first or it is not approved.
   * @returns the request as it ended (submitted or failed), or undefined when this caller did not submit it.
   */
  async submit(requestId: string): Promise<IndicatorRequest | undefined> {
    let claimed: IndicatorRequest;
    try {
      claimed = await this.store.update(requestId, (r) =>
        applyEvent(r, { type: 'startSubmission', by: this.instanceId }, this.now()),
      );
    } catch (e) {
      if (e instanceof ConflictError) return undefined;
      throw e;
    }
    await this.safeAudit({
      requestId,
      type: 'submissionStarted',
      actorId: 'system',
      actorName: 'bot',
      detail: `attempt ${claimed.submissionAttempts}`,
    });
    await this.notify(claimed);

    const todo =
      claimed.kind === 'remove'
        ? includedItems(claimed).filter((i) => i.targetId)
        : includedItems(claimed).filter((i) => !i.defenderId && i.draft);
    const ids: Record<string, string> = {};
    const errors: Record<string, string> = {};
    let fatal: string | undefined;
    try {
      if (claimed.kind === 'remove') {
        for (const item of todo) {
          try {
            // 'notFound' is success too: the indicator is gone (expired, deleted in the portal, or by a retry).
            await this.defender.delete(item.targetId as string);
          } catch (e) {
            if (
              !(e instanceof UpstreamError) ||
              e.status === undefined ||
              e.status >= 500 ||
              e.status === 429
            )
              throw e;
            errors[item.input] = e.message;
          }
        }
      } else if (todo.length > IMPORT_THRESHOLD) {
        const result = await this.defender.import(todo.map((i) => toSubmission(i.draft as IndicatorDraft)));
        result.items.forEach((r, n) => {
          const item = todo[n];
          if (!item) return;
          if (r.isFailed || !r.id) errors[item.input] = r.failureReason ?? 'Defender did not accept it.';
          else ids[item.input] = r.id;
        });
      } else {
        for (const item of todo) {
          try {
            ids[item.input] = (await this.defender.submit(toSubmission(item.draft as IndicatorDraft))).id;
          } catch (e) {
            if (
              !(e instanceof UpstreamError) ||
              e.status === undefined ||
              e.status >= 500 ||
              e.status === 429
            )
              throw e;
            errors[item.input] = e.message;
          }
        }
      }
    } catch (e) {
      fatal = e instanceof Error ? e.message : String(e);
      this.logger.warn({ requestId, err: e }, 'submission failed');
    }

    const failedCount = Object.keys(errors).length;
    const ended = await this.store.update(requestId, (r) =>
      fatal !== undefined || failedCount > 0
        ? applyEvent(
            r,
            {
              type: 'submissionFailed',
              error: fatal ?? `${failedCount} of ${todo.length} values were refused by Defender.`,
              itemErrors: errors,
              defenderIds: ids,
            },
            this.now(),
          )
        : applyEvent(r, { type: 'submissionSucceeded', defenderIds: ids }, this.now()),
    );
    const removed = claimed.kind === 'remove';
    await this.safeAudit({
      requestId,
      type: ended.status !== 'submitted' ? 'submissionFailed' : removed ? 'removed' : 'submitted',
      actorId: 'system',
      actorName: 'bot',
      detail: ended.lastError,
      defenderIds: removed
        ? todo.filter((i) => !errors[i.input]).map((i) => i.targetId as string)
        : ended.items.flatMap((i) => (i.defenderId ? [i.defenderId] : [])),
    });
    await this.notify(ended);
    return ended;
  }

  /**
   * Recovery, at start-up and then every {@link reconcileIntervalMs}: a request in `submitting` whose claim is
   * stale (its instance died mid-way; a live claim is younger than the client's deadline) is checked against
   * Defender by value; values found keep their Defender id, and the request goes back to `approved` and is
   * submitted again, which sends only the values Defender does not have. Approved requests nobody claimed are
   * submitted too. Never throws: one request's trouble does not stop the others.
   */
  async reconcile(): Promise<number> {
    let taken = 0;
    for (const request of await this.store.list(['submitting'])) {
      if (!this.isStale(request)) continue;
      try {
        const found: Record<string, string> = {};
        // Removals and extensions are idempotent (delete, upsert), so they are simply run again; looking an
        // extended indicator up by value would find it (it exists) and wrongly mark the extension as done.
        const lookups =
          request.kind === 'create' ? includedItems(request).filter((i) => !i.defenderId && i.draft) : [];
        for (const item of lookups) {
          const d = item.draft as IndicatorDraft;
          const match = (await this.defender.findByValue(d.indicatorType, d.indicatorValue)).find(
            (x) => x.action === d.action,
          );
          if (match) found[item.input] = match.id;
        }
        await this.store.update(request.id, (r) => {
          // Re-checked on the fresh record: another instance may have taken it over meanwhile.
          if (r.status !== 'submitting' || !this.isStale(r))
            throw new ConflictError(`${r.id} is no longer stale`);
          return applyEvent(r, { type: 'interrupted', defenderIds: found }, this.now());
        });
        taken++;
        await this.safeAudit({
          requestId: request.id,
          type: 'reconciled',
          actorId: 'system',
          actorName: 'bot',
          detail: `${Object.keys(found).length} value(s) were already in Defender`,
          defenderIds: Object.values(found),
        });
        this.submitInBackground(request.id);
      } catch (e) {
        if (!(e instanceof ConflictError))
          this.logger.warn({ err: e, requestId: request.id }, 'reconciliation failed');
      }
    }
    // Approved but never claimed (crash between approval and the claim): submit those too (the claim is guarded).
    for (const request of await this.store.list(['approved'])) this.submitInBackground(request.id);
    return taken;
  }

  private isStale(request: IndicatorRequest): boolean {
    if (request.claimedBy === this.instanceId) return false;
    const claimed = request.claimedAt ? Date.parse(request.claimedAt) : 0;
    return this.now().getTime() - claimed >= this.staleMs;
  }

  /** The audit log must not stop a submission: a failed append is logged and the work goes on. */
  private async safeAudit(entry: Parameters<AuditLog['append']>[0]): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (e) {
      this.logger.error({ err: e, requestId: entry.requestId, type: entry.type }, 'audit append failed');
    }
  }

  private async notify(request: IndicatorRequest): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(request);
      } catch (e) {
        this.logger.warn({ err: e, requestId: request.id }, 'request listener failed');
      }
    }
  }
}

/** What goes to `POST /api/indicators` for a draft. */
export function toSubmission(d: IndicatorDraft): IndicatorSubmission {
  return {
    indicatorType: d.indicatorType,
    indicatorValue: d.indicatorValue,
    action: d.action,
    title: d.title,
    description: d.description,
    severity: d.severity,
    generateAlert: d.generateAlert,
    rbacGroupNames: d.rbacGroupNames,
    ...(d.expirationTime ? { expirationTime: new Date(d.expirationTime) } : {}),
    ...(d.recommendedActions ? { recommendedActions: d.recommendedActions } : {}),
  };
}

/** Items of a request that Defender has. */
export function submittedItems(request: IndicatorRequest): RequestItem[] {
  return request.items.filter((i) => i.defenderId);
}
