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

/** An unchanged reference is written again at most this often (it is saved on every message otherwise). */
export const REFERENCE_REFRESH_MS = 6 * 3_600_000;

/** Saves and reads conversation references (one record per conversation id). */
export class ConversationStore {
  /** What this process last wrote per conversation, so an unchanged reference costs no storage call. */
  private readonly written = new Map<string, { key: string; at: number }>();

  constructor(
    private readonly table: TableStore<ConversationRecord>,
    private readonly maxCached = 10_000,
  ) {}

  /** Saves or refreshes a conversation's reference; skips the write when nothing changed recently. */
  async save(record: ConversationRecord): Promise<void> {
    const id = record.reference.conversation?.id;
    if (!id) return;
    const { updatedAt, ...rest } = record;
    const key = JSON.stringify(rest);
    const at = Date.parse(updatedAt) || Date.now();
    const last = this.written.get(id);
    if (last && last.key === key && at - last.at < REFERENCE_REFRESH_MS) return;
    await this.table.upsert(PARTITION, encodeKey(id), record);
    if (this.written.size >= this.maxCached) this.written.clear();
    this.written.set(id, { key, at });
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
