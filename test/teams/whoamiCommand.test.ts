import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { describe, it } from 'mocha';
import { LOCAL_TENANT_ID, LOCAL_USER_ID, loadConfig, type Config } from '../../bot/config';
import type { Logger } from '../../bot/logging';
import { FakeGraphClient, graphOutage } from '../approvals/fakeGraphClient';
import { cardOf, factsOf, fakeApp, type FakeAppOptions } from '../cards/fakeApp';
import { ALEX, teamsMessage, type Scope } from '../support/teamsActivities';

const GROUP = 'aaaaaaaa-0000-0000-0000-00000000000a';
const BOB = { id: '29:bob', name: 'Bob Approver', aadObjectId: '22222222-0000-0000-0000-000000000002' };
const EVE = { id: '29:eve', name: 'Eve Analyst', aadObjectId: '33333333-0000-0000-0000-000000000003' };

/** Local defaults with the approval settings of a production deployment: a group, no lists. */
function groupConfig(): Config {
  const base = loadConfig({});
  return {
    ...base,
    approval: {
      ...base.approval,
      approverGroupId: GROUP,
      approverUserIds: [],
      adminUserIds: [],
      allowSelfApproval: false,
    },
  };
}

class RecordingLogger implements Logger {
  readonly warnings: string[] = [];
  debug(): void {}
  info(): void {}
  warn(_obj: object, msg?: string): void {
    this.warnings.push(msg ?? '');
  }
  error(): void {}
  child(): Logger {
    return this;
  }
}

interface Message {
  scope?: Scope;
  from?: { id: string; name: string; aadObjectId: string };
  tenantId?: string;
}

async function ask(options: FakeAppOptions, text: string, message: Message = {}): Promise<Partial<Activity>> {
  const { adapter } = fakeApp(options);
  const replies: Partial<Activity>[] = [];
  await adapter.send(teamsMessage(text, message)).assertReply((reply) => {
    replies.push(reply);
  });
  assert.equal(replies.length, 1);
  return replies[0];
}

async function whoamiFacts(options: FakeAppOptions, message: Message = {}): Promise<Record<string, string>> {
  const card = cardOf(await ask(options, '/whoami', message));
  assert.ok(card, 'no card in the reply');
  return factsOf(card);
}

describe('/whoami', () => {
  it('shows the local user as analyst, approver and admin with self-approval allowed', async () => {
    const facts = await whoamiFacts({});
    assert.equal(facts.Roles, 'analyst, approver, admin');
    assert.equal(facts['Approver because'], 'listed in APPROVER\\_USER\\_IDS');
    assert.match(facts['Self-approval'] ?? '', /^allowed/);
  });

  it("shows the caller's name, Entra object id and tenant from the activity", async () => {
    const facts = await whoamiFacts({});
    assert.equal(facts.Name, 'Alex Wilber');
    assert.equal(facts['Entra object id'], LOCAL_USER_ID);
    assert.equal(facts.Tenant, LOCAL_TENANT_ID);
  });

  it('shows a member of the approver group as an approver because of the group', async () => {
    const graph = new FakeGraphClient().addMember(BOB.aadObjectId, GROUP);
    const facts = await whoamiFacts({ config: groupConfig(), graph }, { from: BOB });
    assert.equal(facts.Roles, 'analyst, approver');
    assert.match(facts['Approver because'] ?? '', /approver group/);
    assert.deepEqual(graph.memberGroupCalls, [{ userId: BOB.aadObjectId, groupIds: [GROUP] }]);
  });

  it('says that self-approval is not allowed when the configuration says so', async () => {
    const facts = await whoamiFacts({ config: groupConfig() }, { from: BOB });
    assert.match(facts['Self-approval'] ?? '', /^not allowed/);
  });

  it('shows a user outside the approver group as an analyst only', async () => {
    const facts = await whoamiFacts({ config: groupConfig() }, { from: EVE });
    assert.equal(facts.Roles, 'analyst');
    assert.equal(facts['Approver because'], 'not an approver');
  });

  it('still answers, without the approver role, when Graph fails, and logs a warning', async () => {
    const graph = new FakeGraphClient().addMember(BOB.aadObjectId, GROUP);
    graph.failNext(graphOutage());
    const logger = new RecordingLogger();
    const facts = await whoamiFacts({ config: groupConfig(), graph, logger }, { from: BOB });
    assert.equal(facts.Roles, 'analyst');
    assert.equal(logger.warnings.length, 1);
  });

  it('shows no analyst role and says so for a tenant the bot does not serve', async () => {
    const reply = await ask({}, '/whoami', { tenantId: '99999999-0000-0000-0000-000000000099' });
    const card = cardOf(reply);
    assert.equal(factsOf(card).Roles, 'approver, admin');
    assert.match(JSON.stringify(card), /Your tenant is not one this bot serves/);
  });

  it('escapes markdown in the display name', async () => {
    const facts = await whoamiFacts({}, { from: { ...ALEX, name: '**Al** _x_' } });
    assert.equal(facts.Name, '\\*\\*Al\\*\\* \\_x\\_');
  });

  it('escapes an object id that is not made of hex groups', async () => {
    const facts = await whoamiFacts({}, { from: { ...ALEX, aadObjectId: '_x_' } });
    assert.equal(facts['Entra object id'], '\\_x\\_');
  });

  for (const scope of ['groupChat', 'channel'] as Scope[]) {
    it(`answers with the card in a ${scope} after the mention is removed`, async () => {
      const facts = await whoamiFacts({}, { scope });
      assert.equal(facts.Roles, 'analyst, approver, admin');
    });
  }

  it('answers arguments after the keyword with the usage', async () => {
    const reply = await ask({}, '/whoami please');
    assert.equal(cardOf(reply), undefined);
    assert.match(reply.text ?? '', /takes no arguments[\s\S]*Usage: \/whoami/);
  });
});
