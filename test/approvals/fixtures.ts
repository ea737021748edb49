import type { IndicatorRequest, Person } from '../../bot/approvals/indicatorRequest';

export const ANALYST: Person = { aadObjectId: 'analyst-1', name: 'Ann Analyst' };
export const APPROVER: Person = { aadObjectId: 'approver-1', name: 'Abe Approver' };
export const APPROVER2: Person = { aadObjectId: 'approver-2', name: 'Bea Approver' };
export const T0 = new Date('2026-12-01T10:00:00Z');

/** A pending two-value block request by {@link ANALYST}. */
export function pendingRequest(overrides: Partial<IndicatorRequest> = {}): IndicatorRequest {
  const draft = (value: string) => ({
    indicatorType: 'DomainName' as const,
    indicatorValue: value,
    action: 'Block' as const,
    title: `Block ${value}`,
    description: 'Requested in Teams by Ann Analyst.',
    severity: 'Medium' as const,
    generateAlert: false,
    expirationTime: '2026-12-31T00:00:00Z',
    rbacGroupNames: [],
  });
  return {
    id: 'R-TEST0001',
    kind: 'create',
    status: 'pending',
    requester: ANALYST,
    tenantId: 'tenant-1',
    conversationId: 'a:personal-chat-1',
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    pendingUntil: new Date(T0.getTime() + 24 * 3600_000).toISOString(),
    fields: {
      action: 'block',
      title: '',
      description: '',
      severity: 'Medium',
      generateAlert: false,
      expiry: '30d',
      expirationTime: '2026-12-31T00:00:00Z',
      scope: { kind: 'allDevices' },
    },
    items: ['evil.example', 'bad.example'].map((v) => ({
      input: v,
      verdict: 'ok' as const,
      findings: [],
      effectiveness: [],
      notes: [],
      draft: draft(v),
      included: true,
    })),
    requiredApprovals: 1,
    decisions: [],
    submissionAttempts: 0,
    ...overrides,
  };
}
