import assert from 'node:assert/strict';
import type { HuntingRow } from '../../simulator/graph/eventStore';
import { parseTimespan } from '../../simulator/graph/huntingApi';
import { KqlError, runKql, type KqlContext, type KqlTable } from '../../simulator/graph/kqlSubset';

const now = new Date('2026-12-01T12:00:00Z');

const events: KqlTable = {
  columns: [
    { name: 'Timestamp', type: 'DateTime' },
    { name: 'DeviceId', type: 'String' },
    { name: 'ActionType', type: 'String' },
    { name: 'RemoteUrl', type: 'String' },
    { name: 'AdditionalFields', type: 'String' },
  ],
  rows: [
    {
      Timestamp: '2026-12-01T11:00:00.000Z',
      DeviceId: 'd1',
      ActionType: 'ExploitGuardNetworkProtectionBlocked',
      RemoteUrl: 'https://evil.example/',
      AdditionalFields: '{"IsAudit":false,"ResponseCategory":"CustomBlockList"}',
    },
    {
      Timestamp: '2026-11-20T11:00:00.000Z',
      DeviceId: 'd2',
      ActionType: 'ExploitGuardNetworkProtectionAudited',
      RemoteUrl: 'https://watch.example/',
      AdditionalFields: '{"IsAudit":true,"ResponseCategory":"CustomBlockList"}',
    },
    {
      Timestamp: '2026-12-01T11:30:00.000Z',
      DeviceId: 'd3',
      ActionType: 'ExploitGuardNetworkProtectionBlocked',
      RemoteUrl: 'https://phish.example/',
      AdditionalFields: '{"IsAudit":false,"ResponseCategory":"Phishing"}',
    },
  ] satisfies HuntingRow[],
};

const info: KqlTable = {
  columns: [
    { name: 'Timestamp', type: 'DateTime' },
    { name: 'DeviceId', type: 'String' },
    { name: 'OSPlatform', type: 'String' },
  ],
  rows: [
    { Timestamp: '2026-11-30T00:00:00.000Z', DeviceId: 'd1', OSPlatform: 'Windows10' },
    { Timestamp: '2026-12-01T00:00:00.000Z', DeviceId: 'd1', OSPlatform: 'Android' },
    { Timestamp: '2026-12-01T00:00:00.000Z', DeviceId: 'd2', OSPlatform: 'iOS' },
    { Timestamp: '2026-12-01T00:00:00.000Z', DeviceId: 'd3', OSPlatform: 'Windows11' },
  ],
};

const ctx: KqlContext = {
  now,
  table: (name) => (name === 'DeviceEvents' ? events : name === 'DeviceInfo' ? info : undefined),
};

function ids(query: string): unknown[] {
  return runKql(query, ctx).rows.map((r) => r.DeviceId);
}

describe('KQL subset of the simulator', () => {
  const cases: readonly { name: string; query: string; expected: unknown[] }[] = [
    { name: 'a bare table returns every row', query: 'DeviceEvents', expected: ['d1', 'd2', 'd3'] },
    {
      name: 'ago() filters by time',
      query: 'DeviceEvents | where Timestamp > ago(1d)',
      expected: ['d1', 'd3'],
    },
    {
      name: 'in () matches any listed value',
      query: 'DeviceEvents | where ActionType in ("ExploitGuardNetworkProtectionAudited", "X")',
      expected: ['d2'],
    },
    {
      name: 'has finds a term inside AdditionalFields',
      query: 'DeviceEvents | where AdditionalFields has "CustomBlockList"',
      expected: ['d1', 'd2'],
    },
    {
      name: 'extend with parse_json reads a key of a JSON column',
      query:
        'DeviceEvents | extend ResponseCategory = tostring(parse_json(AdditionalFields).ResponseCategory) | where ResponseCategory == "Phishing"',
      expected: ['d3'],
    },
    {
      name: 'between datetime() bounds is inclusive',
      query:
        'DeviceEvents | where Timestamp between (datetime(2026-11-20T11:00:00Z) .. datetime(2026-12-01T11:00:00Z))',
      expected: ['d1', 'd2'],
    },
    {
      name: 'an inner join with a summarised DeviceInfo keeps mobile devices only',
      query:
        'DeviceEvents | join kind=inner (DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | where OSPlatform in~ ("android", "ios")) on DeviceId',
      expected: ['d1', 'd2'],
    },
    {
      name: 'order by then take keeps the newest',
      query: 'DeviceEvents | order by Timestamp desc | take 1',
      expected: ['d3'],
    },
    {
      name: 'and / or combine conditions',
      query: 'DeviceEvents | where DeviceId == "d1" or DeviceId == "d2" and RemoteUrl contains "watch"',
      expected: ['d1', 'd2'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(ids(c.query), c.expected);
    });
  }

  it('project keeps the named columns in order with their types', () => {
    const result = runKql('DeviceEvents | project DeviceId, Url = RemoteUrl | take 1', ctx);
    assert.deepEqual(result.columns, [
      { name: 'DeviceId', type: 'String' },
      { name: 'Url', type: 'String' },
    ]);
    assert.deepEqual(result.rows[0], { DeviceId: 'd1', Url: 'https://evil.example/' });
  });

  it('a join renames the colliding right-hand columns as KQL does', () => {
    const result = runKql(
      'DeviceEvents | take 1 | join kind=inner (DeviceInfo | where OSPlatform == "Android") on DeviceId',
      ctx,
    );
    assert.ok(result.columns.some((c) => c.name === 'DeviceId1'));
    assert.ok(result.columns.some((c) => c.name === 'Timestamp1'));
  });

  it('summarize count() by a column counts rows', () => {
    const result = runKql('DeviceEvents | summarize n = count() by ActionType', ctx);
    assert.deepEqual(result.rows, [
      { ActionType: 'ExploitGuardNetworkProtectionBlocked', n: 2 },
      { ActionType: 'ExploitGuardNetworkProtectionAudited', n: 1 },
    ]);
  });

  const rejected: readonly { name: string; query: string }[] = [
    { name: 'an unknown table', query: 'NoSuchTable | take 1' },
    { name: 'an unknown column', query: 'DeviceEvents | where Nope == "x"' },
    { name: 'an unsupported operator', query: 'DeviceEvents | mv-expand AdditionalFields' },
    { name: 'a let statement', query: 'let x = 1; DeviceEvents' },
    { name: 'an unterminated string', query: 'DeviceEvents | where DeviceId == "d1' },
  ];
  for (const r of rejected) {
    it(`rejects ${r.name} with a KqlError`, () => {
      assert.throws(() => runKql(r.query, ctx), { name: 'KqlError' });
    });
  }

  it('KqlError is an Error', () => {
    assert.ok(new KqlError('x') instanceof Error);
  });
});

describe('parseTimespan', () => {
  const day = 86_400_000;
  const end = now.getTime();
  const cases: readonly {
    input: string | undefined;
    expected: { start: number; end: number } | undefined;
  }[] = [
    { input: undefined, expected: { start: end - 30 * day, end } },
    { input: 'P1D', expected: { start: end - day, end } },
    { input: 'PT2H', expected: { start: end - 2 * 3_600_000, end } },
    {
      input: '2026-11-01T00:00:00Z/2026-11-02T00:00:00Z',
      expected: { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-02T00:00:00Z') },
    },
    {
      input: 'P1D/2026-11-02T00:00:00Z',
      expected: { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-02T00:00:00Z') },
    },
    {
      input: '2026-11-01T00:00:00Z/P1D',
      expected: { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-02T00:00:00Z') },
    },
    { input: '2026-11-01T00:00:00Z', expected: { start: Date.parse('2026-11-01T00:00:00Z'), end } },
    { input: 'yesterday', expected: undefined },
  ];
  for (const c of cases) {
    it(`reads ${String(c.input)}`, () => {
      assert.deepEqual(parseTimespan(c.input, now), c.expected);
    });
  }
});
