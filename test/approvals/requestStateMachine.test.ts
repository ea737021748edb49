import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { applyEvent, type ApproverCheck } from '../../bot/approvals/requestStateMachine';
import type { RequestStatus } from '../../bot/approvals/indicatorRequest';
import { ANALYST, APPROVER, APPROVER2, T0, pendingRequest } from './fixtures';

const YES: ApproverCheck = { isApprover: true, allowSelfApproval: false };
const NO: ApproverCheck = { isApprover: false, allowSelfApproval: false };
const LATER = new Date(T0.getTime() + 3600_000);
const AFTER_EXPIRY = new Date(T0.getTime() + 25 * 3600_000);

describe('request state machine: transitions', () => {
  it('submits a draft for approval as pending with its expiry', () => {
    const r = applyEvent(
      pendingRequest({ status: 'draft', pendingUntil: undefined }),
      { type: 'submitDraft', by: ANALYST, pendingUntil: AFTER_EXPIRY.toISOString(), approvalRequired: true },
      LATER,
    );
    assert.equal(r.status, 'pending');
    assert.equal(r.pendingUntil, AFTER_EXPIRY.toISOString());
  });

  it('moves a draft straight to approved when approval is not required', () => {
    const r = applyEvent(
      pendingRequest({ status: 'draft' }),
      { type: 'submitDraft', by: ANALYST, pendingUntil: AFTER_EXPIRY.toISOString(), approvalRequired: false },
      LATER,
    );
    assert.equal(r.status, 'approved');
  });

  it('cancels a draft at the requester’s wish', () => {
    assert.equal(
      applyEvent(pendingRequest({ status: 'draft' }), { type: 'cancelDraft', by: ANALYST }, LATER).status,
      'cancelled',
    );
  });

  it('approves a pending request with one approval when one is required', () => {
    const r = applyEvent(pendingRequest(), { type: 'approve', by: APPROVER, check: YES }, LATER);
    assert.equal(r.status, 'approved');
    assert.deepEqual(
      r.decisions.map((d) => [d.by.aadObjectId, d.decision]),
      [['approver-1', 'approve']],
    );
  });

  it('keeps a request pending until the required number of approvers approved', () => {
    const first = applyEvent(
      pendingRequest({ requiredApprovals: 2 }),
      { type: 'approve', by: APPROVER, check: YES },
      LATER,
    );
    assert.equal(first.status, 'pending');
    const second = applyEvent(first, { type: 'approve', by: APPROVER2, check: YES }, LATER);
    assert.equal(second.status, 'approved');
  });

  it('approves only the chosen values of a multi-value request', () => {
    const r = applyEvent(
      pendingRequest(),
      { type: 'approve', by: APPROVER, check: YES, onlyInputs: ['bad.example'] },
      LATER,
    );
    assert.deepEqual(
      r.items.map((i) => [i.input, i.included]),
      [
        ['evil.example', false],
        ['bad.example', true],
      ],
    );
  });

  it('rejects a pending request with the approver’s reason', () => {
    const r = applyEvent(
      pendingRequest(),
      { type: 'reject', by: APPROVER, check: YES, reason: ' false positive ' },
      LATER,
    );
    assert.equal(r.status, 'rejected');
    assert.equal(r.decisions[0].reason, 'false positive');
  });

  it('expires a pending request once its time has passed', () => {
    assert.equal(applyEvent(pendingRequest(), { type: 'expire' }, AFTER_EXPIRY).status, 'expired');
  });

  it('counts submission attempts and records Defender ids on success', () => {
    const submitting = applyEvent(pendingRequest({ status: 'approved' }), { type: 'startSubmission' }, LATER);
    assert.equal(submitting.status, 'submitting');
    assert.equal(submitting.submissionAttempts, 1);
    const done = applyEvent(
      submitting,
      { type: 'submissionSucceeded', defenderIds: { 'evil.example': '17', 'bad.example': '18' } },
      LATER,
    );
    assert.equal(done.status, 'submitted');
    assert.deepEqual(
      done.items.map((i) => i.defenderId),
      ['17', '18'],
    );
    assert.equal(done.submittedAt, LATER.toISOString());
  });

  it('records Defender’s error on failure and lets an approver retry', () => {
    const submitting = applyEvent(pendingRequest({ status: 'approved' }), { type: 'startSubmission' }, LATER);
    const failed = applyEvent(
      submitting,
      { type: 'submissionFailed', error: 'InvalidRequestBody', itemErrors: { 'bad.example': 'x' } },
      LATER,
    );
    assert.equal(failed.status, 'failed');
    assert.equal(failed.lastError, 'InvalidRequestBody');
    assert.equal(failed.items[1].error, 'x');
    assert.equal(applyEvent(failed, { type: 'retry', by: APPROVER, check: YES }, LATER).status, 'approved');
  });

  it('does not change the request it was given', () => {
    const original = pendingRequest();
    const copy = structuredClone(original);
    applyEvent(original, { type: 'approve', by: APPROVER, check: YES }, LATER);
    assert.deepEqual(original, copy);
  });
});

describe('request state machine: refusals', () => {
  const refusals: Array<
    [string, RequestStatus | undefined, Parameters<typeof applyEvent>[1], Date, string, RegExp]
  > = [
    [
      'a non-approver’s approval',
      undefined,
      { type: 'approve', by: APPROVER, check: NO },
      LATER,
      'AuthorizationError',
      /not an approver/,
    ],
    [
      'a non-approver’s rejection',
      undefined,
      { type: 'reject', by: APPROVER, check: NO, reason: 'x' },
      LATER,
      'AuthorizationError',
      /not an approver/,
    ],
    [
      'self-approval',
      undefined,
      { type: 'approve', by: ANALYST, check: YES },
      LATER,
      'AuthorizationError',
      /yourself/,
    ],
    [
      'a rejection without a reason',
      undefined,
      { type: 'reject', by: APPROVER, check: YES, reason: '  ' },
      LATER,
      'ValidationError',
      /reason/,
    ],
    [
      'approval of an expired request',
      undefined,
      { type: 'approve', by: APPROVER, check: YES },
      AFTER_EXPIRY,
      'ConflictError',
      /expired/,
    ],
    [
      'approval of an approved request',
      'approved',
      { type: 'approve', by: APPROVER, check: YES },
      LATER,
      'ConflictError',
      /already approved/,
    ],
    [
      'rejection of a rejected request',
      'rejected',
      { type: 'reject', by: APPROVER, check: YES, reason: 'x' },
      LATER,
      'ConflictError',
      /already rejected/,
    ],
    [
      'approval of a submitted request',
      'submitted',
      { type: 'approve', by: APPROVER, check: YES },
      LATER,
      'ConflictError',
      /already submitted/,
    ],
    [
      'a second submission start',
      'submitting',
      { type: 'startSubmission' },
      LATER,
      'ConflictError',
      /submitting/,
    ],
    ['expiry before its time', undefined, { type: 'expire' }, LATER, 'ConflictError', /not reached/],
    [
      'a retry of a request that did not fail',
      'approved',
      { type: 'retry', by: APPROVER, check: YES },
      LATER,
      'ConflictError',
      /approved/,
    ],
    [
      'a retry by a non-approver',
      'failed',
      { type: 'retry', by: APPROVER, check: NO },
      LATER,
      'AuthorizationError',
      /not an approver/,
    ],
    [
      'a draft submitted by someone else',
      'draft',
      { type: 'submitDraft', by: APPROVER, pendingUntil: '', approvalRequired: true },
      LATER,
      'AuthorizationError',
      /Only Ann Analyst/,
    ],
    [
      'a draft submitted twice',
      'pending',
      { type: 'submitDraft', by: ANALYST, pendingUntil: '', approvalRequired: true },
      LATER,
      'ConflictError',
      /pending/,
    ],
    [
      'a partial approval that keeps no value',
      undefined,
      { type: 'approve', by: APPROVER, check: YES, onlyInputs: [] },
      LATER,
      'ValidationError',
      /at least one/,
    ],
  ];
  for (const [what, status, event, at, name, message] of refusals) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => applyEvent(pendingRequest(status ? { status } : {}), event, at),
        (e: Error) => {
          assert.equal(e.name, name);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  it('refuses a second approval by the same approver', () => {
    const once = applyEvent(
      pendingRequest({ requiredApprovals: 2 }),
      { type: 'approve', by: APPROVER, check: YES },
      LATER,
    );
    assert.throws(() => applyEvent(once, { type: 'approve', by: APPROVER, check: YES }, LATER), {
      name: 'ConflictError',
    });
  });

  it('allows self-approval when the policy allows it', () => {
    const r = applyEvent(
      pendingRequest(),
      { type: 'approve', by: ANALYST, check: { isApprover: true, allowSelfApproval: true } },
      LATER,
    );
    assert.equal(r.status, 'approved');
  });
});
