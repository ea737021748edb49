import assert from 'node:assert/strict';
import {
  DEFENDER_RATE_LIMITS,
  DefenderBucket,
  RateLimiter,
  sharedDefenderRateLimiter,
} from '../../bot/http/rateLimiter';
import { FakeClock } from './fakeClock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The largest number of `times` inside any half-open interval of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function startTimes(
  limiter: RateLimiter,
  clock: FakeClock,
  bucket: string,
  n: number,
): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async () => {
      await limiter.acquire(bucket);
      times.push(clock.now());
    }),
  );
  return times;
}

describe('RateLimiter', () => {
  it('lets the first `limit` calls of a bucket through without waiting', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ b: [{ limit: 3, windowMs: MINUTE }] }, { clock });
    const waits = [await limiter.acquire('b'), await limiter.acquire('b'), await limiter.acquire('b')];
    assert.deepEqual(waits, [0, 0, 0]);
  });

  it('holds the call over the limit until the oldest call leaves the window, plus the margin', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ b: [{ limit: 2, windowMs: MINUTE }] }, { clock, marginMs: 500 });
    await limiter.acquire('b');
    await limiter.acquire('b');
    const start = clock.now();
    await limiter.acquire('b');
    assert.equal(clock.now() - start, MINUTE + 500);
  });

  it('queues concurrent callers instead of failing any of them', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ b: [{ limit: 5, windowMs: MINUTE }] }, { clock });
    const times = await startTimes(limiter, clock, 'b', 23);
    assert.equal(times.length, 23);
  });

  const cases: { name: string; bucket: string; calls: number }[] = [
    { name: 'indicator submissions', bucket: DefenderBucket.submit, calls: 1650 },
    { name: 'imports', bucket: DefenderBucket.import, calls: 95 },
    { name: 'batch deletes', bucket: DefenderBucket.batchDelete, calls: 1550 },
  ];
  for (const c of cases) {
    it(`never lets Defender's documented limits be exceeded in any window for ${c.name}`, async () => {
      const clock = new FakeClock();
      const limiter = new RateLimiter(DEFENDER_RATE_LIMITS, { clock, marginMs: 0 });
      const times = await startTimes(limiter, clock, c.bucket, c.calls);
      for (const rule of DEFENDER_RATE_LIMITS[c.bucket] ?? []) {
        assert.ok(maxInWindow(times, rule.windowMs) <= rule.limit, `${rule.limit} per ${rule.windowMs} ms`);
        assert.equal(maxInWindow(times, rule.windowMs), Math.min(rule.limit, c.calls));
      }
    });
  }

  it('applies the hourly limit of 1,500 to indicator calls even when the minute limit would allow more', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(DEFENDER_RATE_LIMITS, { clock, marginMs: 0 });
    const times = await startTimes(limiter, clock, DefenderBucket.list, 1501);
    const sorted = times.sort((a, b) => a - b);
    assert.ok((sorted[1500] ?? 0) - (sorted[0] ?? 0) >= HOUR);
  });

  it('counts each bucket separately', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(
      { a: [{ limit: 1, windowMs: MINUTE }], b: [{ limit: 1, windowMs: MINUTE }] },
      { clock },
    );
    await limiter.acquire('a');
    assert.equal(await limiter.acquire('b'), 0);
  });

  it('holds every caller of a bucket until the time given to blockUntil', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ b: [{ limit: 100, windowMs: MINUTE }] }, { clock });
    limiter.blockUntil('b', clock.now() + 7000);
    assert.deepEqual(await Promise.all([limiter.acquire('b'), limiter.acquire('b')]), [7000, 7000]);
  });

  it('refuses a bucket that has no limits configured', async () => {
    const limiter = new RateLimiter({}, { clock: new FakeClock() });
    await assert.rejects(() => limiter.acquire('nope'), { name: 'RangeError' });
  });

  it('refuses a limit that is not a positive whole number', () => {
    assert.throws(() => new RateLimiter({ b: [{ limit: 0, windowMs: MINUTE }] }), { name: 'RangeError' });
  });

  it('hands every caller in the process the same Defender limiter', () => {
    assert.equal(sharedDefenderRateLimiter(), sharedDefenderRateLimiter());
  });
});
