/**
 * `npm run bench`: runs the five workloads of issue #9 one after another, prints each figure beside its baseline
 * measured in the same run, writes `bench/results.json` and prints the Markdown table for README's Performance
 * section. `node dist/bench/run.js --only=validation,bulkSubmit` runs some of them and writes
 * `.data/bench-results.partial.json` instead.
 *
 * The simulator serves HTTPS from the test CA, so the process re-runs itself with `NODE_EXTRA_CA_CERTS` set when
 * it is not (Node reads that variable only at start-up).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../bot/paths';
import { ensureCa } from '../simulator/ca';
import { runBulkSubmitBench } from './bulkSubmitBench';
import { runHitFanoutBench } from './hitFanoutBench';
import { runMemoryBench } from './memoryBench';
import { markdownTable, type BenchResults, type WorkloadName, WORKLOAD_NAMES } from './report';
import { BENCH_CA_DIR } from './simulatorEndpoint';
import { runTurnOverheadBench } from './turnOverheadBench';
import { runValidationBench } from './validationBench';

const RUNNERS: Record<WorkloadName, () => Promise<unknown>> = {
  turnOverhead: () => runTurnOverheadBench(),
  validation: () => runValidationBench(),
  bulkSubmit: () => runBulkSubmitBench(),
  hitFanout: () => runHitFanoutBench(),
  memory: () => runMemoryBench(),
};

/** A one-line description of the machine the figures were measured on. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

function selected(argv: readonly string[]): WorkloadName[] {
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (!only) return [...WORKLOAD_NAMES];
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(WORKLOAD_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown workload(s): ${unknown.join(', ')} (known: ${WORKLOAD_NAMES.join(', ')})`);
  return names as WorkloadName[];
}

async function main(): Promise<void> {
  const caPem = path.join(BENCH_CA_DIR, 'ca.pem');
  if (process.env.NODE_EXTRA_CA_CERTS !== caPem) {
    await ensureCa(BENCH_CA_DIR);
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPem },
    });
    process.exitCode = child.status ?? 1;
    return;
  }
  const names = selected(process.argv.slice(2));
  const started = performance.now();
  const results: BenchResults = {
    machine: machineDescription(),
    date: new Date().toISOString(),
    command: 'npm run bench',
    workloads: {},
    durationsSeconds: {},
    errors: {},
  };
  for (const name of names) {
    const t0 = performance.now();
    process.stdout.write(`bench: ${name} …\n`);
    try {
      (results.workloads as Record<string, unknown>)[name] = await RUNNERS[name]();
    } catch (e) {
      results.errors[name] = e instanceof Error ? e.message : String(e);
      process.exitCode = 1;
    }
    results.durationsSeconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    process.stdout.write(
      `bench: ${name} done in ${results.durationsSeconds[name]} s${results.errors[name] ? ` — FAILED: ${results.errors[name]}` : ''}\n`,
    );
  }
  results.totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  // A partial run (--only) must not replace the committed full results.
  const partial = names.length < WORKLOAD_NAMES.length;
  const file = partial
    ? path.join(repoRoot(), '.data', 'bench-results.partial.json')
    : path.join(repoRoot(), 'bench', 'results.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await formatJson(file, results));
  process.stdout.write(
    `\n${markdownTable(results)}\n\nWrote ${path.relative(process.cwd(), file)} in ${results.totalSeconds} s.\n`,
  );
}

/** The results as JSON, formatted by the repository's prettier config so `npm run lint` accepts the file. */
async function formatJson(file: string, value: unknown): Promise<string> {
  const json = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    return await prettier.format(json, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    // prettier is a dev dependency; without it the plain JSON is still valid.
    return json;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
