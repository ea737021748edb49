/**
 * The four-eyes approval workflow of SPEC §6: requests that enter `pending` are posted as approval cards into
 * every `approvals` channel; Approve / Reject (with a reason) / Retry are `Action.Execute` buttons whose clicks
 * are re-checked on the server (approver by configured id or Entra group, no self-approval unless allowed, the
 * card must be the request's own approval card); every decision updates the approval cards for everyone and the
 * requester's card, and notifies the requester where they asked. Pending requests expire (a sweeper), and
 * approved requests go to the exactly-once {@link SubmissionService}.
 */
import { CardFactory, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/cardRenderer';
import { AuthorizationError, ConflictError } from '../errors';
import type { Feature, FeatureDeps } from '../feature';
import { productActionLabel } from '../indicators';
import {
  SUBSCRIPTIONS_TABLE,
  SubscriptionStore,
  channelConversationId,
} from '../notifications/subscriptionStore';
import type { Subscription } from '../notifications/subscriptionStore';
import { includeInputId, statusCardData } from '../requests/requestCards';
import { requestServices, type RequestServices } from '../requests/requestServices';
import type { CardActionContext, CardActionHandler } from '../teams/cardActionRouter';
import type { Actor } from '../teams/commandRouter';
import { PendingCommand } from '../teams/commands/pendingCommand';
import type { ActionResult } from '../teams/replies';
import { ApprovalVerb, approvalCardData, approvalCount, withRefresh } from './approvalCards';
import { ApproverDirectory, type KnownApprover } from './approverDirectory';
import { ApproverPolicy } from './approverPolicy';
import { DeviceContactCounter, type DeviceContactCount } from './deviceContacts';
import { includedItems, type CardLocation, type IndicatorRequest, type Person } from './indicatorRequest';
import { applyEvent, type ApproverCheck } from './requestStateMachine';
import { requiredApprovalsFor } from './requiredApprovals';

/** How often the sweeper looks for expired requests and requests still waiting for an approvals channel. */
export const SWEEP_INTERVAL_MS = 60_000;

/** Table of approvers' Teams ids (for `refresh.userIds`). */
export const APPROVERS_TABLE = 'approvers';

/** What the requester is told when no approvals channel is connected. */
export const NO_APPROVALS_CHANNEL_HINT =
  'No approvals channel is connected yet, so no approver has been asked. An admin connects one by typing ' +
  '`@IoC Bot subscribe approvals` in the channel; the request is posted there as soon as one exists, and it ' +
  'stays pending until then or until it expires.';

/** Data of every approval card action: the request id, the reason box and the per-value toggles. */
const approvalInputs = z.looseObject({
  requestId: z.string().trim().min(1).max(40),
  reason: z.string().max(1000).optional(),
});
type ApprovalInputs = z.infer<typeof approvalInputs>;

function person(actor: Actor): Person {
  return { aadObjectId: actor.aadObjectId, name: actor.name };
}

/** The approval workflow; the feature factory wires it into the app. */
/** How long the Submit click waits for the device-contact count before posting the card without it. */
export const ROUTE_COUNT_BUDGET_MS = 1500;

export class ApprovalWorkflow {
  readonly policy: ApproverPolicy;
  private readonly subscriptions: SubscriptionStore;
  private readonly directory: ApproverDirectory;
  private readonly contacts: DeviceContactCounter;
  /** Card updates of one request run one after another, each rendering the latest stored state. */
  private readonly syncChains = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: FeatureDeps,
    private readonly s: RequestServices,
    policy?: ApproverPolicy,
  ) {
    this.policy =
      policy ??
      new ApproverPolicy({
        settings: deps.config.approval,
        graph: deps.graph,
        logger: deps.logger,
        now: deps.now,
      });
    this.subscriptions = new SubscriptionStore(deps.tables<Subscription>(SUBSCRIPTIONS_TABLE));
    this.directory = new ApproverDirectory(
      deps.tables<KnownApprover>(APPROVERS_TABLE),
      deps.conversations,
      deps.now,
    );
    this.contacts = new DeviceContactCounter(deps.graph, deps.logger);
  }

  /** Approvals a request with these fields needs (0 when `APPROVAL_MODE=none`). */
  requiredApprovals(fields: IndicatorRequest['fields']): number {
    return this.deps.config.approval.mode === 'none'
      ? 0
      : requiredApprovalsFor(this.deps.config.approval.requiredApprovals, fields);
  }

  /**
   * Posts a pending request's approval card into every approvals channel and records where.
   * @returns the line shown to the requester.
   */
  async route(request: IndicatorRequest): Promise<string> {
    const subs = await this.subscriptions.list('approvals');
    if (subs.length === 0) return NO_APPROVALS_CHANNEL_HINT;
    // Routing runs inside the Submit click, which Teams waits for only seconds: the device count gets a short
    // budget here, and a slower answer is added to the posted cards when it arrives.
    const counting = this.contacts.count(includedItems(request).flatMap((i) => (i.draft ? [i.draft] : [])));
    const quick = await Promise.race([
      counting,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), ROUTE_COUNT_BUDGET_MS).unref(),
      ),
    ]);
    const counted = quick
      ? await this.s.store.update(request.id, (r) => ({ ...r, deviceContacts: Object.fromEntries(quick) }))
      : request;
    if (!quick) {
      const late: Promise<unknown> = counting
        .then(async (counts) => {
          await this.s.store.update(request.id, (r) => ({
            ...r,
            deviceContacts: Object.fromEntries(counts),
          }));
          await this.sync(request.id, false);
        })
        .catch((e: unknown) =>
          this.deps.logger.warn({ err: e, requestId: request.id }, 'device count failed'),
        )
        .finally(() => this.background.delete(late));
      this.background.add(late);
    }
    const card = await this.everyoneCard(counted);
    const locations: CardLocation[] = [];
    const names: string[] = [];
    for (const sub of subs) {
      try {
        const id = await this.deps.messenger.send(sub.reference, {
          type: 'message',
          summary: `Approval needed: ${productActionLabel(counted.fields.action)} request ${counted.id}`,
          attachments: [CardFactory.adaptiveCard(card)],
        });
        if (!id) continue;
        locations.push({ conversationId: sub.conversationId, activityId: id });
        names.push(sub.channelName ? `the ${sub.channelName} channel` : 'the approvals channel');
        await this.s.audit.append({
          requestId: counted.id,
          type: 'postedForApproval',
          actorId: 'system',
          actorName: 'bot',
          detail: sub.channelName ?? sub.conversationId,
          teamsMessageId: id,
        });
      } catch (error) {
        this.deps.logger.warn(
          { err: error, requestId: counted.id, conversationId: sub.conversationId },
          'could not post an approval card',
        );
      }
    }
    if (locations.length === 0) {
      return 'The approvals channel could not be reached; the request stays pending and is posted again shortly.';
    }
    await this.s.store.update(counted.id, (r) => ({
      ...r,
      approvalCard: r.approvalCard ?? locations[0],
      approvalCards: [...(r.approvalCards ?? []), ...locations],
    }));
    const needed = counted.requiredApprovals;
    return `Sent to ${[...new Set(names)].join(', ')} for approval (${needed} approval${needed === 1 ? '' : 's'} needed${counted.pendingUntil ? `, by ${counted.pendingUntil}` : ''}). You will be told here when someone decides.`;
  }

  /** `approval.approve`. */
  async approve(ctx: CardActionContext<ApprovalInputs>): Promise<ActionResult> {
    const { request, check } = await this.clicked(ctx);
    const onlyInputs = selectedInputs(request, ctx.data);
    const updated = await this.s.store.update(request.id, (r) =>
      applyEvent(r, { type: 'approve', by: person(ctx.actor), check, onlyInputs }, this.deps.now()),
    );
    const left = updated.items.filter(
      (i) => !i.included && request.items.find((o) => o.input === i.input)?.included,
    );
    await this.s.audit.append({
      requestId: updated.id,
      type: 'approved',
      actorId: ctx.actor.aadObjectId,
      actorName: ctx.actor.name,
      detail: `approval ${approvalCount(updated)} of ${updated.requiredApprovals}${left.length > 0 ? `; left out: ${left.map((i) => i.input).join(', ')}` : ''}`,
      teamsMessageId: ctx.turn.activity.replyToId,
    });
    if (updated.status === 'approved') this.s.submissions.submitInBackground(updated.id);
    await this.sync(updated.id, true);
    const who = ctx.actor.name || 'An approver';
    const partial =
      left.length > 0 ? ` Left out by the approver: ${left.map((i) => i.input).join(', ')}.` : '';
    await this.notifyRequester(
      updated,
      updated.status === 'pending'
        ? `${who} approved your request ${updated.id} (${approvalCount(updated)} of ${updated.requiredApprovals} approvals).${partial}`
        : `${who} approved your request ${updated.id}; it is being submitted to Defender.${partial}`,
    );
    return this.viewFor(await this.s.store.get(updated.id), ctx.actor, check);
  }

  /** `approval.reject`: needs a reason. */
  async reject(ctx: CardActionContext<ApprovalInputs>): Promise<ActionResult> {
    const { request, check } = await this.clicked(ctx);
    const reason = ctx.data.reason ?? '';
    const updated = await this.s.store.update(request.id, (r) =>
      applyEvent(r, { type: 'reject', by: person(ctx.actor), check, reason }, this.deps.now()),
    );
    await this.s.audit.append({
      requestId: updated.id,
      type: 'rejected',
      actorId: ctx.actor.aadObjectId,
      actorName: ctx.actor.name,
      detail: reason.trim(),
      teamsMessageId: ctx.turn.activity.replyToId,
    });
    await this.sync(updated.id, true);
    await this.notifyRequester(
      updated,
      `${ctx.actor.name || 'An approver'} rejected your request ${updated.id}: ${reason.trim()}. Nothing was submitted.`,
    );
    return this.viewFor(updated, ctx.actor, check);
  }

  /** `approval.retry`: a failed submission is submitted again (values Defender has are skipped). */
  async retry(ctx: CardActionContext<ApprovalInputs>): Promise<ActionResult> {
    const { request, check } = await this.clicked(ctx);
    const updated = await this.s.store.update(request.id, (r) =>
      applyEvent(r, { type: 'retry', by: person(ctx.actor), check }, this.deps.now()),
    );
    await this.s.audit.append({
      requestId: updated.id,
      type: 'retried',
      actorId: ctx.actor.aadObjectId,
      actorName: ctx.actor.name,
      detail: updated.lastError ? `after: ${updated.lastError}` : undefined,
      teamsMessageId: ctx.turn.activity.replyToId,
    });
    this.s.submissions.submitInBackground(updated.id);
    await this.sync(updated.id, true);
    return this.viewFor(updated, ctx.actor, check);
  }

  /** `approval.refresh` (Teams asks for the clicking or listed user's view). */
  async refresh(ctx: CardActionContext<ApprovalInputs>): Promise<ActionResult> {
    const { request, check } = await this.clicked(ctx);
    return this.viewFor(request, ctx.actor, check);
  }

  /** Told of every state a submission reaches: approval cards follow, the requester hears the outcome. */
  async onSubmissionChange(request: IndicatorRequest): Promise<void> {
    await this.sync(request.id, false);
    if (request.status === 'submitted') {
      const ids = request.items.flatMap((i) => (i.defenderId ? [i.defenderId] : []));
      await this.notifyRequester(
        request,
        `Your request ${request.id} is in Defender (indicator${ids.length === 1 ? '' : 's'} ${ids.join(', ')}). Enforcement can take up to 48 hours.`,
      );
    } else if (request.status === 'failed') {
      await this.notifyRequester(
        request,
        `Submitting your request ${request.id} to Defender failed: ${request.lastError ?? 'unknown error'}. An approver can retry it from the approval card.`,
      );
    }
  }

  /**
   * One sweep: pending requests past their deadline expire (cards and requester updated); pending requests
   * that never reached an approvals channel are posted once one exists.
   */
  async sweep(): Promise<{ expired: number; posted: number }> {
    const now = this.deps.now().getTime();
    let expired = 0;
    let posted = 0;
    for (const r of await this.s.store.list(['pending'])) {
      if (r.pendingUntil && new Date(r.pendingUntil).getTime() <= now) {
        if (await this.expire(r.id)) expired++;
      } else if (!r.approvalCards?.length && !r.approvalCard) {
        const line = await this.route(r);
        if (line !== NO_APPROVALS_CHANNEL_HINT) {
          posted++;
          await this.notifyRequester(r, `Your request ${r.id}: ${line}`);
        }
      }
    }
    return { expired, posted };
  }

  /** Starts the sweeper (and runs one sweep now). */
  async start(): Promise<void> {
    await this.sweep().catch((e: unknown) => this.deps.logger.warn({ err: e }, 'approval sweep failed'));
    this.timer = setInterval(() => {
      const run = this.sweep()
        .catch((e: unknown) => this.deps.logger.warn({ err: e }, 'approval sweep failed'))
        .finally(() => this.background.delete(run));
      this.background.add(run);
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.background]);
    await this.idle();
  }

  /** Resolves when no card update or late device count is running (tests). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
    while (this.syncChains.size > 0) await Promise.all([...this.syncChains.values()]);
  }

  private async expire(id: string): Promise<boolean> {
    let expired: IndicatorRequest;
    try {
      expired = await this.s.store.update(id, (r) => applyEvent(r, { type: 'expire' }, this.deps.now()));
    } catch (e) {
      if (e instanceof ConflictError) return false;
      throw e;
    }
    await this.s.audit.append({
      requestId: id,
      type: 'expired',
      actorId: 'system',
      actorName: 'bot',
      detail: `pending until ${expired.pendingUntil ?? '?'}`,
    });
    await this.sync(id, true);
    await this.notifyRequester(
      expired,
      `Your request ${id} expired at ${expired.pendingUntil ?? 'its deadline'} without a decision; nothing was submitted. Ask again if it is still needed.`,
    );
    return true;
  }

  /**
   * The request a click names, after the checks every click gets: the card must be the request's own approval
   * card (so card data naming another request is refused), an expired request is expired first, and the
   * clicking user's approver status comes from the policy (the activity's `from.aadObjectId`, never card data).
   */
  private async clicked(
    ctx: CardActionContext<ApprovalInputs>,
  ): Promise<{ request: IndicatorRequest; check: ApproverCheck }> {
    const request = await this.s.store.get(ctx.data.requestId);
    const activity = ctx.turn.activity;
    const locations = request.approvalCards ?? (request.approvalCard ? [request.approvalCard] : []);
    const conversation = channelConversationId(activity.conversation?.id ?? '');
    const replyTo = activity.replyToId;
    const fromItsCard = locations.some(
      (l) =>
        channelConversationId(l.conversationId) === conversation && (!replyTo || l.activityId === replyTo),
    );
    if (!fromItsCard) {
      throw new AuthorizationError(
        `This card is not the approval card of request ${request.id}; decide on the card posted for it in the approvals channel.`,
      );
    }
    const check: ApproverCheck = {
      isApprover: await this.policy.isApprover(ctx.actor),
      allowSelfApproval: this.policy.allowSelfApproval,
    };
    if (check.isApprover) {
      await this.directory
        .remember(ctx.actor.aadObjectId, activity.from?.id ?? '')
        .catch((e: unknown) => this.deps.logger.warn({ err: e }, 'could not remember an approver'));
    }
    if (
      ctx.verb !== ApprovalVerb.refresh &&
      request.status === 'pending' &&
      request.pendingUntil &&
      new Date(request.pendingUntil).getTime() <= this.deps.now().getTime()
    ) {
      await this.expire(request.id);
      throw new ConflictError(`Request ${request.id} expired at ${request.pendingUntil}; ask for a new one.`);
    }
    return { request, check };
  }

  /** The card the clicking user sees: buttons when they may decide, status otherwise. */
  private async viewFor(
    request: IndicatorRequest,
    actor: Actor,
    check: ApproverCheck,
  ): Promise<ActionResult> {
    const barred = actor.aadObjectId === request.requester.aadObjectId && !check.allowSelfApproval;
    const card = this.deps.cards.render(
      'approval',
      approvalCardData(request, {
        approver: check.isApprover && !barred,
        deviceContacts: contactsOf(request),
        hint:
          check.isApprover && barred
            ? 'You requested this yourself, so another approver must decide.'
            : check.isApprover
              ? ''
              : 'You are not an approver of this bot, so you can only follow this request.',
        viewed: true,
      }),
    );
    return { kind: 'card', card: withRefresh(card, request, await this.refreshUserIds()) };
  }

  /** The status view everyone sees, with the refresh block that gives approvers their buttons. */
  private async everyoneCard(request: IndicatorRequest): Promise<AdaptiveCardJson> {
    const card = this.deps.cards.render(
      'approval',
      approvalCardData(request, { approver: false, deviceContacts: contactsOf(request) }),
    );
    return withRefresh(card, request, await this.refreshUserIds());
  }

  private async refreshUserIds(): Promise<string[]> {
    try {
      return await this.directory.refreshUserIds(this.deps.config.approval.approverUserIds);
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'could not read the approver directory');
      return [];
    }
  }

  /** Updates the request's approval cards (and, for decisions, the requester's card) with its latest state. */
  private sync(requestId: string, reviewCard: boolean): Promise<void> {
    const previous = this.syncChains.get(requestId) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => this.syncNow(requestId, reviewCard))
      .catch((e: unknown) => this.deps.logger.warn({ err: e, requestId }, 'could not update the cards'))
      .finally(() => {
        if (this.syncChains.get(requestId) === run) this.syncChains.delete(requestId);
      });
    this.syncChains.set(requestId, run);
    return run;
  }

  private async syncNow(requestId: string, reviewCard: boolean): Promise<void> {
    const request = await this.s.store.get(requestId);
    const locations = request.approvalCards ?? (request.approvalCard ? [request.approvalCard] : []);
    if (locations.length > 0) {
      const card = await this.everyoneCard(request);
      for (const l of locations) {
        await this.update(l, { type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
      }
    }
    if (reviewCard && request.reviewCard) {
      const card = this.deps.cards.attachment('requestStatus', statusCardData(request));
      await this.update(request.reviewCard, { type: 'message', attachments: [card] });
    }
  }

  private async update(location: CardLocation, activity: Partial<Activity>): Promise<void> {
    const reference = await this.referenceOf(location.conversationId);
    if (!reference) return;
    try {
      await this.deps.messenger.update(reference, location.activityId, activity);
    } catch (e) {
      this.deps.logger.warn({ err: e, conversationId: location.conversationId }, 'could not update a card');
    }
  }

  private async referenceOf(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    return (
      (await this.subscriptions.get('approvals', conversationId))?.reference ??
      (await this.deps.conversations.get(conversationId))?.reference
    );
  }

  /** A message to the requester in the conversation where they asked. */
  private async notifyRequester(request: IndicatorRequest, text: string): Promise<void> {
    const reference = (await this.deps.conversations.get(request.conversationId))?.reference;
    if (!reference) return;
    try {
      await this.deps.messenger.send(reference, { type: 'message', text });
    } catch (e) {
      this.deps.logger.warn({ err: e, requestId: request.id }, 'could not notify the requester');
    }
  }
}

function contactsOf(request: IndicatorRequest): ReadonlyMap<string, DeviceContactCount> {
  return new Map(Object.entries(request.deviceContacts ?? {}));
}

/** The values the approver left switched on, or undefined when the card had no toggles (approve all). */
export function selectedInputs(
  request: IndicatorRequest,
  data: Record<string, unknown>,
): string[] | undefined {
  const candidates = request.items.filter((i) => i.included && i.verdict !== 'error');
  if (!candidates.some((i) => includeInputId(i.input) in data)) return undefined;
  return candidates.filter((i) => data[includeInputId(i.input)] !== 'false').map((i) => i.input);
}

function action(
  verb: ApprovalVerb,
  handle: (ctx: CardActionContext<ApprovalInputs>) => Promise<ActionResult>,
): CardActionHandler<ApprovalInputs> {
  return { verb, schema: approvalInputs, handle };
}

const workflows = new WeakMap<FeatureDeps, ApprovalWorkflow>();

/** The approval workflow of an app (tests reach it through `app.featureDeps`). */
export function approvalWorkflow(deps: FeatureDeps): ApprovalWorkflow | undefined {
  return workflows.get(deps);
}

/** The feature factory. */
export function createApprovalsFeature(deps: FeatureDeps): Feature {
  const services = requestServices(deps);
  const workflow = new ApprovalWorkflow(deps, services);
  workflows.set(deps, workflow);
  services.approvalRouter = (r) => workflow.route(r);
  services.requiredApprovals = (fields) => workflow.requiredApprovals(fields);
  services.submissions.onChange((r) => workflow.onSubmissionChange(r));
  return {
    name: 'approvals',
    commands: [new PendingCommand(services.store, deps.now)],
    cardActions: [
      action(ApprovalVerb.approve, (ctx) => workflow.approve(ctx)),
      action(ApprovalVerb.reject, (ctx) => workflow.reject(ctx)),
      action(ApprovalVerb.retry, (ctx) => workflow.retry(ctx)),
      action(ApprovalVerb.refresh, (ctx) => workflow.refresh(ctx)),
    ],
    start: () => workflow.start(),
    stop: () => workflow.stop(),
  };
}
