/**
 * Channel subscriptions: which channels receive approval requests (`/subscribe approvals`) and which receive hit
 * notifications (`/subscribe hits …`, with filters). Shared by the approvals and hit-notification features.
 */
import type { ConversationReference } from 'botbuilder';
import type { HitFilters } from '../commands/commandParser';
import { encodeKey } from '../storage/conversationStore';
import type { TableStore } from '../storage/tableStore';

/** What a channel subscribes to. */
export type SubscriptionKind = 'approvals' | 'hits';

/** One channel's subscription of one kind. */
export interface Subscription {
  readonly kind: SubscriptionKind;
  /** The channel's conversation id (without a `;messageid=` thread suffix). */
  readonly conversationId: string;
  /** Where to post: a reference whose `conversation.id` is the channel id, so each post starts a new thread. */
  readonly reference: Partial<ConversationReference>;
  readonly channelName?: string;
  readonly teamId?: string;
  /** Hit filters (hits only); absent fields mean the defaults (Audit and Block, iOS and Android, all groups). */
  readonly filters?: HitFilters;
  readonly createdBy: { readonly aadObjectId: string; readonly name: string };
  /** ISO 8601. */
  readonly createdAt: string;
}

/** Stores subscriptions: partition = kind, row = the encoded conversation id (one per channel and kind). */
export class SubscriptionStore {
  constructor(private readonly table: TableStore<Subscription>) {}

  /** Adds or replaces the subscription of this kind for this channel. */
  async add(sub: Subscription): Promise<void> {
    await this.table.upsert(sub.kind, encodeKey(sub.conversationId), sub);
  }

  /** Removes a channel's subscription; `false` when there was none. */
  async remove(kind: SubscriptionKind, conversationId: string): Promise<boolean> {
    const key = encodeKey(conversationId);
    if (!(await this.table.get(kind, key))) return false;
    await this.table.delete(kind, key);
    return true;
  }

  /** Every subscription of a kind. */
  async list(kind: SubscriptionKind): Promise<Subscription[]> {
    return (await this.table.list(kind)).map((s) => s.data);
  }

  /** One channel's subscription of a kind. */
  async get(kind: SubscriptionKind, conversationId: string): Promise<Subscription | undefined> {
    return (await this.table.get(kind, encodeKey(conversationId)))?.data;
  }
}

/** The channel id of a conversation id: a channel thread's id carries `;messageid=<root>` after it. */
export function channelConversationId(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/** Name of the table of subscriptions (both kinds), for `deps.tables(...)`. */
export const SUBSCRIPTIONS_TABLE = 'subscriptions';
