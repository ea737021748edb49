import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { parse } from 'csv-parse/sync';
import { approvalCardData, withRefresh } from '../../bot/approvals/approvalCards';
import { ApproverDirectory, MAX_REFRESH_USER_IDS } from '../../bot/approvals/approverDirectory';
import { auditExportReply } from '../../bot/approvals/auditExport';
import { auditCsv, auditHistoryLines } from '../../bot/approvals/auditHistory';
import { AuditLog, type AuditEntry } from '../../bot/approvals/auditLog';
import {
  deviceContactLine,
  deviceContactQuery,
  DeviceContactCounter,
} from '../../bot/approvals/deviceContacts';
import type { IndicatorRequest } from '../../bot/approvals/indicatorRequest';
import { RequestStore } from '../../bot/approvals/requestStore';
import { requiredApprovalsFor } from '../../bot/approvals/requiredApprovals';
import { selectedInputs } from '../../bot/approvals/approvalsFeature';
import { CardRenderer } from '../../bot/cards/cardRenderer';
import { UpstreamError } from '../../bot/errors';
import { silentLogger } from '../../bot/logging';
import { includeInputId } from '../../bot/requests/requestCards';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import { PendingCommand } from '../../bot/teams/commands/pendingCommand';
import type { CommandContext } from '../../bot/teams/commandRouter';
import { runKql } from '../../simulator/graph/kqlSubset';
import { FakeTableStore } from '../support/fakeTableStore';
import { APPROVER, T0, pendingRequest } from './fixtures';

const FIELDS = pendingRequest().fields;

describe('required approvals', () => {
  const cases: Array<[string, Parameters<typeof requiredApprovalsFor>[0], typeof FIELDS, number]> = [
    ['the default', { default: 1 }, { ...FIELDS, scope: { kind: 'groups', groups: ['iOS'] } }, 1],
    [
      'the Allow count for Allow',
      { default: 1, allow: 2 },
      { ...FIELDS, action: 'allow', scope: { kind: 'groups', groups: ['iOS'] } },
      2,
    ],
    [
      'the default for Block when only Allow is stricter',
      { default: 1, allow: 2 },
      { ...FIELDS, scope: { kind: 'groups', groups: ['iOS'] } },
      1,
    ],
    ['the all-devices count for all devices', { default: 1, allDevices: 3 }, FIELDS, 3],
    [
      'the highest count that applies',
      { default: 2, allow: 3, allDevices: 4 },
      { ...FIELDS, action: 'allow' },
      4,
    ],
  ];
  for (const [name, settings, fields, expected] of cases) {
    it(`uses ${name}`, () => assert.equal(requiredApprovalsFor(settings, fields), expected));
  }
});

describe('device-contact query', () => {
  const row = (
    DeviceId: string,
    RemoteUrl: string,
    RemoteIP = '203.0.113.9',
    Timestamp = T0.toISOString(),
  ) => ({
    DeviceId,
    RemoteUrl,
    RemoteIP,
    Timestamp,
  });
  const table = {
    columns: ['DeviceId', 'RemoteUrl', 'RemoteIP', 'Timestamp'].map((name) => ({ name, type: 'String' })),
    rows: [
      row('d1', 'https://www.evil.example/a'),
      row('d1', 'https://evil.example/b'),
      row('d2', 'https://evil.example/login/x'),
      row('d3', 'https://notevil.example/'),
      row('d4', 'https://evil.example/', '203.0.113.9', '2026-11-01T00:00:00Z'),
    ],
  };
  const count = (q: string | undefined): unknown => {
    assert.ok(q);
    return runKql(q, { table: (n) => (n === 'DeviceNetworkEvents' ? table : undefined), now: T0 }).rows[0]
      ?.Devices;
  };

  it('counts distinct devices for a domain and its subdomains, not look-alikes or old events', () => {
    assert.equal(
      count(deviceContactQuery({ indicatorType: 'DomainName', indicatorValue: 'evil.example' })),
      2,
    );
  });
  it('counts devices under a URL path', () => {
    assert.equal(
      count(deviceContactQuery({ indicatorType: 'Url', indicatorValue: 'https://evil.example/login' })),
      1,
    );
  });
  it('counts devices by IP address', () => {
    assert.equal(count(deviceContactQuery({ indicatorType: 'IpAddress', indicatorValue: '203.0.113.9' })), 3);
  });
  it('does not query file hashes', () => {
    assert.equal(
      deviceContactQuery({ indicatorType: 'FileSha256', indicatorValue: 'a'.repeat(64) }),
      undefined,
    );
  });
  it('never puts a quote into a query', () => {
    assert.equal(
      deviceContactQuery({ indicatorType: 'Url', indicatorValue: 'https://x.example/"|take 1' }),
      undefined,
    );
  });
  it('answers unknown when hunting fails', async () => {
    const counter = new DeviceContactCounter(
      { runHuntingQuery: () => Promise.reject(new UpstreamError('down', 'graph', 500)) },
      silentLogger(),
    );
    const counts = await counter.count([{ indicatorType: 'DomainName', indicatorValue: 'evil.example' }]);
    assert.equal(counts.get('evil.example'), 'unknown');
    assert.match(deviceContactLine('unknown'), /unknown/);
  });
  it('answers unknown when hunting is slower than the card can wait', async () => {
    const counter = new DeviceContactCounter(
      { runHuntingQuery: () => new Promise(() => undefined) },
      silentLogger(),
      10,
    );
    const counts = await counter.count([{ indicatorType: 'DomainName', indicatorValue: 'evil.example' }]);
    assert.equal(counts.get('evil.example'), 'unknown');
  });
});

describe('approval card', () => {
  const cards = new CardRenderer();
  const render = (r: IndicatorRequest, approver: boolean): string =>
    JSON.stringify(cards.render('approval', approvalCardData(r, { approver })));

  it('gives an approver Approve, Reject, a reason box and a toggle per value while pending', () => {
    const shown = render(pendingRequest(), true);
    assert.ok(shown.includes('approval.approve') && shown.includes('approval.reject'));
    assert.ok(shown.includes('"id":"reason"'));
    assert.ok(
      shown.includes(includeInputId('evil.example')) && shown.includes(includeInputId('bad.example')),
    );
  });
  it('gives everyone else the status and only a button to fetch their own view', () => {
    const shown = render(pendingRequest(), false);
    for (const verb of ['approval.approve', 'approval.reject', 'approval.retry'])
      assert.ok(!shown.includes(verb), verb);
    assert.ok(!shown.includes('Input.'));
    assert.ok(shown.includes('approval.refresh'));
  });

  it('offers no button on a decided request', () => {
    assert.ok(!render(pendingRequest({ status: 'submitted' }), false).includes('Action.Execute'));
  });
  it('offers Retry to an approver after a failed submission, with Defender’s error', () => {
    const shown = render(pendingRequest({ status: 'failed', lastError: 'Defender answered 500' }), true);
    assert.ok(shown.includes('approval.retry'));
    assert.ok(!shown.includes('approval.approve'));
    assert.match(shown, /Defender answered 500/);
  });
  it('shows the kind of a removal request', () => {
    assert.match(render(pendingRequest({ kind: 'remove' }), false), /Remove indicator/);
  });
  it('escapes the requester’s name', () => {
    const shown = render(pendingRequest({ requester: { aadObjectId: 'x', name: 'App_Pool_01 *x*' } }), false);
    assert.ok(shown.includes('App\\\\_Pool\\\\_01 \\\\*x\\\\*'));
  });
  it('asks Teams to refresh the listed approvers while a decision is open, and not once it is final', () => {
    const card = cards.render('approval', approvalCardData(pendingRequest(), { approver: false }));
    const open = withRefresh(card, pendingRequest(), ['29:a']) as { refresh?: { userIds: string[] } };
    assert.deepEqual(open.refresh?.userIds, ['29:a']);
    const done = withRefresh(card, pendingRequest({ status: 'submitted' }), ['29:a']) as {
      refresh?: unknown;
    };
    assert.equal(done.refresh, undefined);
  });
});

describe('partial approval inputs', () => {
  it('approves everything when the card had no toggles', () => {
    assert.equal(selectedInputs(pendingRequest(), { requestId: 'R-TEST0001' }), undefined);
  });
  it('keeps only the values left switched on', () => {
    const data = { [includeInputId('evil.example')]: 'true', [includeInputId('bad.example')]: 'false' };
    assert.deepEqual(selectedInputs(pendingRequest(), data), ['evil.example']);
  });
});

describe('approver directory', () => {
  it('lists approvers seen in Teams and configured approvers found in stored conversations, at most 60', async () => {
    const conversations = new FakeTableStore<ConversationRecord>();
    const store = new ConversationStore(conversations);
    await store.save({
      reference: {
        conversation: { id: 'a:1' } as never,
        user: { id: '29:conf', name: 'C', aadObjectId: 'CONF-1' },
      },
      conversationType: 'personal',
      tenantId: 't',
      updatedAt: T0.toISOString(),
    });
    const dir = new ApproverDirectory(new FakeTableStore(), store, () => T0);
    for (let i = 0; i < 70; i++) await dir.remember(`a-${i}`, `29:a-${i}`);
    const ids = await dir.refreshUserIds(['conf-1']);
    assert.equal(ids.length, MAX_REFRESH_USER_IDS);
    const few = new ApproverDirectory(new FakeTableStore(), store, () => T0);
    await few.remember('a-1', '29:a-1');
    assert.deepEqual(await few.refreshUserIds(['conf-1']), ['29:a-1', '29:conf']);
  });
});

describe('audit history and export', () => {
  const log = (): AuditLog => new AuditLog(new FakeTableStore<AuditEntry>(), () => T0);

  it('gives one readable line per entry, oldest first, with the Defender and Teams ids', async () => {
    const audit = log();
    await audit.append({
      requestId: 'R-TEST0001',
      type: 'requested',
      actorId: 'analyst-1',
      actorName: 'Ann Analyst',
    });
    await audit.append({
      requestId: 'R-TEST0001',
      type: 'approved',
      actorId: 'approver-1',
      actorName: 'Abe',
      teamsMessageId: 'm-1',
    });
    await audit.append({
      requestId: 'R-TEST0001',
      type: 'submitted',
      actorId: 'system',
      actorName: 'bot',
      defenderIds: ['42'],
    });
    const lines = await auditHistoryLines(audit, 'r-test0001');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /requested by Ann Analyst/);
    assert.match(lines[1], /approved by Abe — message m-1/);
    assert.match(lines[2], /submitted to Defender — Defender id 42/);
  });

  it('writes CSV that reads back, with formula-like cells neutralised', () => {
    const csv = auditCsv([
      {
        requestId: 'R-1',
        at: T0.toISOString(),
        type: 'rejected',
        actorId: 'a',
        actorName: 'A, B',
        detail: '=HYPERLINK("x")',
      },
    ]);
    const rows: Array<Record<string, string>> = parse(csv, { columns: true });
    assert.equal(rows[0].actorName, 'A, B');
    assert.equal(rows[0].detail, `'=HYPERLINK("x")`);
  });

  it('attaches the whole log as a CSV data URI for /export audit', async () => {
    const audit = log();
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    await store.create(pendingRequest());
    await audit.append({
      requestId: 'R-TEST0001',
      type: 'approved',
      actorId: APPROVER.aadObjectId,
      actorName: APPROVER.name,
    });
    const reply = await auditExportReply(audit, store, T0);
    const a = reply.attachments?.[0];
    assert.equal(a?.contentType, 'text/csv');
    const csv = Buffer.from(String(a?.contentUrl).replace('data:text/csv;base64,', ''), 'base64').toString(
      'utf8',
    );
    assert.match(csv, /R-TEST0001,approved,approver-1/);
  });
});

function asText(reply: unknown): string {
  assert.equal(typeof reply, 'string');
  return reply as string;
}

describe('/pending', () => {
  const ctx = (args: string): CommandContext => ({
    text: `pending ${args}`,
    keyword: 'pending',
    args,
    actor: { aadObjectId: 'x', name: 'x', tenantId: 't' },
    turn: {} as never,
  });

  it('pages open requests and leaves out finished ones', async () => {
    const store = new RequestStore(new FakeTableStore<IndicatorRequest>());
    for (let i = 0; i < 12; i++) {
      await store.create(
        pendingRequest({
          id: `R-OPEN${String(i).padStart(4, '0')}`,
          createdAt: new Date(T0.getTime() + i).toISOString(),
        }),
      );
    }
    await store.create(pendingRequest({ id: 'R-DONE0001', status: 'submitted' }));
    const command = new PendingCommand(store, () => T0, 10);
    const first = asText(await command.handle(ctx('')));
    assert.match(first, /page 1 of 2, 12 in all/);
    assert.match(first, /Type \/pending 2 for more/);
    assert.ok(!first.includes('R-DONE0001'));
    const second = asText(await command.handle(ctx('2')));
    assert.equal((second.match(/R-OPEN/g) ?? []).length, 2);
  });

  it('refuses an argument that is not a page number', async () => {
    const command = new PendingCommand(new RequestStore(new FakeTableStore<IndicatorRequest>()), () => T0);
    await assert.rejects(command.handle(ctx('everything')), {
      name: 'CommandParseError',
      code: 'commandParse',
    });
  });
});
