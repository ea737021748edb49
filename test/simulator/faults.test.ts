import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { AUDIENCE } from '../../simulator/index';
import { FaultInjector } from '../../simulator/core/faults';
import { indicatorBody, startTestSim, type TestSim } from './simHarness';

describe('simulator fault injector', () => {
  it('applies a throttle fault only to the endpoint it names', () => {
    const f = new FaultInjector();
    f.add({ endpoint: 'defender.submit', kind: 'throttle', count: 1 });
    assert.equal(f.decide('defender.list').action, undefined);
    assert.deepEqual(f.decide('defender.submit').action, {
      kind: 'throttle',
      retryAfterSeconds: 1,
      body: undefined,
    });
  });

  it('matches endpoint prefixes ending in *', () => {
    const f = new FaultInjector();
    f.add({ endpoint: 'defender.*', kind: 'drop' });
    assert.deepEqual(f.decide('defender.import').action, { kind: 'drop' });
  });

  it('keeps a latency fault without count for every request', () => {
    const f = new FaultInjector();
    f.add({ endpoint: '*', kind: 'latency', latencyMs: 5 });
    f.decide('a');
    assert.equal(f.decide('b').latencyMs, 5);
  });

  it('uses up a counted fault', () => {
    const f = new FaultInjector();
    f.add({ endpoint: 'x', kind: 'status', status: 500, count: 2 });
    f.decide('x');
    f.decide('x');
    assert.equal(f.decide('x').action, undefined);
  });
});

describe('simulator faults over HTTPS', () => {
  let t: TestSim;
  let token: string;
  before(async () => {
    t = await startTestSim({ now: () => new Date() });
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => {
    t.sim.reset();
    token = t.defenderToken();
  });
  const submit = (): ReturnType<TestSim['call']> =>
    t.call('POST', '/api/indicators', { token, body: indicatorBody() });

  it('answers 429 with Retry-After N times, then serves the request', async () => {
    t.sim.faults.set({ endpoint: 'defender.submit', kind: 'throttle', count: 2, retryAfterSeconds: 7 });
    const first = await submit();
    const second = await submit();
    const third = await submit();
    assert.deepEqual([first.status, second.status, third.status], [429, 429, 200]);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.equal((first.body as { error: { code: string } }).error.code, 'TooManyRequests');
    assert.equal(t.sim.log.count({ endpoint: 'defender.submit', status: 429 }), 2);
  });

  it('answers an injected 503 with the Defender error shape, then serves the request', async () => {
    t.sim.faults.set({ endpoint: 'defender.submit', kind: 'status', status: 503 });
    const first = await submit();
    assert.equal(first.status, 503);
    assert.equal((first.body as { error: { code: string } }).error.code, 'ServiceUnavailable');
    assert.equal((await submit()).status, 200);
  });

  it('answers an injected fault before checking the token', async () => {
    t.sim.faults.set({ endpoint: 'defender.list', kind: 'status', status: 500 });
    const res = await t.call('GET', '/api/indicators');
    assert.equal(res.status, 500);
  });

  it('drops the connection without an answer', async () => {
    t.sim.faults.set({ endpoint: 'defender.submit', kind: 'drop' });
    await assert.rejects(submit(), { name: 'TypeError', message: 'fetch failed' });
    assert.equal(t.sim.log.count({ endpoint: 'defender.submit' }), 1);
    assert.equal(t.sim.log.entries({ endpoint: 'defender.submit' })[0]?.dropped, true);
  });

  it('delays a request with a latency fault and still answers it', async () => {
    t.sim.faults.set({ endpoint: 'defender.list', kind: 'latency', latencyMs: 20, count: 1 });
    const res = await t.call('GET', '/api/indicators', { token });
    assert.equal(res.status, 200);
    assert.deepEqual(t.sim.faults.list(), []);
  });

  it('makes the token endpoint fail with an Entra-shaped error', async () => {
    t.sim.faults.set({ endpoint: 'entra.token', kind: 'status', status: 503 });
    const res = await t.call('POST', `/${t.sim.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: t.sim.clientId,
        client_secret: t.sim.clientSecret,
        scope: `${AUDIENCE.defender}/.default`,
      },
    });
    assert.equal(res.status, 503);
    assert.equal((res.body as { error: string }).error, 'temporarily_unavailable');
  });

  it('makes @azure/identity fail while the token endpoint drops connections', async () => {
    t.sim.faults.set({ endpoint: 'entra.token', kind: 'drop', count: 10 });
    const credential = new ClientSecretCredential(t.sim.tenantId, t.sim.clientId, t.sim.clientSecret, {
      authorityHost: t.sim.url,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 },
    });
    await assert.rejects(credential.getToken(`${AUDIENCE.defender}/.default`), {
      name: 'AuthenticationRequiredError',
    });
    assert.ok(t.sim.log.entries({ endpoint: 'entra.token' }).some((e) => e.dropped));
  });

  it('refuses a fault without a known kind', () => {
    assert.throws(() => t.sim.faults.set({ endpoint: 'x', kind: 'explode' as 'drop' }), {
      name: 'InvalidFaultError',
    });
  });
});
