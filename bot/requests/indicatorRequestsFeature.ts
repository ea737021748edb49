/**
 * Creating indicator requests in chat: `/block`, `/audit`, `/warn`, `/allow` and `/new` open the review card;
 * its Re-check, Submit and Cancel actions re-validate everything on the server, show errors beside the fields,
 * and freeze the card into a read-only status card once submitted.
 */
import { z } from 'zod';
import type { TurnContext } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { parseCommand } from '../commands/commandParser';
import { AuthorizationError } from '../errors';
import type { Feature, FeatureDeps } from '../feature';
import { PRODUCT_ACTIONS, SEVERITIES, type ProductAction, type Scope, type Severity } from '../indicators';
import type { IndicatorRequest, Person } from '../approvals/indicatorRequest';
import { applyEvent } from '../approvals/requestStateMachine';
import type { CardActionContext, CardActionHandler } from '../teams/cardActionRouter';
import type { Actor, CommandContext, CommandHandler } from '../teams/commandRouter';
import type { ActionResult, Reply } from '../teams/replies';
import type { BuiltRequest, RequestInput } from './requestBuilder';
import { RequestVerb, includeInputId, reviewCardData, statusCardData } from './requestCards';
import { requestServices, type RequestServices } from './requestServices';

/** The review card's data as Teams sends it back: the request id plus the card's inputs. */
const reviewInputs = z.looseObject({
  requestId: z.string().trim().min(1).max(40),
  values: z.string().max(200_000).optional(),
  action: z.string().optional(),
  title: z.string().max(10_000).optional(),
  description: z.string().max(20_000).optional(),
  severity: z.string().optional(),
  generateAlert: z.string().optional(),
  expiry: z.string().max(100).optional(),
  scope: z.string().optional(),
  groups: z.string().max(10_000).optional(),
});
type ReviewInputs = z.infer<typeof reviewInputs>;

function person(actor: Actor): Person {
  return { aadObjectId: actor.aadObjectId, name: actor.name };
}

/** The feature factory. */
export function createIndicatorRequestsFeature(deps: FeatureDeps): Feature {
  const services = requestServices(deps);
  const flow = new RequestFlow(deps, services);
  let timer: NodeJS.Timeout | undefined;
  services.submissions.onChange((r) => flow.refreshCards(r));
  services.openFromCommand = async (turn, actor, text) => {
    await flow.fromCommand({
      text,
      keyword: text.split(/\s+/)[0]?.replace(/^\//, '') ?? '',
      args: '',
      actor,
      turn,
    });
  };
  return {
    name: 'indicatorRequests',
    commands: [
      {
        keywords: ['block', 'audit', 'warn', 'allow'],
        handle: (ctx) => flow.fromCommand(ctx),
      } satisfies CommandHandler,
      { keywords: ['new'], handle: (ctx) => flow.newForm(ctx) } satisfies CommandHandler,
    ],
    cardActions: [
      action(RequestVerb.recheck, (ctx) => flow.recheck(ctx)),
      action(RequestVerb.submit, (ctx) => flow.submit(ctx)),
      action(RequestVerb.cancel, (ctx) => flow.cancel(ctx)),
    ],
    start: async () => {
      const reconcile = async (): Promise<void> => {
        const n = await services.submissions.reconcile();
        if (n > 0) deps.logger.warn({ count: n }, 'reconciled interrupted submissions');
      };
      await reconcile();
      timer = setInterval(() => void reconcile(), services.submissions.reconcileIntervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await services.submissions.idle();
    },
  };
}

function action(
  verb: string,
  handle: (ctx: CardActionContext<ReviewInputs>) => Promise<ActionResult>,
): CardActionHandler<ReviewInputs> {
  return { verb, schema: reviewInputs, handle };
}

class RequestFlow {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly s: RequestServices,
  ) {}

  async fromCommand(ctx: CommandContext): Promise<Reply | undefined> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    if (
      parsed.name !== 'block' &&
      parsed.name !== 'audit' &&
      parsed.name !== 'warn' &&
      parsed.name !== 'allow'
    ) {
      return undefined;
    }
    const input: RequestInput = {
      action: parsed.action,
      values: parsed.values,
      ...(parsed.typeHint ? { typeHint: parsed.typeHint } : {}),
      ...(parsed.title !== undefined ? { title: parsed.title } : {}),
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
      ...(parsed.severity ? { severity: parsed.severity } : {}),
      ...(parsed.expires !== undefined ? { expiry: parsed.expires } : {}),
      ...(parsed.scope ? { scope: parsed.scope } : {}),
      ...(parsed.noAlert ? { generateAlert: false } : {}),
    };
    return this.open(ctx, input, false);
  }

  async newForm(ctx: CommandContext): Promise<Reply | undefined> {
    return this.open(ctx, { action: 'block', values: [] }, true);
  }

  /** Creates the draft and posts its review card (sent here, so the card's message id can be recorded). */
  private async open(ctx: CommandContext, input: RequestInput, fresh: boolean): Promise<undefined> {
    const requester = person(ctx.actor);
    const built = await this.s.builder.build(input, requester);
    const conversationId = ctx.turn.activity.conversation?.id ?? '';
    const request = await this.s.createDraft(
      {
        kind: 'create',
        requester,
        tenantId: ctx.actor.tenantId,
        conversationId,
        fields: built.fields,
        items: built.items,
      },
      `${built.items.length} value(s), ${built.fields.action}`,
    );
    const errors = fresh ? {} : built.fieldErrors;
    const card = this.deps.cards.attachment('review', reviewCardData(request, errors, built.knownGroups));
    const sent = await ctx.turn.sendActivity({ type: 'message', attachments: [card] });
    if (sent?.id) {
      await this.s.store.update(request.id, (r) => ({
        ...r,
        reviewCard: { conversationId, activityId: sent.id },
      }));
    }
    return undefined;
  }

  async recheck(ctx: CardActionContext<ReviewInputs>): Promise<ActionResult> {
    const current = await this.ownDraft(ctx);
    if (current.status !== 'draft') return this.statusCard(current);
    const { request, built } = await this.rebuild(current, ctx.data);
    return this.reviewCard(request, built);
  }

  async submit(ctx: CardActionContext<ReviewInputs>): Promise<ActionResult> {
    const current = await this.ownDraft(ctx);
    if (current.status !== 'draft') return this.statusCard(current);
    const { request, built } = await this.rebuild(current, ctx.data);
    if (!built.submittable) return this.reviewCard(request, built);

    const submitted = await this.s.submitDraft(request.id, person(ctx.actor), ctx.turn.activity.replyToId);
    // APPROVAL_MODE=none: straight to Defender, off the invoke path (Teams waits only seconds for the answer).
    const hint = await this.s.handOn(submitted);
    const result = this.statusCard(submitted, hint);
    await this.replaceClickedCard(ctx.turn, result);
    return result;
  }

  async cancel(ctx: CardActionContext<ReviewInputs>): Promise<ActionResult> {
    const current = await this.ownDraft(ctx);
    if (current.status !== 'draft') return this.statusCard(current);
    const cancelled = await this.s.store.update(current.id, (r) =>
      applyEvent(r, { type: 'cancelDraft', by: person(ctx.actor) }, this.deps.now()),
    );
    await this.s.audit.append({
      requestId: cancelled.id,
      type: 'cancelled',
      actorId: ctx.actor.aadObjectId,
      actorName: ctx.actor.name,
    });
    return this.statusCard(cancelled);
  }

  /** Updates the requester's card when a submission moves the request on. */
  async refreshCards(request: IndicatorRequest): Promise<void> {
    const location = request.reviewCard;
    if (!location) return;
    const conversation = await this.deps.conversations.get(location.conversationId);
    if (!conversation) return;
    const card = this.deps.cards.attachment('requestStatus', statusCardData(request));
    await this.deps.messenger.update(conversation.reference, location.activityId, {
      type: 'message',
      attachments: [card],
    });
  }

  /** The request named by the card, which must be the clicking user's own. */
  private async ownDraft(ctx: CardActionContext<ReviewInputs>): Promise<IndicatorRequest> {
    const request = await this.s.store.get(ctx.data.requestId);
    if (request.requester.aadObjectId !== ctx.actor.aadObjectId) {
      throw new AuthorizationError(
        `Request ${request.id} belongs to ${request.requester.name}; only they can change it.`,
      );
    }
    return request;
  }

  /** Re-validates the draft with the card's inputs and saves it. */
  private async rebuild(
    current: IndicatorRequest,
    data: ReviewInputs,
  ): Promise<{ request: IndicatorRequest; built: BuiltRequest }> {
    const input = inputsFromCard(current, data);
    const built = await this.s.builder.build(input, current.requester);
    const request = await this.s.store.update(current.id, (r) => {
      if (r.status !== 'draft') return r;
      return {
        ...r,
        fields: built.fields,
        items: built.items,
        requiredApprovals: this.s.requiredApprovals(built.fields),
        updatedAt: this.deps.now().toISOString(),
      };
    });
    return { request, built };
  }

  private reviewCard(request: IndicatorRequest, built: BuiltRequest): ActionResult {
    return {
      kind: 'card',
      card: this.deps.cards.render('review', reviewCardData(request, built.fieldErrors, built.knownGroups)),
    };
  }

  private statusCard(request: IndicatorRequest, hint = ''): ActionResult {
    return { kind: 'card', card: this.deps.cards.render('requestStatus', statusCardData(request, hint)) };
  }

  /** Replaces the clicked card for everyone in the conversation, not only for the clicker. */
  private async replaceClickedCard(turn: TurnContext, result: ActionResult): Promise<void> {
    const id = turn.activity.replyToId;
    if (!id || result.kind !== 'card') return;
    try {
      await turn.updateActivity({
        id,
        type: 'message',
        attachments: [CardFactory.adaptiveCard(result.card)],
      });
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'could not update the review card for everyone');
    }
  }
}

/** Reads the card's inputs back into a request input; missing inputs keep the draft's values. */
export function inputsFromCard(current: IndicatorRequest, data: ReviewInputs): RequestInput {
  const f = current.fields;
  const raw = data as Record<string, unknown>;
  const values = data.values !== undefined ? data.values.split(/\r?\n/) : current.items.map((i) => i.input);
  const excluded = current.items.filter((i) => raw[includeInputId(i.input)] === 'false').map((i) => i.input);
  const action = PRODUCT_ACTIONS.includes(data.action as ProductAction)
    ? (data.action as ProductAction)
    : f.action;
  const severity = SEVERITIES.includes(data.severity as Severity) ? (data.severity as Severity) : f.severity;
  let scope: Scope = f.scope;
  if (data.scope === 'allDevices') scope = { kind: 'allDevices' };
  if (data.scope === 'groups') {
    scope = {
      kind: 'groups',
      groups: (data.groups ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    };
  }
  return {
    action,
    ...(f.typeHint ? { typeHint: f.typeHint } : {}),
    values,
    title: data.title ?? f.title,
    description: data.description ?? f.description,
    severity,
    generateAlert: data.generateAlert !== undefined ? data.generateAlert === 'true' : f.generateAlert,
    expiry: data.expiry ?? f.expiry,
    scope,
    excluded,
  };
}
