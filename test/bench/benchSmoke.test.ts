/**
 * Smoke test of the benchmarks: tiny versions of each workload run end to end and return results of the shape
 * `bench/results.json` records. No timing is asserted (the machine is shared and noisy); the figures' presence,
 * counts and the independent Teams-limit check are.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { runBulkSubmitBench } from '../../bench/bulkSubmitBench';
import { runHitFanoutBench } from '../../bench/hitFanoutBench';
import { runMemoryBench } from '../../bench/memoryBench';
import { markdownTable, type BenchResults } from '../../bench/report';
import { median, percentile, ratio } from '../../bench/stats';
import { TEAMS_PER_CONVERSATION, countViolations } from '../../bench/teamsLimits';
import { runTurnOverheadBench } from '../../bench/turnOverheadBench';
import { generateCsv } from '../../bench/validationBench';

const isRatio = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('benchmarks (smoke)', function () {
  this.timeout(60_000);

  describe('statistics', () => {
    const cases: Array<[string, () => number | null, number | null]> = [
      ['the median of an odd count is the middle value', () => median([5, 1, 3]), 3],
      ['the median of an even count is the mean of the middle two', () => median([4, 1, 3, 2]), 2.5],
      [
        'p99 of 100 values is the 99th smallest',
        () =>
          percentile(
            Array.from({ length: 100 }, (_, i) => i + 1),
            99,
          ),
        99,
      ],
      ['p50 of one value is that value', () => percentile([7], 50), 7],
      ['a ratio against a zero baseline is null', () => ratio(5, 0), null],
      ['a ratio is ours over the baseline', () => ratio(3, 2), 1.5],
    ];
    for (const [name, fn, expected] of cases) it(name, () => assert.equal(fn(), expected));
  });

  describe('the Teams-limit check', () => {
    const cases: Array<[string, number[], number]> = [
      ['finds no violation in 7 sends within a second', [0, 100, 200, 300, 400, 500, 600], 0],
      ['counts the 8th send within a second', [0, 100, 200, 300, 400, 500, 600, 700], 1],
      ['allows the 8th send exactly one second after the first', [0, 100, 200, 300, 400, 500, 600, 1000], 0],
      ['counts the 9th send within two seconds', [0, 1, 2, 3, 4, 5, 6, 1001, 1002], 1],
      ['counts the 61st send within 30 seconds', Array.from({ length: 61 }, (_, i) => i * 400), 1],
    ];
    for (const [name, times, expected] of cases) {
      it(name, () => assert.equal(countViolations(times, TEAMS_PER_CONVERSATION), expected));
    }
  });

  it('turn overhead returns p50, p99 and throughput ratios per N, every message answered', async () => {
    const levels = [
      { n: 1, messagesPerConversation: 2 },
      { n: 3, messagesPerConversation: 1 },
    ];
    const r = await runTurnOverheadBench({ levels, rounds: 1, warmupMessages: 4 });
    assert.deepEqual(Object.keys(r.n), ['1', '3']);
    for (const [n, level] of Object.entries(r.n)) {
      assert.ok(isRatio(level.p50Ratio) && isRatio(level.p99Ratio) && isRatio(level.throughputRatio), n);
      assert.deepEqual(
        [level.ours.answered, level.ours.failures, level.echo.answered],
        [Number(n) === 1 ? 2 : 3, 0, Number(n) === 1 ? 2 : 3],
      );
    }
    assert.notEqual(r.blockReply, 'no reply');
  });

  it('the validation CSV has the requested number of rows after its header', () => {
    const lines = generateCsv(25).trimEnd().split('\r\n');
    assert.equal(lines.length, 26);
  });

  it('bulk submission makes the minimum number of import calls with no 429', async () => {
    const r = await runBulkSubmitBench({ indicators: 1200, paced: false, rawRuns: 1 });
    assert.deepEqual([r.indicators, r.calls, r.minimumCalls, r.throttled, r.failed], [1200, 3, 3, 0, 0]);
    assert.ok(isRatio(r.wallRatio));
    assert.equal(r.paced, undefined);
  });

  it('hit fan-out accounts for every hit in every channel without breaking a Teams window', async () => {
    const r = await runHitFanoutBench({ hits: 300, indicators: 10, channels: 3, polls: 2 });
    assert.deepEqual(
      [r.hits, r.accounted, r.stillPending, r.limitViolations, r.cardsPosted],
      [300, 300, 0, 0, 30],
    );
    assert.ok(
      r.messagesSent > r.cardsPosted,
      'the second poll updates the cards and replies in their threads',
    );
  });

  it('memory compares the peak RSS of our bot holding pending requests with the echo bot', async () => {
    const r = await runMemoryBench({ pendingRequests: 50, runs: 1, messages: 10, settleMs: 50 });
    assert.equal(r.pendingRequests, 50);
    assert.ok(isRatio(r.rssRatio) && r.oursPeakRssMb > 0 && r.echoPeakRssMb > 0);
  });

  it('prints a Markdown table with one row per figure and the run it came from', () => {
    const results: BenchResults = {
      machine: 'test machine',
      date: '2026-12-01T00:00:00.000Z',
      command: 'npm run bench',
      workloads: { validation: { rows: 15000, ratio: 1.5, parseMs: 100, validateMs: 150 } },
      durationsSeconds: {},
      errors: { memory: 'boom' },
    };
    const table = markdownTable(results);
    assert.match(table, /^Measured 2026-12-01 on test machine with `npm run bench`\./);
    assert.match(
      table,
      /\| Validation, 15,000-row CSV \| 150\.0 ms \| 100\.0 ms \(csv-parse alone\) \| 1\.50× \| ≤ 2× \| yes \|/,
    );
    assert.match(table, /\| memory \| failed \| boom \|/);
  });
});
