import assert from 'node:assert/strict';
import { indicatorBody, startTestSim, type TestSim } from './simHarness';

interface DefenderErrorBody {
  error: { code: string; message: string };
}
interface ImportResult {
  id: string | null;
  indicator: string | null;
  isFailed: boolean;
  failureReason: string | null;
}

describe('simulator Defender indicators: import and BatchDelete', () => {
  let t: TestSim;
  let token: string;
  before(async () => {
    t = await startTestSim({ rateLimits: false });
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => {
    t.sim.reset();
    t.sim.setRateLimits(false);
    token = t.defenderToken();
  });
  const importCall = (body: unknown): ReturnType<TestSim['call']> =>
    t.call('POST', '/api/indicators/import', { token, body });
  const batchDelete = (body: unknown): ReturnType<TestSim['call']> =>
    t.call('POST', '/api/indicators/BatchDelete', { token, body });

  it('imports a batch and answers a result per indicator, failures inside a 200', async () => {
    const res = await importCall({
      Indicators: [
        indicatorBody({ indicatorValue: 'a.example.com' }),
        indicatorBody({ indicatorType: 'IpAddress', indicatorValue: '192.168.1.1' }),
        indicatorBody({ indicatorValue: 'b.example.com' }),
      ],
    });
    assert.equal(res.status, 200);
    const value = (res.body as { value: ImportResult[] }).value;
    assert.equal(value.length, 3);
    assert.deepEqual(
      value.map((v) => [v.indicator, v.isFailed]),
      [
        ['a.example.com', false],
        ['192.168.1.1', true],
        ['b.example.com', false],
      ],
    );
    assert.match(value[0]?.id ?? '', /^\d+$/);
    assert.equal(value[1]?.id, null);
    assert.match(value[1]?.failureReason ?? '', /IP address 192\.168\.1\.1 is invalid/);
    assert.equal(value[0]?.failureReason, null);
  });

  it('accepts 500 indicators in one import', async () => {
    const items = Array.from({ length: 500 }, (_, i) =>
      indicatorBody({ indicatorValue: `host${i}.example.com` }),
    );
    const res = await importCall({ Indicators: items });
    assert.equal(res.status, 200);
    assert.equal(t.sim.indicators.activeCount(), 500);
  });

  it('refuses 501 indicators with 400 MaximumBatchSizeExceeded', async () => {
    const items = Array.from({ length: 501 }, (_, i) =>
      indicatorBody({ indicatorValue: `host${i}.example.com` }),
    );
    const res = await importCall({ Indicators: items });
    assert.equal(res.status, 400);
    assert.equal((res.body as DefenderErrorBody).error.code, 'MaximumBatchSizeExceeded');
    assert.equal(
      (res.body as DefenderErrorBody).error.message,
      'Maximum batch size exceeded. Received: 501, allowed: 500.',
    );
  });

  it('refuses an empty import with 400', async () => {
    const res = await importCall({ Indicators: [] });
    assert.equal(res.status, 400);
  });

  it('refuses an import whose key is not capitalised as Indicators', async () => {
    const res = await importCall({ indicators: [indicatorBody()] });
    assert.equal(res.status, 400);
    assert.equal((res.body as DefenderErrorBody).error.code, 'MissingRequiredParameter');
  });

  it('deletes a batch of ids with 204', async () => {
    const imported = (
      await importCall({
        Indicators: [
          indicatorBody({ indicatorValue: 'a.example.com' }),
          indicatorBody({ indicatorValue: 'b.example.com' }),
        ],
      })
    ).body as { value: ImportResult[] };
    const res = await batchDelete({ IndicatorIds: imported.value.map((v) => v.id) });
    assert.equal(res.status, 204);
    assert.equal(t.sim.indicators.activeCount(), 0);
  });

  it('answers 404 and deletes nothing when one id does not exist', async () => {
    const created = (await t.call('POST', '/api/indicators', { token, body: indicatorBody() })).body as {
      id: string;
    };
    const res = await batchDelete({ IndicatorIds: [created.id, '98765'] });
    assert.equal(res.status, 404);
    assert.equal(t.sim.indicators.activeCount(), 1);
  });

  const badBatches: readonly [string, unknown, string][] = [
    ['an empty id list', { IndicatorIds: [] }, 'InvalidRequestBody'],
    [
      '501 ids',
      { IndicatorIds: Array.from({ length: 501 }, (_, i) => String(i + 1)) },
      'MaximumBatchSizeExceeded',
    ],
    ['an id that is not a number', { IndicatorIds: ['abc'] }, 'InvalidInput'],
    ['no IndicatorIds', { ids: ['1'] }, 'MissingRequiredParameter'],
  ];
  for (const [what, body, code] of badBatches) {
    it(`refuses a BatchDelete with ${what} with 400 ${code}`, async () => {
      const res = await batchDelete(body);
      assert.equal(res.status, 400);
      assert.equal((res.body as DefenderErrorBody).error.code, code);
    });
  }
});
