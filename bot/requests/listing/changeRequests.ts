/**
 * Removal and extension requests: a request of kind `remove` or `extend` whose items name the Defender indicator
 * (`targetId`) and carry its draft (as it is, or with the new expiration time). They are submitted at once and
 * handed on exactly like a create request after Submit: straight to Defender when no approval is required,
 * otherwise to the approval workflow. The requester sees the read-only status card, which the submission service
 * keeps up to date.
 */
import type { TurnContext } from 'botbuilder';
import type { DefenderIndicator } from '../../defender/defenderClient';
import { ConflictError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import type { Scope } from '../../indicators';
import {
  FINAL_STATUSES,
  type IndicatorRequest,
  type Person,
  type RequestFields,
  type RequestItem,
} from '../../approvals/indicatorRequest';
import type { Actor } from '../../teams/commandRouter';
import { statusCardData } from '../requestCards';
import type { RequestServices } from '../requestServices';
import { draftOfIndicator, expiryLabel, productActionOf } from './indicatorViews';

/** What a change asks for. */
export type Change =
  { readonly kind: 'remove' } | { readonly kind: 'extend'; readonly expirationTime: string };

export class ChangeRequests {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly s: RequestServices,
  ) {}

  /**
   * Creates the request, submits it, posts its status card into the turn's conversation and hands it on.
   * @throws ConflictError when an open request already asks for the same change of one of these indicators.
   * @throws ValidationError when an indicator cannot be re-submitted (retired action).
   */
  async request(
    turn: TurnContext,
    actor: Actor,
    indicators: readonly DefenderIndicator[],
    change: Change,
  ): Promise<IndicatorRequest> {
    await this.refuseDuplicates(indicators, change.kind);
    const requester: Person = { aadObjectId: actor.aadObjectId, name: actor.name };
    const first = indicators[0];
    if (!first) throw new ConflictError('There is no indicator to change.');
    const items: RequestItem[] = indicators.map((i) => ({
      input: `id ${i.id}: ${i.indicatorValue}`,
      verdict: 'ok',
      findings: [],
      effectiveness: [],
      notes: [],
      draft: draftOfIndicator(
        i,
        change.kind === 'extend' ? change.expirationTime : (i.expirationTime ?? null),
      ),
      included: true,
      targetId: i.id,
    }));
    const groups = [...(first.rbacGroupNames ?? [])];
    const scope: Scope = groups.length > 0 ? { kind: 'groups', groups } : { kind: 'allDevices' };
    const what =
      change.kind === 'remove'
        ? `Remove ${indicators.length} indicator(s) on ${first.indicatorValue}`
        : `Extend ${first.indicatorValue} to ${expiryLabel(change.expirationTime)}`;
    const fields: RequestFields = {
      action: productActionOf(first.action),
      title: what.slice(0, 250),
      description: first.description ?? '',
      severity: first.severity ?? 'Informational',
      generateAlert: first.generateAlert ?? false,
      expiry: change.kind === 'extend' ? change.expirationTime : '',
      expirationTime: change.kind === 'extend' ? change.expirationTime : (first.expirationTime ?? null),
      scope,
    };
    const conversationId = turn.activity.conversation?.id ?? '';
    const draft = await this.s.createDraft(
      { kind: change.kind, requester, tenantId: actor.tenantId, conversationId, fields, items },
      `${what} (ids ${indicators.map((i) => i.id).join(', ')})`,
      indicators.map((i) => i.id),
    );
    const submitted = await this.s.submitDraft(draft.id, requester);
    if (submitted.status === 'approved') {
      // The card goes first, so the submission's updates find it.
      await this.postStatusCard(turn, submitted, '');
      await this.s.handOn(submitted);
    } else {
      await this.postStatusCard(turn, submitted, await this.s.handOn(submitted));
    }
    return this.s.store.get(submitted.id);
  }

  private async postStatusCard(turn: TurnContext, request: IndicatorRequest, hint: string): Promise<void> {
    const card = this.deps.cards.attachment('requestStatus', statusCardData(request, hint));
    const sent = await turn.sendActivity({ type: 'message', attachments: [card] });
    if (sent?.id) {
      const location = { conversationId: request.conversationId, activityId: sent.id };
      await this.s.store.update(request.id, (r) => ({ ...r, reviewCard: location }));
    }
  }

  /** One open request per change of an indicator: a second click answers with the first request. */
  private async refuseDuplicates(
    indicators: readonly DefenderIndicator[],
    kind: Change['kind'],
  ): Promise<void> {
    const ids = new Set(indicators.map((i) => i.id));
    const open = (await this.s.store.list()).filter(
      (r) => r.kind === kind && !FINAL_STATUSES.includes(r.status) && r.status !== 'failed',
    );
    const same = open.find((r) => r.items.some((i) => i.targetId && ids.has(i.targetId)));
    if (same) {
      const verb = kind === 'remove' ? 'remove' : 'extend';
      throw new ConflictError(
        `Request ${same.id} already asks to ${verb} this indicator (${same.status}); wait for it to finish.`,
      );
    }
  }
}
