import assert from 'node:assert/strict';
import { backoffDelay, parseRetryAfter, retry, RetryableError, type RetryPolicy } from '../../bot/http/retry';
import { FakeClock } from './fakeClock';

const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  attemptTimeoutMs: 10_000,
  deadlineMs: 60_000,
};

class Boom extends Error {
  override readonly name = 'Boom';
}

/** An operation that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]): { op: () => Promise<string>; attempts: () => number } {
  let calls = 0;
  return {
    op: () => {
      calls += 1;
      const e = errors[calls - 1];
      return e === undefined ? Promise.resolve('ok') : Promise.reject(e);
    },
    attempts: () => calls,
  };
}

const transient = (): RetryableError => new RetryableError(new Boom('transient'));

describe('retry', () => {
  it('returns the first success without sleeping', async () => {
    const clock = new FakeClock();
    assert.equal(await retry(() => Promise.resolve(42), policy, { clock }), 42);
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries retryable failures with doubling, jittered delays', async () => {
    const clock = new FakeClock();
    const f = failing(transient(), transient(), transient());
    assert.equal(await retry(f.op, policy, { clock, random: () => 0.5 }), 'ok');
    assert.deepEqual(clock.sleeps, [750, 1500, 3000]);
  });

  it('waits what the server asked for instead of the backoff', async () => {
    const clock = new FakeClock();
    const f = failing(new RetryableError(new Boom('throttled'), 12_000));
    await retry(f.op, policy, { clock, random: () => 0.5 });
    assert.deepEqual(clock.sleeps, [12_000]);
  });

  it('throws a non-retryable error at once', async () => {
    const f = failing(new Boom('permanent'));
    await assert.rejects(() => retry(f.op, policy, { clock: new FakeClock() }), {
      name: 'Boom',
      message: 'permanent',
    });
    assert.equal(f.attempts(), 1);
  });

  it('gives up after the last attempt with the failure the operation reported', async () => {
    const f = failing(...Array.from({ length: 9 }, transient));
    await assert.rejects(() => retry(f.op, policy, { clock: new FakeClock(), random: () => 0 }), {
      name: 'Boom',
      message: 'transient',
    });
    assert.equal(f.attempts(), policy.maxAttempts);
  });

  it('gives up when the next wait would pass the deadline', async () => {
    const f = failing(new RetryableError(new Boom('throttled'), 61_000));
    await assert.rejects(() => retry(f.op, policy, { clock: new FakeClock() }), { name: 'Boom' });
    assert.equal(f.attempts(), 1);
  });

  it('aborts an attempt that outlives its timeout and tries again', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const result = await retry(
      ({ signal }) => {
        calls += 1;
        if (calls > 1) return Promise.resolve('second');
        return new Promise<string>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Boom('aborted'))),
        );
      },
      policy,
      { clock, random: () => 0 },
    );
    assert.equal(result, 'second');
  });

  it('does not count time spent waiting before an attempt against the deadline', async () => {
    const clock = new FakeClock();
    const f = failing(transient(), transient());
    const result = await retry(
      f.op,
      { ...policy, deadlineMs: 5000 },
      {
        clock,
        random: () => 0,
        beforeAttempt: () => clock.sleep(30_000),
      },
    );
    assert.equal(result, 'ok');
  });

  it('caps the backoff at maxDelayMs', () => {
    assert.equal(
      backoffDelay(10, policy, () => 0.999_999),
      8000,
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  const cases: { header: string | null; expected: number | undefined }[] = [
    { header: '120', expected: 120_000 },
    { header: ' 0 ', expected: 0 },
    { header: 'Tue, 01 Dec 2026 10:00:30 GMT', expected: 30_000 },
    { header: 'Tue, 01 Dec 2026 09:00:00 GMT', expected: 0 },
    { header: 'soon', expected: undefined },
    { header: '-5', expected: undefined },
    { header: null, expected: undefined },
  ];
  for (const c of cases) {
    it(`reads ${JSON.stringify(c.header)} as ${String(c.expected)} ms`, () => {
      assert.equal(parseRetryAfter(c.header, now), c.expected);
    });
  }
});
