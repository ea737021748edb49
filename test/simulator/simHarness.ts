/**
 * Helpers for the simulator tests: start a simulator on the test CA (`.data/test-ca`, which mocha's process
 * trusts through NODE_EXTRA_CA_CERTS), a settable clock, and a small HTTPS client.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AUDIENCE,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../simulator/index';

/** The repository root, found from the compiled test's folder. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}

/** The CA folder the test script prepares and trusts. */
export const TEST_CA_DIR = (): string => path.join(repoRoot(), '.data', 'test-ca');

/** A clock tests move by hand. */
export class TestClock {
  private t: number;
  constructor(start = '2026-12-01T08:00:00Z') {
    this.t = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A response as the tests read it. */
export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** Options of one call. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** A started simulator with a client bound to it. */
export interface TestSim {
  readonly sim: RunningSimulator;
  readonly clock: TestClock;
  /** A Defender token of the default app. */
  defenderToken(): string;
  call(method: string, pathAndQuery: string, options?: CallOptions): Promise<CallResult>;
}

/** Starts a simulator with a test clock; close it in `after`. */
export async function startTestSim(options: Partial<SimulatorOptions> = {}): Promise<TestSim> {
  const clock = new TestClock();
  const sim = await startSimulator({ caDir: TEST_CA_DIR(), now: clock.now, ...options });
  const call = async (method: string, pathAndQuery: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    const res = await fetch(`${sim.url}${pathAndQuery}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return { sim, clock, call, defenderToken: () => sim.issueToken(sim.clientId, AUDIENCE.defender) };
}

/** A valid indicator body; override fields per test. */
export function indicatorBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    indicatorValue: 'evil.example.com',
    indicatorType: 'DomainName',
    action: 'Block',
    title: 'Phishing domain',
    description: 'Seen in a phishing mail',
    severity: 'High',
    generateAlert: true,
    ...overrides,
  };
}
