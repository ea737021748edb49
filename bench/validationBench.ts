/**
 * Benchmark: validating a generated 15,000-row CSV in the portal template, as a ratio to merely parsing the
 * same file with csv-parse in the same run (median of several runs each).
 */
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, parseIndicatorCsv, type CsvContext } from '../bot/indicators/csvFormat';
import type { ExistingIndicator } from '../bot/indicators/types';

const ROWS = 15_000;
const RUNS = 7;

/** A deterministic CSV mixing every indicator type, defanged values, some refusals and conflicts. */
export function generateCsv(rows: number = ROWS): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  const hex = (n: number, seed: number): string => {
    let out = '';
    let x = seed * 2654435761;
    while (out.length < n) {
      x = (x * 1103515245 + 12345) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, n);
  };
  for (let i = 0; i < rows; i++) {
    const kind = i % 8;
    const expiry = i % 3 === 0 ? '' : '2027-03-01T00:00:00.0Z';
    const groups = i % 5 === 0 ? '"Windows servers,Mobile"' : '';
    let type: string;
    let value: string;
    switch (kind) {
      case 0:
        type = 'DomainName';
        value = `host${i}.evil${i % 97}.example.com`;
        break;
      case 1:
        type = 'Url';
        value = `hxxps://evil${i % 89}[.]example[.]net/path/${i}?q=${i}`;
        break;
      case 2:
        type = 'IpAddress';
        value = `${1 + (i % 200)}.${(i >> 8) % 256}.${i % 256}.${(i * 7) % 250}`;
        break;
      case 3:
        type = 'IpAddress';
        value = `2001:4860:${(i % 65535).toString(16)}::${(i % 4000).toString(16)}`;
        break;
      case 4:
        type = 'FileSha256';
        value = hex(64, i);
        break;
      case 5:
        type = 'FileSha1';
        value = hex(40, i).toUpperCase();
        break;
      case 6:
        type = 'FileMd5';
        value = hex(32, i);
        break;
      default:
        type = '';
        value = i % 16 === 7 ? `10.0.${i % 256}.1` : `bücher${i}.de`;
    }
    const action =
      kind === 4 ? 'BlockAndRemediate' : i % 11 === 0 ? 'Allowed' : i % 7 === 0 ? 'Audit' : 'Block';
    lines.push(
      `${type},${value},${expiry},${action},Medium,"Bench row ${i}","generated",,${groups},,,${action === 'Audit' ? 'true' : 'false'}`,
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Runs the benchmark; `ratio` = median validate time / median parse-only time. */
export async function runValidationBench(): Promise<{
  rows: number;
  ratio: number;
  parseMs: number;
  validateMs: number;
}> {
  const text = generateCsv(ROWS);
  const existing: ExistingIndicator[] = Array.from({ length: 2_000 }, (_, i) => ({
    id: String(i + 1),
    indicatorType: 'DomainName',
    indicatorValue: `evil${i % 97}.example.com`,
    action: i % 2 ? 'Block' : 'Allowed',
    rbacGroupNames: [],
  }));
  const ctx: CsvContext = {
    now: new Date('2026-12-01T00:00:00Z'),
    maxDays: 365,
    knownGroups: ['Windows servers', 'Mobile'],
    mobileOnlyGroups: ['Mobile'],
    protectedDomains: ['partner.example.org'],
    tenantDomains: ['contoso.com'],
    existing,
  };
  // Warm up both paths so the JIT does not count against the first measured run.
  parse(text, { bom: true, relax_column_count: true });
  let rows = parseIndicatorCsv(text, ctx).rows.length;
  const parseTimes: number[] = [];
  const validateTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    parseTimes.push(time(() => parse(text, { bom: true, relax_column_count: true, relax_quotes: true })));
    validateTimes.push(
      time(() => {
        rows = parseIndicatorCsv(text, ctx).rows.length;
      }),
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const parseMs = median(parseTimes);
  const validateMs = median(validateTimes);
  return { rows, ratio: validateMs / parseMs, parseMs, validateMs };
}

if (require.main === module) {
  runValidationBench().then(
    (r) => {
      console.log(
        `validationBench: ${r.rows} rows; csv-parse alone ${r.parseMs.toFixed(1)} ms, parse + validate ${r.validateMs.toFixed(1)} ms (median of ${RUNS}); ratio ${r.ratio.toFixed(1)}x`,
      );
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
