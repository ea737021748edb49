import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import { includeInputId } from '../../bot/requests/requestCards';
import { toSubmission } from '../../bot/requests/submissionService';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { TEST_CA_DIR } from '../support/botHarness';
import { ConnectorStub } from '../support/connectorStub';
import { LOCAL_USER_ID } from '../../bot/config';
import { APPROVALS_CHANNEL, ApprovalStack } from '../approvals/approvalStack';
import { ALEX, cardActionInvoke, teamsMessage } from '../support/teamsActivities';

interface Card {
  body?: unknown[];
  refresh?: { action: { verb: string; data: { requestId: string } }; userIds: string[] };
  actions?: Array<{ verb?: string; data?: { requestId?: string } }>;
}
interface InvokeBody {
  statusCode: number;
  type: string;
  value: Card & { message?: string };
}

type User = { id: string; name: string; aadObjectId: string };
const approver = (n: number): User => ({
  id: `29:approver-${n}`,
  name: `Approver ${n}`,
  aadObjectId: `approver-${n}`,
});
const EVE: User = { id: '29:eve', name: 'Eve Outsider', aadObjectId: 'eve-1' };
const APPROVER_IDS = [LOCAL_USER_ID, ...Array.from({ length: 10 }, (_, i) => `approver-${i + 1}`)].join(',');

const text = (v: unknown): string => JSON.stringify(v);

/** A controllable clock. */
class Clock {
  private t = Date.now();
  now = (): Date => new Date(this.t);
  advanceHours(h: number): void {
    this.t += h * 3_600_000;
  }
}

/** Alex asks for an indicator in personal chat and submits it for approval; returns the request id and hint. */
async function requestApproval(
  stack: ApprovalStack,
  command: string,
): Promise<{ requestId: string; hint: string }> {
  const before = stack.connector.sentActivities().length;
  await stack.post(teamsMessage(command));
  const sent = (await stack.connector.waitForActivities(before + 1))[before] as {
    attachments?: Array<{ content: Card }>;
  };
  const requestId = sent.attachments?.[0]?.content.actions?.find((a) => a.verb === 'request.submit')?.data
    ?.requestId;
  assert.ok(requestId, 'no review card');
  const res = await stack.post(cardActionInvoke('request.submit', { requestId }));
  assert.equal(res.status, 200);
  // Card text is markdown-escaped; read it as a person would.
  return { requestId, hint: text((res.body as InvokeBody).value).replace(/\\+/g, '') };
}

/** The approval card's message id in the approvals channel. */
async function approvalCardId(stack: ApprovalStack, requestId: string): Promise<string> {
  const r = await stack.services.store.get(requestId);
  const id = r.approvalCards?.[0]?.activityId;
  assert.ok(id, 'the approval card was not posted');
  return id;
}

/** A click on the approval card in the approvals channel, as Teams sends it. */
async function click(
  stack: ApprovalStack,
  verb: string,
  requestId: string,
  from: User,
  extra: Record<string, unknown> = {},
  cardOf: string = requestId,
): Promise<{ status: number; body: InvokeBody }> {
  const replyToId = await approvalCardId(stack, cardOf);
  const res = await stack.post({
    ...cardActionInvoke(verb, { requestId, ...extra }, { scope: 'channel', from }),
    replyToId,
  });
  return { status: res.status, body: res.body as InvokeBody };
}

/** Card updates (PUT) of one message, newest last. */
function updatesOf(stack: ApprovalStack, activityId: string): string[] {
  return stack.connector.calls
    .filter((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${encodeURIComponent(activityId)}`))
    .map((c) => text(c.body));
}

/** Plain-text messages the bot sent into Alex's personal chat. */
function notices(stack: ApprovalStack): string[] {
  return stack.connector.calls
    .filter(
      (c) => c.method === 'POST' && c.path.includes('a%3Apersonal-chat-1') && typeof c.body.text === 'string',
    )
    .map((c) => String(c.body.text));
}

function submitCalls(stack: ApprovalStack, status = 200): number {
  return stack.sim.log.count({ endpoint: 'defender.submit', status });
}

describe('approvals end to end over HTTP (four eyes)', function () {
  this.timeout(30_000);
  const clock = new Clock();
  const stack = new ApprovalStack({
    env: { APPROVER_USER_IDS: APPROVER_IDS, ALLOW_SELF_APPROVAL: 'false', APPROVALS_REQUIRED_ALLOW: '2' },
    now: clock.now,
  });
  before(() => stack.start());
  after(() => stack.stop());
  afterEach(async () => {
    stack.sim.faults.clear();
    await stack.settle();
  });

  it('posts the approval card into the approvals channel and tells the requester where it went', async () => {
    const { requestId, hint } = await requestApproval(stack, '/block domain posted.example.com');
    assert.match(hint, /Sent to the SOC channel for approval \(1 approval needed/);
    const post = stack.connector.calls.find(
      (c) =>
        c.method === 'POST' &&
        c.path.includes(encodeURIComponent(APPROVALS_CHANNEL)) &&
        text(c.body).includes(requestId),
    );
    assert.ok(post, 'no approval card in the approvals channel');
    const card = (post.body.attachments as Array<{ content: Card }>)[0].content;
    const shown = text(card);
    for (const part of [
      'posted.example.com',
      'Alex Wilber',
      'Awaiting approval',
      '0 of 1',
      'Decide by',
      'iOS',
    ]) {
      assert.ok(shown.includes(part), `the card does not show ${part}`);
    }
    assert.match(shown, /Devices that contacted it in the last 7 days: 0/);
    assert.ok(!shown.includes('approval.approve'), 'everyone’s view has the Approve button');
    assert.equal(card.refresh?.action.verb, 'approval.refresh');
    assert.equal(card.refresh?.action.data.requestId, requestId);
  });

  it('counts the devices that contacted the value in the last 7 days', async () => {
    for (const device of [
      'a1b2c3d4e5f60718293a4b5c6d7e8f9012345601',
      'a1b2c3d4e5f60718293a4b5c6d7e8f9012345602',
    ]) {
      const res = await fetch(`${stack.sim.url}/_sim/devices/${device}/visit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://www.visited.example.org/login' }),
      });
      assert.equal(res.status, 200);
    }
    const { requestId } = await requestApproval(stack, '/block domain visited.example.org');
    await stack.workflow.idle();
    const r = await stack.services.store.get(requestId);
    assert.equal(r.deviceContacts?.['visited.example.org'], 2);
  });

  it('shows "unknown" device contacts when hunting fails, and still posts the card', async () => {
    stack.sim.faults.set({ endpoint: 'graph.hunting', kind: 'status', status: 500, count: 50 });
    const { requestId, hint } = await requestApproval(stack, '/block domain hunting-down.example.org');
    assert.match(hint, /Sent to the SOC channel/);
    await stack.workflow.idle();
    const r = await stack.services.store.get(requestId);
    assert.equal(r.deviceContacts?.['hunting-down.example.org'], 'unknown');
  });

  it('posts the card without waiting for a slow device count and adds the count when it arrives', async () => {
    stack.sim.faults.set({ endpoint: 'graph.hunting', kind: 'latency', latencyMs: 2500, count: 1 });
    const { requestId } = await requestApproval(stack, '/block domain slow-count.example.org');
    const cardId = await approvalCardId(stack, requestId);
    const posted = stack.connector.calls.filter(
      (c) =>
        c.method === 'POST' &&
        JSON.stringify(c.body).includes(requestId) &&
        JSON.stringify(c.body).includes('approval.refresh'),
    );
    assert.equal(posted.length, 1);
    assert.ok(
      !JSON.stringify(posted[0]?.body).includes('Devices that contacted it'),
      'the first card waited for the count',
    );
    await stack.workflow.idle();
    assert.match(updatesOf(stack, cardId).at(-1) ?? '', /Devices that contacted it in the last 7 days: 0/);
    stack.sim.faults.clear();
  });

  it('gives approvers the Approve and Reject buttons on refresh, and others only the status', async () => {
    const { requestId } = await requestApproval(stack, '/block domain refresh.example.com');
    const mine = await click(stack, 'approval.refresh', requestId, approver(1));
    assert.equal(mine.status, 200);
    assert.ok(text(mine.body.value).includes('approval.approve'));
    assert.ok(text(mine.body.value).includes('approval.reject'));
    const theirs = await click(stack, 'approval.refresh', requestId, EVE);
    assert.equal(theirs.status, 200);
    assert.ok(!text(theirs.body.value).includes('approval.approve'));
    const requesters = await click(stack, 'approval.refresh', requestId, ALEX);
    assert.ok(!text(requesters.body.value).includes('approval.approve'), 'the requester sees buttons');
    assert.ok(mine.body.value.refresh?.userIds.includes('29:approver-1'), 'the approver’s MRI is not listed');
  });

  it('approves, submits exactly once, updates the card for everyone and notifies the requester', async () => {
    const { requestId } = await requestApproval(stack, '/block domain approved.example.com');
    const cardId = await approvalCardId(stack, requestId);
    const before = submitCalls(stack);
    const res = await click(stack, 'approval.approve', requestId, approver(1));
    assert.equal(res.status, 200);
    await stack.settle();
    const r = await stack.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    assert.equal(submitCalls(stack) - before, 1);
    const indicator = stack.sim.indicators
      .listActive()
      .find((i) => i.indicatorValue === 'approved.example.com');
    assert.ok(indicator);
    assert.match(
      updatesOf(stack, cardId).at(-1) ?? '',
      new RegExp(`in Defender as indicator ${indicator.id}`),
    );
    const told = notices(stack).filter((n) => n.includes(requestId));
    assert.ok(told.some((n) => /Approver 1 approved your request/.test(n)));
    assert.ok(told.some((n) => n.includes(`is in Defender (indicator ${indicator.id})`)));
    const audit = await stack.services.audit.forRequest(requestId);
    const approved = audit.find((e) => e.type === 'approved');
    assert.equal(approved?.actorId, 'approver-1');
    assert.equal(approved?.teamsMessageId, cardId);
    assert.deepEqual(audit.find((e) => e.type === 'submitted')?.defenderIds, [indicator.id]);
  });

  it('refuses a crafted Approve invoke from a non-approver, whatever user the card data names', async () => {
    const { requestId } = await requestApproval(stack, '/block domain crafted.example.com');
    const res = await click(stack, 'approval.approve', requestId, EVE, {
      aadObjectId: 'approver-1',
      from: { aadObjectId: 'approver-1' },
    });
    assert.equal(res.status, 403);
    assert.match(res.body.value.message ?? '', /not an approver/);
    assert.equal((await stack.services.store.get(requestId)).status, 'pending');
  });

  it('refuses self-approval', async () => {
    const { requestId } = await requestApproval(stack, '/block domain myself.example.com');
    const res = await click(stack, 'approval.approve', requestId, ALEX);
    assert.equal(res.status, 403);
    assert.match(res.body.value.message ?? '', /yourself/);
    assert.equal((await stack.services.store.get(requestId)).status, 'pending');
  });

  it('refuses card data that names another request than the clicked card', async () => {
    const a = await requestApproval(stack, '/block domain card-a.example.com');
    const b = await requestApproval(stack, '/block domain card-b.example.com');
    const res = await click(stack, 'approval.approve', b.requestId, approver(1), {}, a.requestId);
    assert.equal(res.status, 403);
    assert.match(res.body.value.message ?? '', /not the approval card of request/);
    assert.equal((await stack.services.store.get(b.requestId)).status, 'pending');
    assert.equal((await stack.services.store.get(a.requestId)).status, 'pending');
  });

  it('refuses a click from a conversation other than the approvals channel', async () => {
    const { requestId } = await requestApproval(stack, '/block domain elsewhere.example.com');
    const replyToId = await approvalCardId(stack, requestId);
    const res = await stack.post({
      ...cardActionInvoke('approval.approve', { requestId }, { scope: 'groupChat', from: approver(1) }),
      replyToId,
    });
    assert.equal(res.status, 403);
  });

  it('needs a reason to reject, then rejects and tells the requester why', async () => {
    const { requestId } = await requestApproval(stack, '/block domain rejected.example.com');
    const cardId = await approvalCardId(stack, requestId);
    const empty = await click(stack, 'approval.reject', requestId, approver(2), { reason: '  ' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.value.message ?? '', /needs a reason/);
    const res = await click(stack, 'approval.reject', requestId, approver(2), { reason: 'Business site' });
    assert.equal(res.status, 200);
    await stack.settle();
    assert.equal((await stack.services.store.get(requestId)).status, 'rejected');
    assert.match(updatesOf(stack, cardId).at(-1) ?? '', /Rejected by Approver 2.*Business site/);
    assert.ok(notices(stack).some((n) => n.includes(`rejected your request ${requestId}: Business site`)));
    assert.ok(!stack.sim.indicators.listActive().some((i) => i.indicatorValue === 'rejected.example.com'));
  });

  it('refuses a decision on a request that is already decided', async () => {
    const { requestId } = await requestApproval(stack, '/block domain decided.example.com');
    await click(stack, 'approval.reject', requestId, approver(1), { reason: 'no' });
    const res = await click(stack, 'approval.approve', requestId, approver(2));
    assert.equal(res.status, 409);
    assert.match(res.body.value.message ?? '', /already rejected/);
  });

  it('refuses a decision on an expired request and marks it expired on its card', async () => {
    const { requestId } = await requestApproval(stack, '/block domain late.example.com');
    const cardId = await approvalCardId(stack, requestId);
    clock.advanceHours(25);
    try {
      const res = await click(stack, 'approval.approve', requestId, approver(1));
      assert.equal(res.status, 409);
      assert.match(res.body.value.message ?? '', /expired/);
    } finally {
      clock.advanceHours(-25);
    }
    await stack.settle();
    assert.equal((await stack.services.store.get(requestId)).status, 'expired');
    assert.match(updatesOf(stack, cardId).at(-1) ?? '', /Expired/);
    assert.ok(notices(stack).some((n) => n.includes(`Your request ${requestId} expired`)));
  });

  it('expires pending requests in the sweep and says so on their cards', async () => {
    const { requestId } = await requestApproval(stack, '/block domain swept.example.com');
    const cardId = await approvalCardId(stack, requestId);
    clock.advanceHours(25);
    try {
      const { expired } = await stack.workflow.sweep();
      assert.ok(expired >= 1);
    } finally {
      clock.advanceHours(-25);
    }
    await stack.settle();
    assert.equal((await stack.services.store.get(requestId)).status, 'expired');
    assert.match(updatesOf(stack, cardId).at(-1) ?? '', /Expired at/);
    const audit = await stack.services.audit.forRequest(requestId);
    assert.ok(audit.some((e) => e.type === 'expired' && e.actorId === 'system'));
  });

  it('submits only the values an approver left switched on (partial approval)', async () => {
    const { requestId } = await requestApproval(stack, '/block domain keep.example.com drop.example.com');
    const res = await click(stack, 'approval.approve', requestId, approver(1), {
      [includeInputId('keep.example.com')]: 'true',
      [includeInputId('drop.example.com')]: 'false',
    });
    assert.equal(res.status, 200);
    await stack.settle();
    const active = stack.sim.indicators.listActive().map((i) => i.indicatorValue);
    assert.ok(active.includes('keep.example.com'));
    assert.ok(!active.includes('drop.example.com'));
    const r = await stack.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    assert.equal(r.items.find((i) => i.input === 'drop.example.com')?.included, false);
  });

  it('needs two approvers for an Allow request (APPROVALS_REQUIRED_ALLOW=2)', async () => {
    const { requestId, hint } = await requestApproval(stack, '/allow domain partner.example.com');
    assert.match(hint, /2 approvals needed/);
    const first = await click(stack, 'approval.approve', requestId, approver(1));
    assert.equal(first.status, 200);
    assert.equal((await stack.services.store.get(requestId)).status, 'pending');
    assert.match(text(first.body.value), /1 of 2/);
    const again = await click(stack, 'approval.approve', requestId, approver(1));
    assert.equal(again.status, 409);
    await click(stack, 'approval.approve', requestId, approver(2));
    await stack.settle();
    assert.equal((await stack.services.store.get(requestId)).status, 'submitted');
  });

  it('submits exactly once when ten approvers click Approve at the same moment', async () => {
    const { requestId } = await requestApproval(stack, '/block domain race.example.com');
    const replyToId = await approvalCardId(stack, requestId);
    const before = submitCalls(stack);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stack.post({
          ...cardActionInvoke('approval.approve', { requestId }, { scope: 'channel', from: approver(i + 1) }),
          replyToId,
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(results.every((r) => r.status === 200 || r.status === 409));
    await stack.settle();
    assert.equal(submitCalls(stack) - before, 1);
    const audit = await stack.services.audit.forRequest(requestId);
    assert.equal(audit.filter((e) => e.type === 'submitted').length, 1);
    assert.equal(audit.filter((e) => e.type === 'approved').length, 1);
    const r = await stack.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    assert.equal(r.decisions.length, 1);
  });

  it('rides out two 429s from Defender and submits once', async () => {
    const { requestId } = await requestApproval(stack, '/block domain throttled.example.com');
    stack.sim.faults.set({ endpoint: 'defender.submit', kind: 'throttle', count: 2, retryAfterSeconds: 1 });
    await click(stack, 'approval.approve', requestId, approver(1));
    await stack.settle();
    assert.equal((await stack.services.store.get(requestId)).status, 'submitted');
    assert.equal(stack.sim.log.count({ endpoint: 'defender.submit', status: 429 }) >= 2, true);
    const audit = await stack.services.audit.forRequest(requestId);
    assert.equal(audit.filter((e) => e.type === 'submitted').length, 1);
  });

  it('retries through five 500s from Defender and submits', async () => {
    const { requestId } = await requestApproval(stack, '/block domain flaky.example.com');
    stack.sim.faults.set({ endpoint: 'defender.submit', kind: 'status', status: 500, count: 5 });
    await click(stack, 'approval.approve', requestId, approver(1));
    await stack.settle();
    const r = await stack.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    assert.equal(
      stack.sim.indicators.listActive().filter((i) => i.indicatorValue === 'flaky.example.com').length,
      1,
    );
  });

  it('ends failed with the Defender error and a Retry for approvers when Defender keeps answering 500', async () => {
    const { requestId } = await requestApproval(stack, '/block domain broken.example.com');
    const cardId = await approvalCardId(stack, requestId);
    stack.sim.faults.set({ endpoint: 'defender.submit', kind: 'status', status: 500, count: 1000 });
    await click(stack, 'approval.approve', requestId, approver(1));
    await stack.settle();
    const failed = await stack.services.store.get(requestId);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.lastError);
    const everyone = updatesOf(stack, cardId).at(-1) ?? '';
    assert.match(everyone, /Submission failed/);
    assert.ok(
      everyone.includes(JSON.stringify(failed.lastError).slice(1, 30)),
      'the card does not show the error',
    );
    assert.ok(!everyone.includes('approval.retry'), 'everyone’s view offers Retry');
    assert.ok(
      notices(stack).some((n) => n.includes(`Submitting your request ${requestId} to Defender failed`)),
    );

    const view = await click(stack, 'approval.refresh', requestId, approver(2));
    assert.ok(text(view.body.value).includes('approval.retry'), 'the approver is not offered Retry');
    const outsider = await click(stack, 'approval.retry', requestId, EVE);
    assert.equal(outsider.status, 403);

    stack.sim.faults.clear();
    const retried = await click(stack, 'approval.retry', requestId, approver(2));
    assert.equal(retried.status, 200);
    await stack.settle();
    const r = await stack.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    assert.equal(r.submissionAttempts, 2);
    assert.match(updatesOf(stack, cardId).at(-1) ?? '', /In Defender/);
  });

  it('lists open requests with /pending', async () => {
    const { requestId } = await requestApproval(stack, '/block domain listed.example.com');
    const before = stack.connector.sentActivities().length;
    await stack.post(teamsMessage('/pending'));
    const sent = (await stack.connector.waitForActivities(before + 1))[before] as { text?: string };
    assert.match(sent.text ?? '', /Open requests/);
    assert.ok((sent.text ?? '').includes(requestId));
    assert.match(sent.text ?? '', /listed\.example\.com/);
  });
});

describe('approvals without an approvals channel', function () {
  this.timeout(30_000);
  const stack = new ApprovalStack({ env: { APPROVER_USER_IDS: APPROVER_IDS }, subscribeApprovals: false });
  before(() => stack.start());
  after(() => stack.stop());

  it('tells the requester how an admin connects one, and posts the request once a channel exists', async () => {
    const { requestId, hint } = await requestApproval(stack, '/block domain waiting.example.com');
    assert.match(hint, /No approvals channel is connected yet/);
    assert.match(hint, /subscribe approvals/);
    assert.equal((await stack.services.store.get(requestId)).approvalCards, undefined);
    await stack.subscribeApprovals();
    const { posted } = await stack.workflow.sweep();
    assert.equal(posted, 1);
    assert.ok((await stack.services.store.get(requestId)).approvalCards?.length === 1);
  });
});

describe('approvals across a crash between approve and submit', function () {
  this.timeout(30_000);
  // What survives the crash: the simulated Defender, the tables, and Teams (the connector stub).
  const connector = new ConnectorStub();
  let sim: RunningSimulator;
  let first: ApprovalStack;
  let second: ApprovalStack | undefined;
  before(async () => {
    await connector.start();
    sim = await startSimulator({ caDir: TEST_CA_DIR, port: 0, rateLimits: false });
    first = new ApprovalStack({ env: { APPROVER_USER_IDS: APPROVER_IDS }, sim, connector });
    await first.start();
  });
  after(async () => {
    await second?.stop();
    await sim.close();
    await connector.stop();
  });

  it('reconciles on restart: a value Defender already has is not sent again, and the request ends submitted', async () => {
    const { requestId } = await requestApproval(
      first,
      '/block domain crash-a.example.com crash-b.example.com',
    );
    // The crash: approval recorded and the submission claimed, one value reached Defender, then the process died.
    const approved = await first.services.store.update(requestId, (r) => ({
      ...r,
      status: 'submitting',
      decisions: [
        { by: { aadObjectId: 'approver-1', name: 'Approver 1' }, at: r.updatedAt, decision: 'approve' },
      ],
      submissionAttempts: 1,
    }));
    const draftA = approved.items.find((i) => i.input === 'crash-a.example.com')?.draft;
    assert.ok(draftA);
    await first.app.featureDeps.defender.submit(toSubmission(draftA));
    await first.stop();

    const submitsBefore = submitCalls(first);
    second = new ApprovalStack({
      env: { APPROVER_USER_IDS: APPROVER_IDS },
      sim,
      connector,
      tables: first.tables,
      conversationsTable: first.conversationsTable,
      startFeatures: true,
      subscribeApprovals: false,
    });
    await second.start();
    await second.settle();

    const r = await second.services.store.get(requestId);
    assert.equal(r.status, 'submitted');
    const active = second.sim.indicators.listActive();
    assert.equal(active.filter((i) => i.indicatorValue === 'crash-a.example.com').length, 1);
    assert.equal(active.filter((i) => i.indicatorValue === 'crash-b.example.com').length, 1);
    assert.equal(submitCalls(second) - submitsBefore, 1, 'only the missing value was submitted');
    const audit = await second.services.audit.forRequest(requestId);
    assert.equal(audit.filter((e) => e.type === 'reconciled').length, 1);
    assert.equal(audit.filter((e) => e.type === 'submitted').length, 1);
    assert.ok(notices(second).some((n) => n.includes(`Your request ${requestId} is in Defender`)));
  });
});
