import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { RequestStore } from '../../bot/approvals/requestStore';
import { applyEvent } from '../../bot/approvals/requestStateMachine';
import type { IndicatorRequest } from '../../bot/approvals/indicatorRequest';
import { FakeTableStore } from '../support/fakeTableStore';
import { APPROVER, T0, pendingRequest } from './fixtures';

describe('request store', () => {
  it('refuses to create a request whose id exists', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await store.create(pendingRequest());
    await assert.rejects(store.create(pendingRequest()), { name: 'ConflictError', code: 'conflict' });
  });

  it('gives exactly one winner when ten approvers click at once', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await store.create(pendingRequest());
    const check = { isApprover: true, allowSelfApproval: false };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.update('R-TEST0001', (r) =>
          applyEvent(r, { type: 'approve', by: { ...APPROVER, aadObjectId: `approver-${i}` }, check }, T0),
        ),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(refused.every((r) => (r.reason as Error).name === 'ConflictError'));
    const final = await store.get('R-TEST0001');
    assert.equal(final.status, 'approved');
    assert.equal(final.decisions.length, 1);
  });

  it('finds a request whatever the case of its id', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await store.create(pendingRequest());
    assert.equal((await store.get(' r-test0001 ')).id, 'R-TEST0001');
  });

  it('says which request does not exist', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await assert.rejects(store.get('R-NOPE'), {
      name: 'NotFoundError',
      message: 'There is no request R-NOPE.',
    });
  });

  it('lists requests by state, newest first', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await store.create(pendingRequest({ id: 'R-A', createdAt: '2026-12-01T01:00:00Z' }));
    await store.create(pendingRequest({ id: 'R-B', createdAt: '2026-12-01T02:00:00Z' }));
    await store.create(pendingRequest({ id: 'R-C', status: 'submitted' }));
    assert.deepEqual(
      (await store.list(['pending'])).map((r) => r.id),
      ['R-B', 'R-A'],
    );
  });
});
