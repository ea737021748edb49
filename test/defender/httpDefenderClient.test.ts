import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { HttpDefenderClient, type IndicatorSubmission } from '../../bot/defender/defenderClient';
import { DEFENDER_RATE_LIMITS, RateLimiter } from '../../bot/http/rateLimiter';
import { FakeClock } from '../http/fakeClock';
import { FakeHttpServer, type FakeAnswer, type RecordedRequest } from './fakeHttpServer';
import { RecordingLogger } from './recordingLogger';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-value';

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function indicator(id: string, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    indicatorValue: value,
    indicatorType: 'DomainName',
    action: 'Block',
    title: 't',
    description: 'd',
    severity: 'High',
    generateAlert: true,
    rbacGroupNames: [],
    category: 1,
    creationTimeDateTimeUtc: '2026-12-01T00:00:00.1234567Z',
    ...extra,
  };
}

const block: IndicatorSubmission = {
  indicatorValue: 'evil.example',
  indicatorType: 'DomainName',
  action: 'Block',
  title: 'Block evil.example',
  description: 'Phishing',
  expirationTime: new Date('2026-12-31T12:00:00.456Z'),
  rbacGroupNames: ['Mobile'],
  generateAlert: true,
};

describe('HttpDefenderClient (against a plain HTTP fake)', () => {
  let server: FakeHttpServer;
  let clock: FakeClock;
  let logger: RecordingLogger;
  let client: HttpDefenderClient;

  beforeEach(async () => {
    server = await FakeHttpServer.start();
    clock = new FakeClock({ startMs: Date.now(), realTimeouts: true });
    logger = new RecordingLogger();
    client = new HttpDefenderClient({
      baseUrl: server.url,
      credential,
      rateLimiter: new RateLimiter(DEFENDER_RATE_LIMITS, { clock }),
      clock,
      random: () => 0.5,
      logger,
      retryPolicy: { baseDelayMs: 100, attemptTimeoutMs: 2000 },
      configuredDeviceGroups: ['Mobile', 'Android'],
    });
  });

  afterEach(() => server.close());

  const answer = (...answers: FakeAnswer[]): void => {
    let i = 0;
    server.handler = () => answers[Math.min(i++, answers.length - 1)] ?? { status: 500 };
  };
  const only = (): RecordedRequest => {
    assert.equal(server.requests.length, 1);
    const [first] = server.requests;
    assert.ok(first);
    return first;
  };

  describe('submit', () => {
    it('posts the indicator with a bearer token and the expiry without milliseconds', async () => {
      answer({ status: 200, body: indicator('7', 'evil.example') });
      await client.submit(block);
      const req = only();
      assert.deepEqual(
        [req.method, req.url, req.headers.authorization, req.body],
        [
          'POST',
          '/api/indicators',
          `Bearer ${TOKEN}`,
          {
            indicatorValue: 'evil.example',
            indicatorType: 'DomainName',
            action: 'Block',
            title: 'Block evil.example',
            description: 'Phishing',
            expirationTime: '2026-12-31T12:00:00Z',
            rbacGroupNames: ['Mobile'],
            generateAlert: true,
          },
        ],
      );
    });

    it('returns the indicator Defender answered, id as a decimal string', async () => {
      answer({ status: 200, body: indicator('7', 'evil.example', { mitreTechniques: ['T1566'] }) });
      const created = await client.submit(block);
      assert.deepEqual([created.id, created.mitreTechniques], ['7', ['T1566']]);
    });

    it('refuses an Audit indicator without generateAlert before sending anything', async () => {
      await assert.rejects(() => client.submit({ ...block, action: 'Audit', generateAlert: false }), {
        name: 'ValidationError',
      });
      assert.equal(server.requests.length, 0);
    });

    it("raises Defender's own error code and message on a 400", async () => {
      answer({
        status: 400,
        body: { error: { code: 'InvalidDomainName', message: 'Domain name x is invalid.', target: 'abc' } },
      });
      await assert.rejects(() => client.submit(block), {
        name: 'UpstreamError',
        code: 'upstream',
        status: 400,
        upstreamCode: 'InvalidDomainName',
        message: 'Domain name x is invalid.',
      });
    });

    it('does not retry a 400', async () => {
      answer({ status: 400, body: { error: { code: 'InvalidRequestBody', message: 'no' } } });
      await client.submit(block).catch(() => undefined);
      assert.equal(server.requests.length, 1);
    });

    it('retries a 503 and then succeeds', async () => {
      answer({ status: 503 }, { status: 200, body: indicator('7', 'evil.example') });
      assert.equal((await client.submit(block)).id, '7');
    });

    it('waits the Retry-After seconds of a 429 before trying again', async () => {
      answer(
        { status: 429, headers: { 'retry-after': '17' } },
        { status: 200, body: indicator('7', 'evil.example') },
      );
      await client.submit(block);
      assert.ok(clock.sleeps.includes(17_000), `sleeps: ${clock.sleeps.join(',')}`);
    });

    it('retries a dropped connection', async () => {
      answer({ drop: true }, { status: 200, body: indicator('7', 'evil.example') });
      assert.equal((await client.submit(block)).id, '7');
    });

    it('reports an answer without an id as an upstream error', async () => {
      answer({ status: 200, body: { indicatorValue: 'evil.example' } });
      await assert.rejects(() => client.submit(block), {
        name: 'UpstreamError',
        upstreamCode: 'InvalidResponse',
      });
    });

    it('never logs the token, even when requests fail', async () => {
      answer({ drop: true }, { status: 503 }, { status: 200, body: indicator('7', 'evil.example') });
      await client.submit(block);
      const all = logger.lines.join('\n');
      assert.ok(logger.lines.length >= 3);
      assert.ok(!all.includes(TOKEN) && !all.toLowerCase().includes('bearer'), all);
    });
  });

  describe('import', () => {
    const many = (n: number): IndicatorSubmission[] =>
      Array.from({ length: n }, (_, i) => ({ ...block, indicatorValue: `d${i}.example` }));
    const echo = (req: RecordedRequest): FakeAnswer => {
      const sent = (req.body as { Indicators: { indicatorValue: string }[] }).Indicators;
      return {
        status: 200,
        body: {
          value: sent.map((s, i) => ({
            id: String(i + 1),
            indicator: s.indicatorValue,
            isFailed: s.indicatorValue === 'd3.example',
            failureReason: s.indicatorValue === 'd3.example' ? 'Invalid domain' : null,
          })),
        },
      };
    };

    it('splits 1,200 indicators into calls of 500, 500 and 200', async () => {
      server.handler = echo;
      await client.import(many(1200));
      assert.deepEqual(
        server.requests.map((r) => (r.body as { Indicators: unknown[] }).Indicators.length),
        [500, 500, 200],
      );
    });

    it('surfaces the failure of each indicator Defender refused', async () => {
      server.handler = echo;
      const result = await client.import(many(5));
      assert.deepEqual(
        [result.failed, result.items[3]],
        [1, { indicatorValue: 'd3.example', id: '4', isFailed: true, failureReason: 'Invalid domain' }],
      );
    });

    it('reports an indicator that fails the local check as failed and does not send it', async () => {
      server.handler = echo;
      const result = await client.import([{ ...block, title: '' }, block]);
      assert.deepEqual(
        [result.items[0]?.isFailed, (only().body as { Indicators: unknown[] }).Indicators.length],
        [true, 1],
      );
    });

    it('makes no call for an empty import', async () => {
      assert.equal((await client.import([])).calls, 0);
    });
  });

  describe('list', () => {
    it('sends the filter percent-encoded so a value cannot break out of its literal', async () => {
      answer({ status: 200, body: { value: [] } });
      await client.list({
        filter: { indicatorValue: "a' or indicatorValue ne 'b&$top=1" },
        top: 10,
        skip: 20,
      });
      const url = new URL(only().url, server.url);
      assert.deepEqual(
        [url.searchParams.get('$filter'), url.searchParams.get('$top'), url.searchParams.get('$skip')],
        ["indicatorValue eq 'a'' or indicatorValue ne ''b&$top=1'", '10', '20'],
      );
    });

    it('refuses a page size above 10,000', async () => {
      await assert.rejects(() => client.list({ top: 10_001 }), { name: 'ValidationError' });
    });

    const pagedServer = (rows: () => Record<string, unknown>[]) => (req: RecordedRequest) => {
      const url = new URL(req.url, server.url);
      const skip = Number(url.searchParams.get('$skip'));
      const top = Number(url.searchParams.get('$top'));
      return { status: 200, body: { value: rows().slice(skip, skip + top) } };
    };

    it('pages through everything with $top and $skip', async () => {
      const rows = Array.from({ length: 7 }, (_, i) => indicator(String(i + 1), `d${i}.example`));
      server.handler = pagedServer(() => rows);
      const got = await client.listAll({}, { pageSize: 3 });
      assert.deepEqual(
        got.map((i) => i.id),
        ['1', '2', '3', '4', '5', '6', '7'],
      );
    });

    it('misses no indicator when others are deleted while it pages', async () => {
      const rows = Array.from({ length: 7 }, (_, i) => indicator(String(i + 1), `d${i}.example`));
      let calls = 0;
      // After the first page, indicators 1 and 2 are deleted: every later offset shifts left by two.
      server.handler = pagedServer(() => (++calls > 1 ? rows.slice(2) : rows));
      const got = await client.listAll({}, { pageSize: 3 });
      assert.deepEqual(got.map((i) => i.id).sort(), ['1', '2', '3', '4', '5', '6', '7']);
    });

    it('returns each indicator once when others are created while it pages', async () => {
      const rows = Array.from({ length: 7 }, (_, i) => indicator(String(i + 1), `d${i}.example`));
      let calls = 0;
      server.handler = pagedServer(() => (++calls > 1 ? [indicator('100', 'new.example'), ...rows] : rows));
      const got = await client.listAll({}, { pageSize: 3 });
      assert.equal(new Set(got.map((i) => i.id)).size, got.length);
    });

    it('finds only the exact value, of the requested type', async () => {
      answer({
        status: 200,
        body: { value: [indicator('1', 'evil.example'), indicator('2', 'evil.example.org')] },
      });
      assert.deepEqual(
        (await client.findByValue('DomainName', 'evil.example')).map((i) => i.id),
        ['1'],
      );
    });
  });

  describe('getById and delete', () => {
    it('answers undefined for an indicator Defender does not know', async () => {
      answer({ status: 404, body: { error: { code: 'ResourceNotFound', message: 'gone' } } });
      assert.equal(await client.getById('99'), undefined);
    });

    it('refuses an id that is not a decimal number before sending anything', async () => {
      await assert.rejects(() => client.getById('1/../../x'), { name: 'ValidationError' });
      assert.equal(server.requests.length, 0);
    });

    it('deletes by id', async () => {
      answer({ status: 204 });
      assert.deepEqual(
        [await client.delete('12'), only().method, only().url],
        ['deleted', 'DELETE', '/api/indicators/12'],
      );
    });

    it('says notFound when the indicator to delete does not exist', async () => {
      answer({ status: 404 });
      assert.equal(await client.delete('12'), 'notFound');
    });
  });

  describe('batchDelete', () => {
    it('splits 1,001 ids into calls of 500, 500 and 1 with the IndicatorIds key', async () => {
      answer({ status: 204 });
      const ids = Array.from({ length: 1001 }, (_, i) => String(i + 1));
      const result = await client.batchDelete(ids);
      assert.deepEqual(
        [
          result.calls,
          server.requests.map((r) => (r.body as { IndicatorIds: unknown[] }).IndicatorIds.length),
        ],
        [3, [500, 500, 1]],
      );
    });

    it('marks a batch Defender answered 404 as someNotFound', async () => {
      answer({ status: 404 });
      assert.equal((await client.batchDelete(['1'])).batches[0]?.outcome, 'someNotFound');
    });
  });

  describe('discoverDeviceGroups', () => {
    it("reads the groups from Defender's machine-group exposure scores", async () => {
      answer({ status: 200, body: { value: [{ rbacGroupName: 'Mobile', rbacGroupId: 75, score: 1 }] } });
      assert.deepEqual(await client.discoverDeviceGroups(), {
        source: 'defender',
        groups: [{ name: 'Mobile', id: '75' }],
      });
    });

    it('falls back to the configured groups when Defender refuses', async () => {
      answer({ status: 403, body: { error: { code: 'Forbidden', message: 'Missing Score.Read.All' } } });
      const found = await client.discoverDeviceGroups();
      assert.deepEqual([found.source, found.groups.map((g) => g.name)], ['config', ['Mobile', 'Android']]);
    });
  });
});
