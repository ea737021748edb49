import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  APPROVER_CACHE_TTL_MS,
  ApproverPolicy,
  type ApproverPolicySettings,
} from '../../bot/approvals/approverPolicy';
import type { Logger } from '../../bot/logging';
import { FakeGraphClient, graphOutage } from './fakeGraphClient';

const GROUP = 'aaaaaaaa-0000-0000-0000-00000000000a';
const LISTED = '11111111-0000-0000-0000-000000000001';
const MEMBER = '22222222-0000-0000-0000-000000000002';
const OUTSIDER = '33333333-0000-0000-0000-000000000003';
const ADMIN = '44444444-0000-0000-0000-000000000004';

/** A logger that keeps warnings. */
class RecordingLogger implements Logger {
  readonly warnings: Array<{ obj: object; msg?: string }> = [];
  debug(): void {}
  info(): void {}
  warn(obj: object, msg?: string): void {
    this.warnings.push({ obj, msg });
  }
  error(): void {}
  child(): Logger {
    return this;
  }
}

function setup(settings: Partial<ApproverPolicySettings> = {}) {
  let nowMs = Date.parse('2026-12-01T10:00:00Z');
  const graph = new FakeGraphClient().addMember(MEMBER, GROUP);
  const logger = new RecordingLogger();
  const policy = new ApproverPolicy({
    settings: {
      approverGroupId: GROUP,
      approverUserIds: [LISTED],
      adminUserIds: [ADMIN],
      allowSelfApproval: false,
      ...settings,
    },
    graph,
    logger,
    now: () => new Date(nowMs),
  });
  return { policy, graph, logger, advance: (ms: number) => void (nowMs += ms) };
}

describe('ApproverPolicy', () => {
  it('treats a user in the approver list as an approver without asking Graph', async () => {
    const { policy, graph } = setup();
    assert.equal(await policy.approverSource({ aadObjectId: LISTED }), 'userList');
    assert.equal(graph.memberGroupCalls.length, 0);
  });

  it('compares listed ids case-insensitively', async () => {
    const { policy } = setup();
    assert.equal(await policy.isApprover({ aadObjectId: LISTED.toUpperCase() }), true);
  });

  it('treats a member of the approver group as an approver', async () => {
    const { policy, graph } = setup();
    assert.equal(await policy.approverSource({ aadObjectId: MEMBER }), 'group');
    assert.deepEqual(graph.memberGroupCalls, [{ userId: MEMBER, groupIds: [GROUP] }]);
  });

  it('refuses a user who is neither listed nor a group member', async () => {
    const { policy } = setup();
    assert.equal(await policy.isApprover({ aadObjectId: OUTSIDER }), false);
  });

  it('refuses a user without an object id without asking Graph', async () => {
    const { policy, graph } = setup();
    assert.equal(await policy.isApprover({ aadObjectId: '' }), false);
    assert.equal(graph.memberGroupCalls.length, 0);
  });

  it('does not ask Graph when no approver group is configured', async () => {
    const { policy, graph } = setup({ approverGroupId: undefined });
    assert.equal(await policy.isApprover({ aadObjectId: MEMBER }), false);
    assert.equal(graph.memberGroupCalls.length, 0);
  });

  it('reuses a Graph answer within the cache lifetime', async () => {
    const { policy, graph, advance } = setup();
    await policy.isApprover({ aadObjectId: MEMBER });
    advance(APPROVER_CACHE_TTL_MS - 1);
    assert.equal(await policy.isApprover({ aadObjectId: MEMBER }), true);
    assert.equal(graph.memberGroupCalls.length, 1);
  });

  it('caches a negative answer too', async () => {
    const { policy, graph } = setup();
    await policy.isApprover({ aadObjectId: OUTSIDER });
    await policy.isApprover({ aadObjectId: OUTSIDER });
    assert.equal(graph.memberGroupCalls.length, 1);
  });

  it('asks Graph again once the cached answer is older than the cache lifetime', async () => {
    const { policy, graph, advance } = setup();
    await policy.isApprover({ aadObjectId: MEMBER });
    graph.groupsByUser.delete(MEMBER);
    advance(APPROVER_CACHE_TTL_MS);
    assert.equal(await policy.isApprover({ aadObjectId: MEMBER }), false);
    assert.equal(graph.memberGroupCalls.length, 2);
  });

  it('shares one Graph request between simultaneous checks of the same user', async () => {
    const { policy, graph } = setup();
    const answers = await Promise.all([1, 2, 3].map(() => policy.isApprover({ aadObjectId: MEMBER })));
    assert.deepEqual(answers, [true, true, true]);
    assert.equal(graph.memberGroupCalls.length, 1);
  });

  it('answers false and logs a warning when Graph fails', async () => {
    const { policy, graph, logger } = setup();
    graph.failNext(graphOutage());
    assert.equal(await policy.isApprover({ aadObjectId: MEMBER }), false);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]?.msg ?? '', /membership check failed/);
  });

  it('does not cache a Graph failure', async () => {
    const { policy, graph } = setup();
    graph.failNext(graphOutage());
    await policy.isApprover({ aadObjectId: MEMBER });
    assert.equal(await policy.isApprover({ aadObjectId: MEMBER }), true);
    assert.equal(graph.memberGroupCalls.length, 2);
  });

  const admins: Array<[string, string, boolean]> = [
    ['a configured admin', ADMIN, true],
    ['a configured admin in upper case', ADMIN.toUpperCase(), true],
    ['an approver who is not an admin', LISTED, false],
    ['a user without an object id', '', false],
  ];
  for (const [who, id, expected] of admins) {
    it(`${expected ? 'treats' : 'does not treat'} ${who} as an admin`, () => {
      assert.equal(setup().policy.isAdmin({ aadObjectId: id }), expected);
    });
  }

  it('reports whether self-approval is allowed from its settings', () => {
    assert.equal(setup({ allowSelfApproval: true }).policy.allowSelfApproval, true);
    assert.equal(setup().policy.allowSelfApproval, false);
  });
});
