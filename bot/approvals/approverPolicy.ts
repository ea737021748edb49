/**
 * Who may approve and who administers (SPEC §6, §8): approvers are the configured user ids or members of the
 * approver group in Entra (asked through Graph `checkMemberGroups`, answers cached briefly); admins are the
 * configured admin ids. Ids always come from the activity, never from card data.
 */
import type { Config } from '../config';
import type { GraphClient } from '../graph/graphClient';
import type { Logger } from '../logging';

/** How long a Graph membership answer is reused. */
export const APPROVER_CACHE_TTL_MS = 5 * 60 * 1000;
/** Entries kept at most; the oldest are dropped first. */
const MAX_CACHE_ENTRIES = 5000;

/** Who is asking (the subset of `Actor` the policy needs). */
export interface PolicySubject {
  readonly aadObjectId: string;
}

/** Why someone is an approver. */
export type ApproverSource = 'userList' | 'group';

/** Settings of {@link ApproverPolicy}: `config.approval` has this shape. */
export type ApproverPolicySettings = Pick<
  Config['approval'],
  'approverGroupId' | 'approverUserIds' | 'adminUserIds' | 'allowSelfApproval'
>;

export interface ApproverPolicyOptions {
  readonly settings: ApproverPolicySettings;
  readonly graph: Pick<GraphClient, 'checkMemberGroups'>;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly cacheTtlMs?: number;
}

interface CacheEntry {
  readonly member: boolean;
  readonly expiresAt: number;
}

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Decides approver and admin roles. */
export class ApproverPolicy {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly now: () => Date;
  private readonly ttlMs: number;

  constructor(private readonly options: ApproverPolicyOptions) {
    this.now = options.now ?? (() => new Date());
    this.ttlMs = options.cacheTtlMs ?? APPROVER_CACHE_TTL_MS;
  }

  /** Whether requesters may approve their own requests. */
  get allowSelfApproval(): boolean {
    return this.options.settings.allowSelfApproval;
  }

  /** Whether the user is a configured admin. */
  isAdmin(subject: PolicySubject): boolean {
    const id = subject.aadObjectId;
    return id !== '' && this.options.settings.adminUserIds.some((a) => sameId(a, id));
  }

  /**
   * Whether the user may approve requests.
   * @remarks Never throws: when Graph fails the answer is `false` (and a warning is logged), so a Graph outage
   * denies approval rather than granting it; failures are not cached.
   */
  async isApprover(subject: PolicySubject): Promise<boolean> {
    return (await this.approverSource(subject)) !== undefined;
  }

  /** Why the user is an approver, or `undefined` when they are not. */
  async approverSource(subject: PolicySubject): Promise<ApproverSource | undefined> {
    const id = subject.aadObjectId;
    if (id === '') return undefined;
    const { approverUserIds, approverGroupId } = this.options.settings;
    if (approverUserIds.some((a) => sameId(a, id))) return 'userList';
    if (approverGroupId && (await this.isGroupMember(id, approverGroupId))) return 'group';
    return undefined;
  }

  private async isGroupMember(userId: string, groupId: string): Promise<boolean> {
    const key = userId.toLowerCase();
    const nowMs = this.now().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > nowMs) return cached.member;
    if (cached) this.cache.delete(key);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup = this.askGraph(userId, groupId).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private async askGraph(userId: string, groupId: string): Promise<boolean> {
    try {
      const groups = await this.options.graph.checkMemberGroups(userId, [groupId]);
      const member = groups.some((g) => sameId(g, groupId));
      if (this.cache.size >= MAX_CACHE_ENTRIES) {
        const oldest = this.cache.keys().next();
        if (!oldest.done) this.cache.delete(oldest.value);
      }
      this.cache.set(userId.toLowerCase(), { member, expiresAt: this.now().getTime() + this.ttlMs });
      return member;
    } catch (error) {
      this.options.logger.warn(
        { err: error, userId, groupId },
        'approver group membership check failed; treating the user as not an approver',
      );
      return false;
    }
  }
}
