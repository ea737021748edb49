import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'mocha';
import { AuditLog, type AuditEntry } from '../../bot/approvals/auditLog';
import type { IndicatorRequest, RequestItem } from '../../bot/approvals/indicatorRequest';
import { RequestStore } from '../../bot/approvals/requestStore';
import type { DefenderIndicator } from '../../bot/defender/defenderClient';
import { UpstreamError } from '../../bot/errors';
import { silentLogger } from '../../bot/logging';
import { draftOfIndicator } from '../../bot/requests/listing/indicatorViews';
import { SubmissionService } from '../../bot/requests/submissionService';
import { pendingRequest, T0 } from '../approvals/fixtures';
import { FakeDefenderClient } from '../defender/fakeDefenderClient';
import { FakeTableStore } from '../support/fakeTableStore';

const now = (): Date => T0;

function item(i: DefenderIndicator, expirationTime: string | null): RequestItem {
  return {
    input: `id ${i.id}: ${i.indicatorValue}`,
    verdict: 'ok',
    findings: [],
    effectiveness: [],
    notes: [],
    draft: draftOfIndicator(i, expirationTime),
    included: true,
    targetId: i.id,
  };
}

describe('submission service: removal and extension requests', () => {
  let defender: FakeDefenderClient;
  let store: RequestStore;
  let audit: AuditLog;
  let service: SubmissionService;
  let existing: DefenderIndicator;

  beforeEach(async () => {
    defender = new FakeDefenderClient([], now);
    store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    audit = new AuditLog(new FakeTableStore<AuditEntry>(), now);
    service = new SubmissionService(store, audit, defender, silentLogger(), now);
    existing = await defender.submit({
      indicatorType: 'DomainName',
      indicatorValue: 'old.example.com',
      action: 'Block',
      title: 'Old campaign',
      description: 'Seen in phishing',
      severity: 'High',
      generateAlert: true,
      expirationTime: new Date('2026-12-05T00:00:00Z'),
    });
  });

  async function approved(kind: 'remove' | 'extend', items: RequestItem[]): Promise<IndicatorRequest> {
    return store.create(pendingRequest({ id: `R-${kind.toUpperCase()}1`, kind, status: 'approved', items }));
  }

  it('deletes the target indicator of an approved removal and records it as removed', async () => {
    const request = await approved('remove', [item(existing, existing.expirationTime ?? null)]);
    const ended = await service.submit(request.id);
    assert.equal(ended?.status, 'submitted');
    assert.equal(defender.all().length, 0);
    const entries = await audit.forRequest(request.id);
    assert.deepEqual(entries.find((e) => e.type === 'removed')?.defenderIds, [existing.id]);
  });

  it('counts an indicator that is already gone as removed', async () => {
    const request = await approved('remove', [item(existing, null)]);
    await defender.delete(existing.id);
    const ended = await service.submit(request.id);
    assert.equal(ended?.status, 'submitted');
  });

  it('fails a removal that Defender refuses and keeps its reason on the value', async () => {
    const request = await approved('remove', [item(existing, null)]);
    defender.failNext(new UpstreamError('Forbidden for this device group', 'defender', 403));
    const ended = await service.submit(request.id);
    assert.equal(ended?.status, 'failed');
    assert.match(ended?.items[0]?.error ?? '', /Forbidden/);
    assert.equal(defender.all().length, 1);
  });

  it('re-submits an extended indicator with the new expiration time and the rest unchanged', async () => {
    const request = await approved('extend', [item(existing, '2027-01-31T00:00:00Z')]);
    const ended = await service.submit(request.id);
    assert.equal(ended?.status, 'submitted');
    const after = defender.all();
    assert.equal(after.length, 1);
    assert.equal(after[0]?.expirationTime?.slice(0, 19), '2027-01-31T00:00:00');
    assert.equal(after[0]?.title, 'Old campaign');
    assert.equal(after[0]?.severity, 'High');
    assert.equal(ended?.items[0]?.defenderId, after[0]?.id);
  });

  it('runs an interrupted extension again instead of taking the existing indicator as done', async () => {
    const request = await approved('extend', [item(existing, '2027-01-31T00:00:00Z')]);
    await store.update(request.id, (r) => ({ ...r, status: 'submitting' }));
    await service.reconcile();
    await service.idle();
    assert.equal(defender.all()[0]?.expirationTime?.slice(0, 10), '2027-01-31');
    assert.ok(!defender.calls.some((c) => c.method === 'listAll'), 'the extension was looked up by value');
  });
});
