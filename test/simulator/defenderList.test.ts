import assert from 'node:assert/strict';
import { indicatorBody, startTestSim, type TestSim } from './simHarness';

interface DefenderErrorBody {
  error: { code: string; message: string };
}
interface ListBody {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: { id: string; indicatorValue: string; indicatorType: string; action: string }[];
}

describe('simulator Defender indicators: list with OData', () => {
  let t: TestSim;
  let token: string;
  before(async () => {
    t = await startTestSim({ rateLimits: false });
    token = t.defenderToken();
    const seed: Record<string, unknown>[] = [
      { indicatorValue: 'a.example.com' },
      { indicatorValue: 'b.example.com', action: 'Warn' },
      { indicatorType: 'Url', indicatorValue: "http://evil.example.com/o'neil?a=1&b=2" },
      { indicatorType: 'IpAddress', indicatorValue: '8.8.8.8' },
      { indicatorType: 'IpAddress', indicatorValue: '1.1.1.1', action: 'Allowed' },
    ];
    for (const s of seed) {
      const res = await t.call('POST', '/api/indicators', { token, body: indicatorBody(s) });
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    await t.sim.close();
  });

  const list = async (query: string): Promise<{ status: number; body: unknown }> =>
    t.call('GET', `/api/indicators${query === '' ? '' : `?${query}`}`, { token });
  const filter = (expr: string): Promise<{ status: number; body: unknown }> =>
    list(`$filter=${encodeURIComponent(expr)}`);
  const values = (body: unknown): string[] => (body as ListBody).value.map((i) => i.indicatorValue);

  it('lists every active indicator with @odata.context', async () => {
    const res = await list('');
    assert.equal(res.status, 200);
    assert.equal((res.body as ListBody)['@odata.context'], `${t.sim.url}/api/$metadata#Indicators`);
    assert.equal((res.body as ListBody).value.length, 5);
  });

  const filters: readonly [string, string[]][] = [
    ["indicatorValue eq 'a.example.com'", ['a.example.com']],
    ["indicatorValue eq 'A.EXAMPLE.COM'", ['a.example.com']],
    ["indicatorType eq 'IpAddress'", ['8.8.8.8', '1.1.1.1']],
    ["indicatorType eq 'IpAddress' and action eq 'Allowed'", ['1.1.1.1']],
    ["action eq 'Warn' or action eq 'Allowed'", ['b.example.com', '1.1.1.1']],
    ["not (indicatorType eq 'DomainName')", ["http://evil.example.com/o'neil?a=1&b=2", '8.8.8.8', '1.1.1.1']],
    [
      "contains(indicatorValue,'example')",
      ['a.example.com', 'b.example.com', "http://evil.example.com/o'neil?a=1&b=2"],
    ],
    ["startswith(indicatorValue,'8.')", ['8.8.8.8']],
    [
      "indicatorValue eq 'http://evil.example.com/o''neil?a=1&b=2'",
      ["http://evil.example.com/o'neil?a=1&b=2"],
    ],
    [
      'creationTimeDateTimeUtc ge 2026-12-01T00:00:00Z',
      ['a.example.com', 'b.example.com', "http://evil.example.com/o'neil?a=1&b=2", '8.8.8.8', '1.1.1.1'],
    ],
    ["indicatorValue eq 'nothing.example.com'", []],
  ];
  for (const [expr, expected] of filters) {
    it(`filters with ${expr}`, async () => {
      const res = await filter(expr);
      assert.equal(res.status, 200);
      assert.deepEqual(values(res.body), expected);
    });
  }

  it('reads a $filter whose spaces are written as + as in the documentation example', async () => {
    const res = await list("$filter=action+eq+'Warn'");
    assert.deepEqual(values(res.body), ['b.example.com']);
  });

  const badFilters: readonly [string, string][] = [
    ["indicatorValue eq 'unterminated", 'unterminated string literal'],
    ["noSuchField eq 'x'", "Could not find a property named 'noSuchField'"],
    ["indicatorValue eq 'a' and", 'unexpected end'],
    ["indicatorValue 'a'", 'Syntax error'],
    ["frobnicate(indicatorValue,'a')", "Unknown function 'frobnicate'"],
  ];
  for (const [expr, message] of badFilters) {
    it(`answers 400 ODataError for the filter ${expr}`, async () => {
      const res = await filter(expr);
      assert.equal(res.status, 400);
      assert.equal((res.body as DefenderErrorBody).error.code, 'ODataError');
      assert.ok(
        (res.body as DefenderErrorBody).error.message.includes(message),
        (res.body as DefenderErrorBody).error.message,
      );
    });
  }

  it('answers 400 for the unescaped quote a naive client would send', async () => {
    const res = await filter("indicatorValue eq 'http://evil.example.com/o'neil?a=1&b=2'");
    assert.equal(res.status, 400);
  });

  it('pages with $top and $skip and gives no nextLink when $top is set', async () => {
    const first = (await list('$top=2&$skip=0')).body as ListBody;
    const second = (await list('$top=2&$skip=2')).body as ListBody;
    assert.deepEqual(values(first), ['a.example.com', 'b.example.com']);
    assert.deepEqual(values(second), ["http://evil.example.com/o'neil?a=1&b=2", '8.8.8.8']);
    assert.equal(first['@odata.nextLink'], undefined);
  });

  it('answers 400 ODataError for $top above 10,000', async () => {
    const res = await list('$top=10001');
    assert.equal(res.status, 400);
    assert.equal((res.body as DefenderErrorBody).error.code, 'ODataError');
  });

  it('answers 400 ODataError for a negative $skip', async () => {
    const res = await list('$skip=-1');
    assert.equal(res.status, 400);
  });
});
