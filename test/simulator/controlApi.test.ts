import assert from 'node:assert/strict';
import { indicatorBody, startTestSim, type TestSim } from './simHarness';

describe('simulator control API', () => {
  let t: TestSim;
  let token: string;
  before(async () => {
    t = await startTestSim();
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => {
    t.sim.reset();
    token = t.defenderToken();
  });

  it('sets a fault with POST /_sim/faults that then applies to the named endpoint', async () => {
    const set = await t.call('POST', '/_sim/faults', {
      body: { endpoint: 'defender.list', kind: 'status', status: 502 },
    });
    assert.equal(set.status, 200);
    assert.equal((await t.call('GET', '/api/indicators', { token })).status, 502);
  });

  it('accepts several faults at once as a list', async () => {
    await t.call('POST', '/_sim/faults', {
      body: [
        { endpoint: 'defender.list', kind: 'throttle' },
        { endpoint: 'defender.submit', kind: 'throttle' },
      ],
    });
    assert.equal(t.sim.faults.list().length, 2);
  });

  it('refuses an invalid fault with 400', async () => {
    const res = await t.call('POST', '/_sim/faults', {
      body: { endpoint: 'defender.list', kind: 'latency' },
    });
    assert.equal(res.status, 400);
  });

  it('clears faults with DELETE /_sim/faults', async () => {
    t.sim.faults.set({ endpoint: 'defender.list', kind: 'status', status: 500 });
    assert.equal((await t.call('DELETE', '/_sim/faults')).status, 204);
    assert.equal((await t.call('GET', '/api/indicators', { token })).status, 200);
  });

  it('lists logged requests with GET /_sim/requests filtered by endpoint, without its own calls', async () => {
    await t.call('GET', '/api/indicators', { token });
    await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    const res = await t.call('GET', '/_sim/requests?endpoint=defender.submit');
    const body = res.body as {
      count: number;
      value: { method: string; path: string; status: number; endpoint: string }[];
    };
    assert.equal(body.count, 1);
    assert.deepEqual(
      body.value.map((e) => [e.method, e.path, e.endpoint, e.status]),
      [['POST', '/api/indicators', 'defender.submit', 200]],
    );
    assert.equal(t.sim.log.count(), 2);
  });

  it('lists active indicators with GET /_sim/indicators', async () => {
    await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    const res = await t.call('GET', '/_sim/indicators');
    assert.equal((res.body as { count: number }).count, 1);
  });

  it('forgets indicators, faults and the log with POST /_sim/reset', async () => {
    await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    t.sim.faults.set({ endpoint: 'defender.list', kind: 'throttle' });
    assert.equal((await t.call('POST', '/_sim/reset')).status, 204);
    assert.equal(t.sim.indicators.activeCount(), 0);
    assert.deepEqual(t.sim.faults.list(), []);
    assert.equal(t.sim.log.count(), 0);
  });

  it('flips mobileAlerts with PUT /_sim/switches', async () => {
    const res = await t.call('PUT', '/_sim/switches', { body: { mobileAlerts: true } });
    assert.equal(res.status, 200);
    assert.equal(t.sim.switches.mobileAlerts, true);
    assert.deepEqual(res.body, { mobileAlerts: true, rateLimits: true });
  });

  it('refuses an unknown switch with 400', async () => {
    const res = await t.call('PUT', '/_sim/switches', { body: { everythingOn: true } });
    assert.equal(res.status, 400);
  });

  it('sets mobileAlerts back to its start value on reset', async () => {
    t.sim.switches.mobileAlerts = true;
    await t.call('POST', '/_sim/reset');
    assert.equal(t.sim.switches.mobileAlerts, false);
  });

  it('answers 404 for an unknown control route', async () => {
    const res = await t.call('GET', '/_sim/nothing');
    assert.equal(res.status, 404);
  });
});
