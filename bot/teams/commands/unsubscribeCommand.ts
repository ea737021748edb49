/**
 * `/unsubscribe [approvals|hits]`: disconnects the channel it is typed in (admins only, channels only); without
 * a kind, both.
 */
import { parseCommand } from '../../commands/commandParser';
import { ValidationError } from '../../errors';
import type { SubscriptionKind } from '../../notifications/subscriptionStore';
import type { CommandContext, CommandHandler } from '../commandRouter';
import { requireAdminInChannel, type SubscriptionCommandDeps } from './subscribeCommand';

const LABEL: Record<SubscriptionKind, string> = { approvals: 'approval requests', hits: 'hit notifications' };

/** `/unsubscribe`. */
export class UnsubscribeCommand implements CommandHandler {
  readonly keywords = ['unsubscribe'] as const;

  constructor(private readonly deps: SubscriptionCommandDeps) {}

  async handle(ctx: CommandContext): Promise<string> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    if (parsed.name !== 'unsubscribe')
      throw new ValidationError('Type /unsubscribe approvals or /unsubscribe hits.');
    const target = requireAdminInChannel(ctx, this.deps.adminUserIds, 'unsubscribe');
    const kinds: SubscriptionKind[] = parsed.kind ? [parsed.kind] : ['approvals', 'hits'];
    const removed: SubscriptionKind[] = [];
    for (const kind of kinds) {
      if (await this.deps.store.remove(kind, target.conversationId)) removed.push(kind);
    }
    if (removed.length === 0) {
      return `This channel was not subscribed to ${kinds.map((k) => LABEL[k]).join(' or ')}; nothing changed.`;
    }
    return `This channel no longer receives ${removed.map((k) => LABEL[k]).join(' or ')}.`;
  }
}
