/**
 * The results file's shape and the Markdown table printed for README's Performance section.
 */
import type { BulkSubmitResult } from './bulkSubmitBench';
import type { HitFanoutResult } from './hitFanoutBench';
import type { MemoryBenchResult } from './memoryBench';
import type { TurnOverheadResult } from './turnOverheadBench';

/** The workloads, in the order they run. */
export const WORKLOAD_NAMES = ['turnOverhead', 'validation', 'bulkSubmit', 'hitFanout', 'memory'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** The validation workload's figures (`bench/validationBench.ts`). */
export interface ValidationResult {
  readonly rows: number;
  readonly ratio: number;
  readonly parseMs: number;
  readonly validateMs: number;
}

/** `bench/results.json`. */
export interface BenchResults {
  machine: string;
  date: string;
  command: string;
  workloads: {
    turnOverhead?: TurnOverheadResult;
    validation?: ValidationResult;
    bulkSubmit?: BulkSubmitResult;
    hitFanout?: HitFanoutResult;
    memory?: MemoryBenchResult;
  };
  durationsSeconds: Record<string, number>;
  errors: Record<string, string>;
  totalSeconds?: number;
}

const x = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : `${v.toFixed(2)}×`;
const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(1)} ms`);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? '—' : ok ? 'yes' : '**no**');
const atMost = (v: number | null | undefined, limit: number): boolean | undefined =>
  v === null || v === undefined ? undefined : v <= limit;

/** The table of every workload that ran (failed ones are listed with their error). */
export function markdownTable(results: BenchResults): string {
  const rows: string[][] = [];
  const w = results.workloads;
  for (const [n, r] of Object.entries(w.turnOverhead?.n ?? {})) {
    rows.push([
      `Turn overhead, N=${n}: p50`,
      ms(r.ours.p50Ms),
      `${ms(r.echo.p50Ms)} (echo bot)`,
      x(r.p50Ratio),
      '≤ 1.3×',
      verdict(atMost(r.p50Ratio, 1.3)),
    ]);
    rows.push([
      `Turn overhead, N=${n}: p99`,
      ms(r.ours.p99Ms),
      `${ms(r.echo.p99Ms)} (echo bot)`,
      x(r.p99Ratio),
      '≤ 1.5×',
      verdict(atMost(r.p99Ratio, 1.5)),
    ]);
    rows.push([
      `Turn overhead, N=${n}: throughput`,
      `${r.ours.throughput.toFixed(0)}/s`,
      `${r.echo.throughput.toFixed(0)}/s (echo bot)`,
      x(r.throughputRatio),
      '—',
      '—',
    ]);
  }
  if (w.validation) {
    const v = w.validation;
    rows.push([
      `Validation, ${v.rows.toLocaleString('en-US')}-row CSV`,
      ms(v.validateMs),
      `${ms(v.parseMs)} (csv-parse alone)`,
      x(v.ratio),
      '≤ 2×',
      verdict(atMost(v.ratio, 2)),
    ]);
  }
  if (w.bulkSubmit) {
    const b = w.bulkSubmit;
    rows.push([
      `Bulk submission, ${b.indicators.toLocaleString('en-US')} indicators: calls`,
      String(b.calls),
      `${b.minimumCalls} (minimum)`,
      '—',
      `= ${b.minimumCalls}`,
      verdict(b.calls === b.minimumCalls),
    ]);
    rows.push([
      'Bulk submission: 429s received',
      String(b.throttled),
      '—',
      '—',
      '0',
      verdict(b.throttled === 0),
    ]);
    rows.push([
      'Bulk submission: wall time',
      ms(b.wallMs),
      `${ms(b.floorMs)} (rate-limit floor)`,
      x(b.wallRatio),
      '—',
      '—',
    ]);
    if (b.paced) {
      rows.push([
        `Bulk submission, paced (${b.paced.calls} calls, 2 windows): wall time`,
        ms(b.paced.wallMs),
        `${ms(b.paced.floorMs)} (rate-limit floor)`,
        x(b.paced.wallRatio),
        '—',
        '—',
      ]);
    }
  }
  if (w.hitFanout) {
    const h = w.hitFanout;
    rows.push([
      `Hit fan-out, ${h.hits.toLocaleString('en-US')} hits: accounted for`,
      String(h.accounted),
      String(h.hits),
      '—',
      'all',
      verdict(h.accounted === h.hits),
    ]);
    rows.push([
      `Hit fan-out: Teams limit violations (${h.messagesSent} messages)`,
      String(h.limitViolations),
      '—',
      '—',
      '0',
      verdict(h.limitViolations === 0),
    ]);
    rows.push([
      'Hit fan-out: p99 hit-to-card beyond the poll interval',
      ms(h.p99ExtraMs),
      `${ms(h.pollIntervalMs)} (poll interval)`,
      '—',
      '—',
      '—',
    ]);
  }
  if (w.memory) {
    const m = w.memory;
    rows.push([
      `Memory: peak RSS (${m.pendingRequests.toLocaleString('en-US')} pending requests, features running)`,
      `${m.oursPeakRssMb.toFixed(0)} MB`,
      `${m.echoPeakRssMb.toFixed(0)} MB (echo bot)`,
      x(m.rssRatio),
      '—',
      '—',
    ]);
  }
  for (const [name, error] of Object.entries(results.errors))
    rows.push([name, 'failed', error, '—', '—', '**no**']);
  const header = ['Workload', 'Ours', 'Baseline (same run)', 'Ratio', 'Target', 'Met'];
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    `Measured ${results.date.slice(0, 10)} on ${results.machine} with \`${results.command}\`.`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
  ].join('\n');
}
