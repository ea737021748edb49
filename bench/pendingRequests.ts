/**
 * Realistic pending requests for the memory workload: three values each, with findings and effectiveness notes,
 * as the request builder stores them.
 */
import type { IndicatorRequest, RequestItem } from '../bot/approvals/indicatorRequest';
import { platformEffects } from '../bot/indicators/effectiveness';

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** The `i`-th pending request (ids `R-BENCH…`). */
export function pendingBenchRequest(i: number): IndicatorRequest {
  const created = new Date(T0 + i * 1000).toISOString();
  const item = (value: string): RequestItem => ({
    input: value.replace(/\./g, '[.]'),
    verdict: 'ok',
    findings: [],
    effectiveness: platformEffects('domain'),
    notes: [`Refanged from ${value.replace(/\./g, '[.]')}`],
    draft: {
      indicatorType: 'DomainName',
      indicatorValue: value,
      action: 'Block',
      title: `Block ${value}`,
      description: `Requested in Teams by Bench Analyst ${i % 17} for case INC-${100000 + i}.`,
      severity: 'Medium',
      generateAlert: false,
      expirationTime: '2026-12-31T00:00:00Z',
      rbacGroupNames: [],
    },
    included: true,
  });
  return {
    id: `R-BENCH${String(i).padStart(4, '0')}`,
    kind: 'create',
    status: 'pending',
    requester: { aadObjectId: `analyst-${i % 17}`, name: `Bench Analyst ${i % 17}` },
    tenantId: '00000000-0000-0000-0000-0000000000001',
    conversationId: `a:personal-chat-${i % 50}`,
    createdAt: created,
    updatedAt: created,
    pendingUntil: new Date(T0 + i * 1000 + 24 * 3600_000).toISOString(),
    fields: {
      action: 'block',
      title: '',
      description: `Phishing campaign ${i}`,
      severity: 'Medium',
      generateAlert: false,
      expiry: '30d',
      expirationTime: '2026-12-31T00:00:00Z',
      scope: { kind: 'allDevices' },
    },
    items: [`evil${i}.example.com`, `cdn${i}.evil.example.net`, `login-${i}.phish.example.org`].map(item),
    requiredApprovals: 1,
    decisions: [],
    approvalCard: { conversationId: '19:approvals@thread.tacv2', activityId: `1700000000${i}` },
    submissionAttempts: 0,
  };
}
