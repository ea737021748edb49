import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { AuditLog, type AuditEntry } from '../../bot/approvals/auditLog';
import type { IndicatorRequest } from '../../bot/approvals/indicatorRequest';
import { RequestStore } from '../../bot/approvals/requestStore';
import { silentLogger } from '../../bot/logging';
import { SubmissionService } from '../../bot/requests/submissionService';
import { pendingRequest } from '../approvals/fixtures';
import { FakeDefenderClient } from '../defender/fakeDefenderClient';
import { FakeTableStore } from '../support/fakeTableStore';

const NOW = new Date('2026-12-01T12:00:00Z');

function setup(claimedAgoSeconds: number, claimedBy = 'other-instance') {
  const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
  const defender = new FakeDefenderClient();
  const service = new SubmissionService(
    store,
    new AuditLog(new FakeTableStore<AuditEntry>(), () => NOW),
    defender,
    silentLogger(),
    () => NOW,
    { instanceId: 'this-instance', staleSeconds: 300 },
  );
  const request = pendingRequest({
    status: 'submitting',
    submissionAttempts: 1,
    claimedBy,
    claimedAt: new Date(NOW.getTime() - claimedAgoSeconds * 1000).toISOString(),
  });
  return { store, defender, service, request };
}

describe('submission recovery', () => {
  it('leaves a live claim of another instance alone', async () => {
    const { store, defender, service, request } = setup(60);
    await store.create(request);
    assert.equal(await service.reconcile(), 0);
    await service.idle();
    assert.equal((await store.get(request.id)).status, 'submitting');
    assert.equal(defender.calls.filter((c) => c.method === 'submit').length, 0);
  });

  it('takes over a stale claim and submits what Defender does not have', async () => {
    const { store, defender, service, request } = setup(301);
    await store.create(request);
    assert.equal(await service.reconcile(), 1);
    await service.idle();
    const ended = await store.get(request.id);
    assert.equal(ended.status, 'submitted');
    assert.equal(ended.claimedBy, 'this-instance');
    assert.equal(defender.calls.filter((c) => c.method === 'submit').length, 2);
  });

  it('never takes over its own claim', async () => {
    const { store, service, request } = setup(3600, 'this-instance');
    await store.create(request);
    assert.equal(await service.reconcile(), 0);
  });
});
