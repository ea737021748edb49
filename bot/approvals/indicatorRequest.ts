/**
 * An indicator request: what an analyst asked for, its per-value verdicts, its decisions, and where it stands in
 * the approval life cycle of SPEC §6. Pure data; the state machine is in `requestStateMachine.ts`.
 */
import type {
  Finding,
  IndicatorDraft,
  IndicatorType,
  PlatformEffect,
  ProductAction,
  Scope,
  Severity,
  Verdict,
} from '../indicators';

/** Life-cycle states (SPEC §6), plus `draft` (the review card before Submit) and `cancelled`. */
export const REQUEST_STATUSES = [
  'draft',
  'pending',
  'approved',
  'submitting',
  'submitted',
  'failed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** States no event leaves. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['submitted', 'rejected', 'expired', 'cancelled'];

/** What the request does in Defender. */
export type RequestKind = 'create' | 'remove' | 'extend';

/** A person, identified by their Entra object id (always from the activity). */
export interface Person {
  readonly aadObjectId: string;
  readonly name: string;
}

/** One value of a request with its verdict and, once submitted, its Defender id. */
export interface RequestItem {
  /** What the analyst typed. */
  readonly input: string;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly effectiveness: readonly PlatformEffect[];
  readonly notes: readonly string[];
  /** What will be submitted; absent for values in error. */
  readonly draft?: IndicatorDraft;
  /** False when the analyst dropped the row, or when an approver left it out of a partial approval. */
  readonly included: boolean;
  /** For removal and extend requests: the Defender indicator concerned. */
  readonly targetId?: string;
  /** Set once Defender has the indicator. */
  readonly defenderId?: string;
  /** Defender's error for this value, when its submission failed. */
  readonly error?: string;
}

/** The form's fields common to every value. */
export interface RequestFields {
  readonly action: ProductAction;
  /** The type the analyst named (`/block url …`); without it each value's type is inferred. */
  readonly typeHint?: IndicatorType;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly generateAlert: boolean;
  /** As typed (`30d`, `2026-12-31`, `never`). */
  readonly expiry: string;
  /** Resolved `YYYY-MM-DDTHH:MM:SSZ`, or null for never. */
  readonly expirationTime: string | null;
  readonly scope: Scope;
  readonly recommendedActions?: string;
}

/** An approver's decision. */
export interface Decision {
  readonly by: Person;
  readonly at: string;
  readonly decision: 'approve' | 'reject';
  readonly reason?: string;
}

/** Where a card of the request is shown, so it can be updated for everyone. */
export interface CardLocation {
  readonly conversationId: string;
  readonly activityId: string;
}

/** The persisted request. */
export interface IndicatorRequest {
  readonly id: string;
  readonly kind: RequestKind;
  readonly status: RequestStatus;
  readonly requester: Person;
  readonly tenantId: string;
  /** Conversation the request was made in (its requester is notified there). */
  readonly conversationId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When a pending request expires. */
  readonly pendingUntil?: string;
  readonly fields: RequestFields;
  readonly items: readonly RequestItem[];
  readonly requiredApprovals: number;
  readonly decisions: readonly Decision[];
  /** The review card (in the requester's conversation) and the approval card (in the approvals channel). */
  readonly reviewCard?: CardLocation;
  readonly approvalCard?: CardLocation;
  /** Every approval card of the request (one per approvals channel); `approvalCard` is the first. */
  readonly approvalCards?: readonly CardLocation[];
  /** Devices that contacted each value in the 7 days before the approval card was posted, by indicator value. */
  readonly deviceContacts?: Readonly<Record<string, number | 'unknown' | 'notApplicable'>>;
  readonly submissionAttempts: number;
  /** When and by which bot instance the current submission was claimed (`submitting`). */
  readonly claimedAt?: string;
  readonly claimedBy?: string;
  readonly lastError?: string;
  readonly submittedAt?: string;
}

/** Values of the request that will go to Defender (included, not in error). */
export function includedItems(request: IndicatorRequest): RequestItem[] {
  return request.items.filter((i) => i.included && i.verdict !== 'error' && (i.draft || i.targetId));
}

/** Short, readable request ids: `R-` and 8 characters from an alphabet without look-alikes. */
export function newRequestId(random: () => number = Math.random): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  let id = '';
  for (let i = 0; i < 8; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return `R-${id}`;
}
