/**
 * The same behaviours checked against the in-memory FakeDefenderClient and the real client on the simulator,
 * so tests that use the fake rely on nothing the real client does not do.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  HttpDefenderClient,
  type DefenderClient,
  type IndicatorSubmission,
} from '../../bot/defender/defenderClient';
import { DEFENDER_RATE_LIMITS, RateLimiter } from '../../bot/http/rateLimiter';
import { createAppCredential } from '../../bot/identity/credentials';
import { Secret } from '../../bot/secret';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { FakeDefenderClient } from './fakeDefenderClient';

function caDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, '.data', 'test-ca');
}

const domain = (value: string, extra: Partial<IndicatorSubmission> = {}): IndicatorSubmission => ({
  indicatorValue: value,
  indicatorType: 'DomainName',
  action: 'Block',
  title: `Block ${value}`,
  description: 'Contract test',
  generateAlert: true,
  ...extra,
});

interface Subject {
  readonly name: string;
  setUp(): Promise<void>;
  fresh(): DefenderClient;
  tearDown(): Promise<void>;
}

let sim: RunningSimulator | undefined;
const subjects: Subject[] = [
  {
    name: 'FakeDefenderClient',
    setUp: () => Promise.resolve(),
    fresh: () => new FakeDefenderClient(),
    tearDown: () => Promise.resolve(),
  },
  {
    name: 'HttpDefenderClient on the simulator',
    setUp: async () => {
      sim = await startSimulator({ port: 0, caDir: caDir() });
    },
    fresh: () => {
      if (sim === undefined) throw new Error('simulator not started');
      sim.reset();
      return new HttpDefenderClient({
        baseUrl: sim.url,
        credential: createAppCredential({
          tenantId: sim.tenantId,
          clientId: sim.clientId,
          clientSecret: new Secret(sim.clientSecret),
          authorityHost: sim.url,
          useManagedIdentity: false,
        }),
        rateLimiter: new RateLimiter(DEFENDER_RATE_LIMITS),
      });
    },
    tearDown: async () => {
      await sim?.close();
    },
  },
];

for (const subject of subjects) {
  describe(`DefenderClient contract: ${subject.name}`, function () {
    this.timeout(20_000);
    let client: DefenderClient;
    before(() => subject.setUp());
    after(() => subject.tearDown());
    beforeEach(() => {
      client = subject.fresh();
    });

    it('finds a submitted indicator by its value', async () => {
      const created = await client.submit(domain('contract.example'));
      assert.deepEqual(
        (await client.findByValue('DomainName', 'contract.example')).map((i) => i.id),
        [created.id],
      );
    });

    it('updates in place when the same value and action are submitted again', async () => {
      const first = await client.submit(domain('contract.example'));
      const again = await client.submit(domain('contract.example', { title: 'Renamed' }));
      assert.deepEqual([again.id, (await client.getById(first.id))?.title], [first.id, 'Renamed']);
    });

    it('keeps a separate indicator for another action on the same value', async () => {
      await client.submit(domain('contract.example'));
      await client.submit(domain('contract.example', { action: 'Audit' }));
      assert.equal((await client.findByValue('DomainName', 'contract.example')).length, 2);
    });

    it('forgets a deleted indicator', async () => {
      const created = await client.submit(domain('contract.example'));
      await client.delete(created.id);
      assert.equal(await client.getById(created.id), undefined);
    });

    it('reports a batch delete with an unknown id as someNotFound', async () => {
      const created = await client.submit(domain('contract.example'));
      assert.equal((await client.batchDelete([created.id, '424242'])).batches[0]?.outcome, 'someNotFound');
    });

    it('filters the list by severity', async () => {
      await client.submit(domain('low.example', { severity: 'Low' }));
      await client.submit(domain('high.example', { severity: 'High' }));
      assert.deepEqual(
        (await client.list({ filter: { severity: 'Low' } })).value.map((i) => i.indicatorValue),
        ['low.example'],
      );
    });

    it('refuses Audit without generateAlert', async () => {
      await assert.rejects(
        () => client.submit(domain('audit.example', { action: 'Audit', generateAlert: false })),
        {
          name: 'ValidationError',
        },
      );
    });

    it('refuses an id that is not a decimal number', async () => {
      await assert.rejects(() => client.delete('abc'), { name: 'ValidationError' });
    });
  });
}
