import assert from 'node:assert/strict';
import { RateLimiter } from '../../simulator/core/rateLimiter';
import { indicatorBody, startTestSim, TestClock, type TestSim } from './simHarness';

describe('simulator rate limiter', () => {
  it('refuses the 101st call in a minute with the seconds until the oldest call leaves the window', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 100, perHour: 1500 } }, clock.now);
    for (let i = 0; i < 100; i += 1) {
      assert.deepEqual(limiter.take('x', 't'), { allowed: true });
      if (i === 0) clock.advance(10_000);
    }
    assert.deepEqual(limiter.take('x', 't'), { allowed: false, retryAfterSeconds: 50 });
  });

  it('allows calls again once the minute has passed', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 2 } }, clock.now);
    limiter.take('x', 't');
    limiter.take('x', 't');
    clock.advance(60_000);
    assert.deepEqual(limiter.take('x', 't'), { allowed: true });
  });

  it('refuses the 1,501st call in an hour even when every minute stayed under 100', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 100, perHour: 1500 } }, clock.now);
    for (let minute = 0; minute < 15; minute += 1) {
      for (let i = 0; i < 100; i += 1) assert.equal(limiter.take('x', 't').allowed, true);
      clock.advance(60_000);
    }
    assert.deepEqual(limiter.take('x', 't'), { allowed: false, retryAfterSeconds: 45 * 60 });
  });

  it('does not count refused calls', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 1 } }, clock.now);
    limiter.take('x', 't');
    for (let i = 0; i < 5; i += 1) limiter.take('x', 't');
    clock.advance(60_000);
    assert.deepEqual(limiter.take('x', 't'), { allowed: true });
  });

  it('keeps separate counts per bucket', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 1 }, y: { perMinute: 1 } }, clock.now);
    limiter.take('x', 't');
    assert.deepEqual(limiter.take('y', 't'), { allowed: true });
  });

  it('allows everything when switched off', () => {
    const clock = new TestClock();
    const limiter = new RateLimiter({ x: { perMinute: 1 } }, clock.now, false);
    limiter.take('x', 't');
    assert.deepEqual(limiter.take('x', 't'), { allowed: true });
  });
});

describe('simulator rate limits over HTTPS', () => {
  let t: TestSim;
  before(async () => {
    t = await startTestSim();
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => t.sim.reset());

  it('answers the 101st submit in a minute with 429 TooManyRequests and Retry-After', async () => {
    const token = t.defenderToken();
    for (let i = 0; i < 100; i += 1) {
      const res = await t.call('POST', '/api/indicators', {
        token,
        body: indicatorBody({ indicatorValue: `h${i}.example.com` }),
      });
      assert.equal(res.status, 200);
    }
    const res = await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '60');
    assert.equal((res.body as { error: { code: string } }).error.code, 'TooManyRequests');
    assert.equal(t.sim.log.count({ endpoint: 'defender.submit', status: 429 }), 1);
  });

  it('lets the next submit through after the injected clock moves a minute on', async () => {
    const token = t.defenderToken();
    for (let i = 0; i < 100; i += 1)
      await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    t.clock.advance(60_000);
    const res = await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    assert.equal(res.status, 200);
  });

  it('counts list calls in their own bucket, apart from submits', async () => {
    const token = t.defenderToken();
    for (let i = 0; i < 100; i += 1)
      await t.call('POST', '/api/indicators', { token, body: indicatorBody() });
    const res = await t.call('GET', '/api/indicators', { token });
    assert.equal(res.status, 200);
  });

  it('answers the 31st import in a minute with 429', async () => {
    const token = t.defenderToken();
    const body = { Indicators: [indicatorBody()] };
    for (let i = 0; i < 30; i += 1)
      assert.equal((await t.call('POST', '/api/indicators/import', { token, body })).status, 200);
    const res = await t.call('POST', '/api/indicators/import', { token, body });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '60');
  });

  it('answers no 429 when rate limits are switched off', async () => {
    t.sim.setRateLimits(false);
    const token = t.defenderToken();
    const body = { Indicators: [indicatorBody()] };
    for (let i = 0; i < 31; i += 1)
      assert.equal((await t.call('POST', '/api/indicators/import', { token, body })).status, 200);
    t.sim.setRateLimits(true);
  });
});
