/**
 * `/whoami`: the caller's name, Entra object id and tenant as the activity carries them, and their roles in the
 * bot (SPEC §3): analyst, approver (configured list or approver group), admin, and whether self-approval is on.
 */
import type { ApproverPolicy, ApproverSource } from '../../approvals/approverPolicy';
import { escapeMarkdown, type CardRenderer } from '../../cards/cardRenderer';
import { parseCommand } from '../../commands/commandParser';
import type { ApprovalMode } from '../../config';
import type { Actor, CommandContext, CommandHandler } from '../commandRouter';
import type { Reply } from '../replies';

/** The roles the bot knows. */
export const ROLES = { analyst: 'analyst', approver: 'approver', admin: 'admin' } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** Data of `cards/whoami.json`; every value is escaped for a TextBlock. */
export interface WhoamiCardData {
  readonly name: string;
  readonly objectId: string;
  readonly tenantId: string;
  readonly roles: string;
  readonly approverReason: string;
  readonly selfApproval: string;
  readonly notice: string;
  readonly explanation: string;
}

/** What `/whoami` found out about the caller. */
export interface WhoamiFacts {
  readonly actor: Actor;
  readonly roles: readonly Role[];
  readonly approverSource?: ApproverSource;
  readonly allowSelfApproval: boolean;
  readonly approvalMode: ApprovalMode;
}

export interface WhoamiCommandOptions {
  readonly cards: CardRenderer;
  readonly policy: ApproverPolicy;
  readonly allowedTenantIds: readonly string[];
  readonly approvalMode: ApprovalMode;
  readonly now?: () => Date;
}

const REASONS: Record<ApproverSource, string> = {
  userList: 'listed in APPROVER_USER_IDS',
  group: 'member of the approver group (APPROVER_GROUP_ID)',
};

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** An id as shown: hex groups and hyphens (a GUID) cannot form markdown, so they are shown as sent. */
function shownId(id: string): string {
  if (!id) return '(not sent)';
  return /^[0-9a-f]+(-[0-9a-f]+)*$/i.test(id) ? id : escapeMarkdown(id);
}

/** Builds the card data for what `/whoami` found; user-supplied text (the display name) is escaped. */
export function whoamiCardData(facts: WhoamiFacts): WhoamiCardData {
  const { actor, roles } = facts;
  const approver = roles.includes(ROLES.approver);
  const notices: string[] = [];
  if (!actor.aadObjectId) {
    notices.push('Your client did not send an Entra object id, so you cannot approve requests from here.');
  }
  if (!roles.includes(ROLES.analyst)) notices.push('Your tenant is not one this bot serves.');
  if (facts.approvalMode === 'none') {
    notices.push(
      'Approval is switched off (APPROVAL_MODE=none): requests go to Defender without a second person.',
    );
  }
  return {
    name: escapeMarkdown(actor.name || '(no name sent)'),
    objectId: shownId(actor.aadObjectId),
    tenantId: shownId(actor.tenantId),
    roles: roles.length > 0 ? roles.join(', ') : 'none',
    approverReason:
      approver && facts.approverSource ? escapeMarkdown(REASONS[facts.approverSource]) : 'not an approver',
    selfApproval: facts.allowSelfApproval
      ? 'allowed: an approver may approve their own requests'
      : 'not allowed: a second person approves every request',
    notice: notices.join(' '),
    explanation:
      'Analysts (everyone in an allowed tenant) request indicators. Approvers approve or reject requests. Admins connect channels with /subscribe.',
  };
}

/** The `/whoami` command. */
export class WhoamiCommand implements CommandHandler {
  readonly keywords = ['whoami'] as const;
  private readonly now: () => Date;

  constructor(private readonly options: WhoamiCommandOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Works out the caller's roles. */
  async facts(actor: Actor): Promise<WhoamiFacts> {
    const { policy } = this.options;
    const roles: Role[] = [];
    if (actor.tenantId && this.options.allowedTenantIds.some((t) => sameId(t, actor.tenantId))) {
      roles.push(ROLES.analyst);
    }
    const approverSource = await policy.approverSource(actor);
    if (approverSource) roles.push(ROLES.approver);
    if (policy.isAdmin(actor)) roles.push(ROLES.admin);
    return {
      actor,
      roles,
      approverSource,
      allowSelfApproval: policy.allowSelfApproval,
      approvalMode: this.options.approvalMode,
    };
  }

  /** @throws CommandParseError when arguments follow the keyword. */
  async handle(ctx: CommandContext): Promise<Reply> {
    parseCommand(ctx.text, this.now());
    const facts = await this.facts(ctx.actor);
    return { card: this.options.cards.attachment('whoami', whoamiCardData(facts)) };
  }
}
