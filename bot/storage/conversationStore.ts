/**
 * Conversation references of every conversation the bot is in, kept so that it can post proactively (approval
 * cards, hit notifications, decision notices).
 */
import type { ConversationReference } from 'botbuilder';
import type { TableStore } from './tableStore';

/** A stored conversation reference with what we know of the conversation. */
export interface ConversationRecord {
  readonly reference: Partial<ConversationReference>;
  readonly conversationType: string;
  readonly tenantId: string;
  readonly teamId?: string;
  readonly channelName?: string;
  readonly updatedAt: string;
}

const PARTITION = 'conversation';

/** Saves and reads conversation references (one record per conversation id). */
export class ConversationStore {
  constructor(private readonly table: TableStore<ConversationRecord>) {}

  /** Saves or refreshes a conversation's reference. */
  async save(record: ConversationRecord): Promise<void> {
    const id = record.reference.conversation?.id;
    if (!id) return;
    await this.table.upsert(PARTITION, encodeKey(id), record);
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    return (await this.table.get(PARTITION, encodeKey(conversationId)))?.data;
  }

  async list(): Promise<ConversationRecord[]> {
    return (await this.table.list(PARTITION)).map((s) => s.data);
  }
}

/** Table keys may not contain `/ \ # ?` or control characters; conversation ids can (`19:…@thread.tacv2;messageid=…`). */
export function encodeKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}
