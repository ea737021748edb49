/**
 * The Teams edge: a thin `TeamsActivityHandler` that stores conversation references, routes messages to the
 * command router and card actions to the card-action router, and turns errors into replies in one place.
 */
import { randomUUID } from 'node:crypto';
import {
  TeamsActivityHandler,
  TurnContext,
  teamsGetTenant,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationState,
} from 'botbuilder';
import type { Logger } from '../logging';
import type { ConversationStore } from '../storage/conversationStore';
import type { CardActionRouter } from './cardActionRouter';
import type { Actor, CommandRouter } from './commandRouter';
import { errorInvokeResponse, errorText, toActivity, toInvokeResponse } from './replies';

/** What the bot needs; built by the composition root. */
export interface IocBotDeps {
  readonly commands: CommandRouter;
  readonly cardActions: CardActionRouter;
  readonly conversations: ConversationStore;
  readonly conversationState: ConversationState;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The bot's activity handler. */
export class IocBot extends TeamsActivityHandler {
  private readonly now: () => Date;

  constructor(private readonly deps: IocBotDeps) {
    super();
    this.now = deps.now ?? (() => new Date());

    this.onMessage(async (context, next) => {
      await this.rememberConversation(context);
      const value: unknown = context.activity.value;
      if (!context.activity.text && isRecord(value) && typeof value.verb === 'string') {
        await this.handleSubmit(context, value.verb, value);
      } else {
        await this.handleCommand(context);
      }
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        await this.rememberConversation(context);
        await context.sendActivity(
          'Hello! I turn your requests into Microsoft Defender indicators. Type **help** to see what I can do.',
        );
      }
      await next();
    });
  }

  /** Runs the turn, then saves botbuilder state changes durably. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const correlationId = randomUUID();
    try {
      const action = invokeValue.action;
      const result = await this.deps.cardActions.route(
        context,
        actorOf(context),
        action?.verb ?? '',
        action?.data,
      );
      return toInvokeResponse(result);
    } catch (error) {
      this.logFailure(error, correlationId, context, 'card action failed');
      return errorInvokeResponse(error, correlationId);
    }
  }

  private async handleCommand(context: TurnContext): Promise<void> {
    const correlationId = randomUUID();
    try {
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const reply = await this.deps.commands.route(context, actorOf(context), text);
      if (reply !== undefined) await context.sendActivity(toActivity(reply));
    } catch (error) {
      this.logFailure(error, correlationId, context, 'command failed');
      await context.sendActivity(errorText(error, correlationId));
    }
  }

  /** `Action.Submit` fallback: the card's data arrives as the message value. */
  private async handleSubmit(
    context: TurnContext,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const correlationId = randomUUID();
    try {
      const result = await this.deps.cardActions.route(context, actorOf(context), verb, data);
      if (result.kind === 'card') {
        await context.sendActivity({
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result.card }],
        });
      } else {
        await context.sendActivity(result.text);
      }
    } catch (error) {
      this.logFailure(error, correlationId, context, 'card submit failed');
      await context.sendActivity(errorText(error, correlationId));
    }
  }

  private async rememberConversation(context: TurnContext): Promise<void> {
    const a = context.activity;
    const channelData = (a.channelData ?? {}) as { team?: { id?: string }; channel?: { name?: string } };
    await this.deps.conversations.save({
      reference: TurnContext.getConversationReference(a),
      conversationType: a.conversation?.conversationType ?? 'personal',
      tenantId: tenantOf(context),
      teamId: channelData.team?.id,
      channelName: channelData.channel?.name,
      updatedAt: this.now().toISOString(),
    });
  }

  private logFailure(error: unknown, correlationId: string, context: TurnContext, msg: string): void {
    const known = error instanceof Error && 'code' in error;
    const log = { correlationId, activityId: context.activity.id, err: error };
    if (known) this.deps.logger.warn(log, msg);
    else this.deps.logger.error(log, msg);
  }
}

/** The tenant of an activity: `channelData.tenant.id`, else `conversation.tenantId`. */
export function tenantOf(context: TurnContext): string {
  return teamsGetTenant(context.activity)?.id ?? context.activity.conversation?.tenantId ?? '';
}

/** The acting user, from the activity only. */
export function actorOf(context: TurnContext): Actor {
  const from = context.activity.from ?? { id: '', name: '' };
  return { aadObjectId: from.aadObjectId ?? '', name: from.name ?? '', tenantId: tenantOf(context) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
