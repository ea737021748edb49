/**
 * HttpDefenderClient against the real simulator over HTTPS, with its Entra, rate limits and faults. The mocha
 * process must trust the test CA (`NODE_EXTRA_CA_CERTS=<repo>/.data/test-ca/ca.pem`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { HttpDefenderClient, type IndicatorSubmission } from '../../bot/defender/defenderClient';
import {
  DEFENDER_RATE_LIMITS,
  DefenderBucket,
  RateLimiter,
  type RateLimitTable,
} from '../../bot/http/rateLimiter';
import { createAppCredential } from '../../bot/identity/credentials';
import { Secret } from '../../bot/secret';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { FakeClock } from '../http/fakeClock';
import { RecordingLogger } from './recordingLogger';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}
const caDir = path.join(repoRoot(), '.data', 'test-ca');

function credentialFor(sim: RunningSimulator, secret = sim.clientSecret): TokenCredential {
  return createAppCredential({
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: new Secret(secret),
    authorityHost: sim.url,
    useManagedIdentity: false,
  });
}

const domain = (value: string, extra: Partial<IndicatorSubmission> = {}): IndicatorSubmission => ({
  indicatorValue: value,
  indicatorType: 'DomainName',
  action: 'Block',
  title: `Block ${value}`,
  description: 'Test indicator',
  severity: 'High',
  generateAlert: true,
  ...extra,
});

describe('HttpDefenderClient against the simulator', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let credential: TokenCredential;
  let clock: FakeClock;
  let logger: RecordingLogger;
  let client: HttpDefenderClient;

  const makeClient = (
    options: { credential?: TokenCredential; limits?: RateLimitTable } = {},
  ): HttpDefenderClient =>
    new HttpDefenderClient({
      baseUrl: sim.url,
      credential: options.credential ?? credential,
      rateLimiter: new RateLimiter(options.limits ?? DEFENDER_RATE_LIMITS, { clock }),
      clock,
      logger,
      retryPolicy: { baseDelayMs: 200, maxDelayMs: 2000, attemptTimeoutMs: 1500 },
      configuredDeviceGroups: ['FromConfig'],
    });

  before(async () => {
    sim = await startSimulator({ port: 0, caDir });
    credential = credentialFor(sim);
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.reset();
    // Virtual sleeps (backoff, Retry-After, pacing) with real attempt timeouts, since the I/O is real.
    clock = new FakeClock({ startMs: Date.now(), realTimeouts: true });
    logger = new RecordingLogger();
    client = makeClient();
  });

  describe('authentication', () => {
    it('gets a token from the simulated Entra with the client secret and calls Defender with it', async () => {
      await client.submit(domain('auth.example'));
      const [entry] = sim.log.entries({ endpoint: 'defender.submit' });
      assert.deepEqual([entry?.status, entry?.appid], [200, sim.clientId]);
    });

    it('reports a wrong client secret as an Entra upstream error without retrying it', async () => {
      const wrong = makeClient({ credential: credentialFor(sim, 'not-the-secret') });
      await assert.rejects(() => wrong.submit(domain('auth.example')), {
        name: 'UpstreamError',
        service: 'entra',
        status: 401,
        upstreamCode: 'invalid_client',
      });
      assert.deepEqual(
        [sim.log.count({ endpoint: 'entra.token' }), sim.log.count({ endpoint: 'defender.submit' })],
        [1, 0],
      );
    });

    it('never logs the token or the client secret', async () => {
      sim.faults.set({ endpoint: 'defender.submit', kind: 'status', status: 503, count: 1 });
      await client.submit(domain('auth.example'));
      const token = await credential.getToken('https://api.securitycenter.microsoft.com/.default');
      const text = logger.text();
      assert.ok(logger.lines.length > 0);
      assert.ok(token !== null && !text.includes(token.token), text);
      assert.ok(!text.includes(sim.clientSecret) && !text.includes(sim.clientId), text);
    });
  });

  describe('endpoints', () => {
    it('submits an indicator and reads it back by id', async () => {
      const created = await client.submit(domain('read-back.example', { rbacGroupNames: [] }));
      const read = await client.getById(created.id);
      assert.deepEqual(
        [read?.indicatorValue, read?.action, /^\d+$/.test(created.id)],
        ['read-back.example', 'Block', true],
      );
    });

    it('updates the indicator on a second submit of the same value and action', async () => {
      const first = await client.submit(domain('upsert.example'));
      const second = await client.submit(domain('upsert.example', { title: 'New title' }));
      assert.deepEqual([second.id, second.title], [first.id, 'New title']);
    });

    it("surfaces Defender's error code for an indicator it refuses", async () => {
      await assert.rejects(
        () => client.submit({ ...domain('x'), indicatorType: 'IpAddress', indicatorValue: '10.0.0.1' }),
        { name: 'UpstreamError', status: 400, upstreamCode: 'InvalidIpAddress' },
      );
    });

    it('answers undefined for an id the simulator does not know', async () => {
      assert.equal(await client.getById('999999'), undefined);
    });

    it('imports indicators and reports the ones Defender refused', async () => {
      const result = await client.import([
        domain('import-a.example'),
        { ...domain('x'), indicatorType: 'IpAddress', indicatorValue: '192.168.1.1' },
        domain('import-b.example'),
      ]);
      assert.deepEqual(
        result.items.map((i) => [i.indicatorValue, i.isFailed]),
        [
          ['import-a.example', false],
          ['192.168.1.1', true],
          ['import-b.example', false],
        ],
      );
    });

    it('lists with a filter, $top and $skip', async () => {
      await client.import(['l1', 'l2', 'l3'].map((v) => domain(`${v}.example`, { severity: 'Low' })));
      await client.submit(domain('other.example', { severity: 'High' }));
      const page = await client.list({ filter: { severity: 'Low' }, top: 2, skip: 1 });
      assert.deepEqual(page.value.length, 2);
    });

    it('pages through every indicator with listAll', async () => {
      await client.import(Array.from({ length: 7 }, (_, i) => domain(`page${i}.example`)));
      const all = await client.listAll({}, { pageSize: 3 });
      assert.deepEqual(
        all.map((i) => i.indicatorValue).sort(),
        Array.from({ length: 7 }, (_, i) => `page${i}.example`),
      );
    });

    it('deletes an indicator, and says notFound the second time', async () => {
      const created = await client.submit(domain('delete-me.example'));
      assert.deepEqual(
        [await client.delete(created.id), await client.delete(created.id)],
        ['deleted', 'notFound'],
      );
    });

    it('deletes a batch of indicators', async () => {
      const result = await client.import(['b1', 'b2', 'b3'].map((v) => domain(`${v}.example`)));
      const ids = result.items.map((i) => i.id ?? '');
      await client.batchDelete(ids);
      assert.equal((await client.listAll()).length, 0);
    });

    it('marks a batch with an unknown id as someNotFound', async () => {
      const created = await client.submit(domain('batch-missing.example'));
      const result = await client.batchDelete([created.id, '987654']);
      assert.equal(result.batches[0]?.outcome, 'someNotFound');
    });

    it("discovers the simulator's device groups from the machine-group scores", async () => {
      const found = await client.discoverDeviceGroups();
      assert.equal(found.source, 'defender');
      assert.ok(found.groups.length > 0 && found.groups.every((g) => g.id !== undefined));
    });
  });

  describe('escaping', () => {
    const tricky = "https://evil.example/o'reilly";

    beforeEach(async () => {
      await client.import([
        { ...domain('x'), indicatorType: 'Url', indicatorValue: tricky },
        { ...domain('x'), indicatorType: 'Url', indicatorValue: 'https://evil.example/o' },
        { ...domain('x'), indicatorType: 'Url', indicatorValue: 'https://evil.example/reilly' },
        domain('evil.example', { title: "O'Brien or 1 eq 1" }),
        domain('decoy.example', { title: "O'Brien" }),
      ]);
    });

    it("finds a value containing ' exactly, with the simulator's own filter", async () => {
      const page = await client.list({ filter: { indicatorType: 'Url', indicatorValue: tricky } });
      assert.deepEqual(
        page.value.map((i) => i.indicatorValue),
        [tricky],
      );
    });

    it("finds a title containing ' and ' or ' exactly", async () => {
      const page = await client.list({ filter: { title: "O'Brien or 1 eq 1" } });
      assert.deepEqual(
        page.value.map((i) => i.indicatorValue),
        ['evil.example'],
      );
    });

    it('finds nothing for a value that tries to widen the filter', async () => {
      const page = await client.list({ filter: { indicatorValue: "x' or indicatorValue ne 'x" } });
      assert.equal(page.value.length, 0);
    });

    it('findByValue returns exactly the indicator on that value', async () => {
      const found = await client.findByValue('Url', tricky);
      assert.deepEqual(
        found.map((i) => i.indicatorValue),
        [tricky],
      );
    });
  });

  describe('faults', () => {
    it('retries an attempt that outlives its timeout because of latency', async () => {
      sim.faults.set({ endpoint: 'defender.submit', kind: 'latency', latencyMs: 4000, count: 1 });
      await client.submit(domain('slow.example'));
      assert.match(logger.text(), /"failure":"timeout"/);
    });

    it('rides out a burst of 429s, waiting the Retry-After the simulator sent', async () => {
      sim.faults.set({ endpoint: 'defender.submit', kind: 'throttle', count: 3, retryAfterSeconds: 7 });
      await client.submit(domain('throttled.example'));
      assert.deepEqual(
        [
          sim.log.count({ endpoint: 'defender.submit', status: 429 }),
          clock.sleeps.filter((s) => s === 7000).length,
        ],
        [3, 3],
      );
    });

    it('retries server errors until the simulator recovers', async () => {
      sim.faults.set({ endpoint: 'defender.list', kind: 'status', status: 503, count: 2 });
      await client.list();
      assert.deepEqual(
        sim.log.entries({ endpoint: 'defender.list' }).map((e) => e.status),
        [503, 503, 200],
      );
    });

    it('gives up with an upstream error when the server errors outlast the attempts', async () => {
      sim.faults.set({ endpoint: 'defender.list', kind: 'status', status: 500, count: 100 });
      await assert.rejects(() => client.list(), { name: 'UpstreamError', status: 500 });
    });

    it('retries a dropped connection', async () => {
      sim.faults.set({ endpoint: 'defender.import', kind: 'drop', count: 1 });
      const result = await client.import([domain('dropped.example')]);
      assert.deepEqual([result.failed, sim.log.count({ endpoint: 'defender.import' })], [0, 2]);
    });

    it('gets a token after the token endpoint failed once', async () => {
      sim.faults.set({ endpoint: 'entra.token', kind: 'status', status: 503, count: 1 });
      const fresh = makeClient({ credential: credentialFor(sim) });
      await fresh.submit(domain('token-retry.example'));
      assert.ok(sim.log.count({ endpoint: 'entra.token', status: 503 }) === 1);
    });

    it('reports an Entra upstream error when the token endpoint keeps failing', async () => {
      sim.faults.set({ endpoint: 'entra.token', kind: 'status', status: 400, count: 100 });
      const fresh = makeClient({ credential: credentialFor(sim) });
      await assert.rejects(() => fresh.submit(domain('no-token.example')), {
        name: 'UpstreamError',
        service: 'entra',
        status: 400,
      });
    });
  });
});

describe('HttpDefenderClient pacing against the simulator', function () {
  this.timeout(60_000);
  const IMPORT_PER_MINUTE = 2;
  let sim: RunningSimulator;
  let clock: FakeClock;

  before(async () => {
    clock = new FakeClock({ startMs: Date.now(), realTimeouts: true });
    // The simulator and the client share one virtual clock, so a minute of pacing costs no real time.
    sim = await startSimulator({
      port: 0,
      caDir,
      now: () => new Date(clock.now()),
      rateLimitOverrides: { [DefenderBucket.import]: { perMinute: IMPORT_PER_MINUTE } },
    });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  const clientWith = (limits: RateLimitTable): HttpDefenderClient =>
    new HttpDefenderClient({
      baseUrl: sim.url,
      credential: credentialFor(sim),
      rateLimiter: new RateLimiter(limits, { clock }),
      clock,
      retryPolicy: { maxAttempts: 1 },
    });
  const twoThousand = Array.from({ length: 2000 }, (_, i) => domain(`bulk${i}.example`));

  it('imports 2,000 indicators in 4 calls with no 429, waiting for the limit instead', async () => {
    const client = clientWith({
      ...DEFENDER_RATE_LIMITS,
      [DefenderBucket.import]: [{ limit: IMPORT_PER_MINUTE, windowMs: 60_000 }],
    });
    const result = await client.import(twoThousand);
    assert.deepEqual(
      [
        result.calls,
        result.failed,
        sim.log.count({ endpoint: DefenderBucket.import }),
        sim.log.count({ status: 429 }),
        clock.sleeps.some((s) => s >= 60_000),
      ],
      [4, 0, 4, 0, true],
    );
  });

  it('would have been throttled without the pacing (the test above can fail)', async () => {
    const client = clientWith({
      ...DEFENDER_RATE_LIMITS,
      [DefenderBucket.import]: [{ limit: 1000, windowMs: 60_000 }],
    });
    await assert.rejects(() => client.import(twoThousand), { name: 'UpstreamError', status: 429 });
  });
});
