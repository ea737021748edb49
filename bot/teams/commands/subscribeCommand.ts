/**
 * `/subscribe approvals` and `/subscribe hits [--actions …] [--platforms …|all] [--groups …]`: connects the
 * channel it is typed in (admins only, channels only).
 */
import { TurnContext, type ConversationReference } from 'botbuilder';
import { parseCommand, type HitFilters, type HitPlatform } from '../../commands/commandParser';
import { AuthorizationError, ValidationError } from '../../errors';
import type { ApiAction } from '../../indicators/types';
import {
  channelConversationId,
  type Subscription,
  type SubscriptionKind,
  type SubscriptionStore,
} from '../../notifications/subscriptionStore';
import type { CommandContext, CommandHandler } from '../commandRouter';

/** Defaults of a hit subscription without filters (SPEC §7). */
export const DEFAULT_HIT_ACTIONS: readonly ApiAction[] = ['Audit', 'Block'];
export const DEFAULT_HIT_PLATFORMS: readonly HitPlatform[] = ['iOS', 'Android'];
const ALL_PLATFORMS = 'ios,android,windows,macos,linux';

/** What the subscribe and unsubscribe commands need. */
export interface SubscriptionCommandDeps {
  readonly store: SubscriptionStore;
  /** Entra object ids of the admins (`config.approval.adminUserIds`). */
  readonly adminUserIds: readonly string[];
  readonly now: () => Date;
}

/** The channel a command was typed in, or a refusal for personal and group chats. */
export interface ChannelTarget {
  readonly conversationId: string;
  readonly reference: Partial<ConversationReference>;
  readonly channelName?: string;
  readonly teamId?: string;
}

/**
 * Checks that a subscription command comes from an admin in a channel.
 * @throws ValidationError outside a channel; AuthorizationError for a non-admin.
 */
export function requireAdminInChannel(
  ctx: CommandContext,
  adminUserIds: readonly string[],
  verb: string,
): ChannelTarget {
  const activity = ctx.turn.activity;
  if (activity.conversation?.conversationType !== 'channel') {
    throw new ValidationError(
      `Subscriptions connect a channel: @mention me in the Teams channel you want to ${verb}, and type the command there. This is a ${activity.conversation?.conversationType === 'groupChat' ? 'group chat' : 'personal chat'}.`,
    );
  }
  const caller = ctx.actor.aadObjectId.toLowerCase();
  // Object ids are GUIDs: compared case-insensitively, as everywhere else.
  if (!caller || !adminUserIds.some((id) => id.toLowerCase() === caller)) {
    throw new AuthorizationError(
      `Only the bot's admins can ${verb} a channel. Ask an admin (ADMIN_USER_IDS) to run the command here.`,
    );
  }
  const channelData = (activity.channelData ?? {}) as {
    team?: { id?: string };
    channel?: { id?: string; name?: string };
  };
  const conversationId = channelConversationId(channelData.channel?.id ?? activity.conversation.id);
  const full = TurnContext.getConversationReference(activity);
  // Posting to the bare channel id starts a new thread (reference teams-platform §1.5).
  const reference: Partial<ConversationReference> = {
    ...full,
    activityId: undefined,
    conversation: { ...activity.conversation, id: conversationId },
  };
  return {
    conversationId,
    reference,
    ...(channelData.channel?.name ? { channelName: channelData.channel.name } : {}),
    ...(channelData.team?.id ? { teamId: channelData.team.id } : {}),
  };
}

/** A sentence describing a hit subscription's filters. */
export function describeHitFilters(filters: HitFilters | undefined): string {
  const actions = filters?.actions?.length ? filters.actions : DEFAULT_HIT_ACTIONS;
  const platforms = filters?.platforms?.length ? filters.platforms : DEFAULT_HIT_PLATFORMS;
  const groups = filters?.groups?.length ? `device groups ${filters.groups.join(', ')}` : 'all device groups';
  return `${actions.join(' and ')} hits on ${platforms.join(', ')} (${groups})`;
}

/** `/subscribe`. */
export class SubscribeCommand implements CommandHandler {
  readonly keywords = ['subscribe'] as const;

  constructor(private readonly deps: SubscriptionCommandDeps) {}

  async handle(ctx: CommandContext): Promise<string> {
    // `--platforms all` is this command's shorthand; the shared grammar knows only platform names.
    const text = ctx.text.replace(/--platforms(=|\s+)["']?all["']?(?=\s|$)/i, `--platforms ${ALL_PLATFORMS}`);
    const parsed = parseCommand(text, this.deps.now());
    if (parsed.name !== 'subscribe')
      throw new ValidationError('Type /subscribe approvals or /subscribe hits.');
    const target = requireAdminInChannel(ctx, this.deps.adminUserIds, 'subscribe');
    const kind: SubscriptionKind = parsed.kind;
    const existed = (await this.deps.store.get(kind, target.conversationId)) !== undefined;
    const sub: Subscription = {
      kind,
      conversationId: target.conversationId,
      reference: target.reference,
      ...(target.channelName ? { channelName: target.channelName } : {}),
      ...(target.teamId ? { teamId: target.teamId } : {}),
      ...(parsed.kind === 'hits' ? { filters: parsed.filters } : {}),
      createdBy: { aadObjectId: ctx.actor.aadObjectId, name: ctx.actor.name },
      createdAt: this.deps.now().toISOString(),
    };
    await this.deps.store.add(sub);
    const channel = target.channelName ? `#${target.channelName}` : 'This channel';
    const verb = existed ? 'now receives (subscription updated)' : 'now receives';
    if (parsed.kind === 'approvals') {
      return `${channel} ${verb} approval requests. Type /unsubscribe approvals here to stop.`;
    }
    return `${channel} ${verb} hit notifications: ${describeHitFilters(parsed.filters)}. Type /unsubscribe hits here to stop.`;
  }
}
