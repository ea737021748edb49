/**
 * Teams user ids (MRIs, `29:…`) of approvers, for `refresh.userIds` on approval cards: Teams refreshes a card
 * automatically only for the MRIs listed there (at most 60), while approvers are configured by Entra object id.
 * An approver's MRI is learned from any activity they send (a click, a manual "Refresh card", a message in a
 * stored conversation).
 */
import type { ConversationStore } from '../storage/conversationStore';
import type { TableStore } from '../storage/tableStore';

/** Teams refreshes a card automatically for at most this many users. */
export const MAX_REFRESH_USER_IDS = 60;

/** One approver seen in Teams. */
export interface KnownApprover {
  readonly aadObjectId: string;
  readonly teamsUserId: string;
  readonly seenAt: string;
}

const PARTITION = 'approver';

export class ApproverDirectory {
  constructor(
    private readonly table: TableStore<KnownApprover>,
    private readonly conversations: ConversationStore,
    private readonly now: () => Date,
  ) {}

  /** Records an approver's MRI (call only after the policy said they are an approver). */
  async remember(aadObjectId: string, teamsUserId: string): Promise<void> {
    if (!aadObjectId || !teamsUserId) return;
    const key = aadObjectId.toLowerCase();
    const known = await this.table.get(PARTITION, key);
    if (known?.data.teamsUserId === teamsUserId) return;
    await this.table.upsert(PARTITION, key, {
      aadObjectId: key,
      teamsUserId,
      seenAt: this.now().toISOString(),
    });
  }

  /**
   * MRIs for `refresh.userIds`: approvers seen before, plus configured approvers found in stored conversation
   * references; at most {@link MAX_REFRESH_USER_IDS}, most recently seen first.
   */
  async refreshUserIds(configuredApproverIds: readonly string[]): Promise<string[]> {
    const seen = (await this.table.list(PARTITION))
      .map((s) => s.data)
      .sort((a, b) => b.seenAt.localeCompare(a.seenAt))
      .map((k) => k.teamsUserId);
    const configured = new Set(configuredApproverIds.map((id) => id.toLowerCase()));
    const fromConversations =
      configured.size === 0
        ? []
        : (await this.conversations.list())
            .map((c) => c.reference.user)
            .filter((u) => u?.id && u.aadObjectId && configured.has(u.aadObjectId.toLowerCase()))
            .map((u) => u?.id ?? '');
    return [...new Set([...seen, ...fromConversations])].filter(Boolean).slice(0, MAX_REFRESH_USER_IDS);
  }
}
