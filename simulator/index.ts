/**
 * The local Defender / Graph / Entra simulator: one HTTPS server that is at once the Entra authority host, the
 * Defender API base and the Graph API base (different paths), with fault injection, rate limits, a request log
 * and a control API under `/_sim/` for tests and the local launcher.
 */
import path from 'node:path';
import { AUDIENCE, type SimulatorPartDeps } from './contracts';
import { ensureCa, issueServerCert } from './ca';
import { HttpCore } from './core/httpCore';
import { type FaultSpec, InvalidFaultError, parseFaultSpec } from './core/faults';
import { DEFAULT_RATE_LIMITS, type RateLimit } from './core/rateLimiter';
import type { RequestFilter, RequestLogEntry } from './core/requestLog';
import { type MachineGroup, registerDefender } from './defender/registerDefender';
import { IndicatorStore } from './defender/indicatorStore';
import { DEFAULT_APP_ROLES, EntraDirectory, type EntraApp } from './entra/entraDirectory';
import { registerEntra } from './entra/registerEntra';
import { registerGraph } from './graph';
import { registerDevices } from './devices';
import { DEVICE_GROUPS } from './devices/deviceFixture';

export { AUDIENCE } from './contracts';
export type { FaultSpec, FaultKind } from './core/faults';
export type { RequestLogEntry, RequestFilter } from './core/requestLog';
export type { RateLimit } from './core/rateLimiter';
export { DEFAULT_RATE_LIMITS } from './core/rateLimiter';
export type { EntraApp } from './entra/entraDirectory';
export { DEFAULT_APP_ROLES } from './entra/entraDirectory';
export type { IndicatorRecord } from './defender/indicatorStore';
export type { IndicatorStore } from './defender/indicatorStore';
export type { MachineGroup } from './defender/registerDefender';

/** Default identity of the simulated tenant and app. */
export const SIMULATOR_DEFAULTS = {
  tenantId: '00000000-0000-0000-0000-0000000000001',
  clientId: '11111111-1111-1111-1111-111111111111',
  clientSecret: 'local-simulator-secret',
} as const;

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** Port to listen on; 0 (default) = a random free port. */
  readonly port?: number;
  /** Address to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Folder of the CA (`ca.pem`, `ca-key.pem`); created when missing. */
  readonly caDir: string;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Roles of the default app per audience; default {@link DEFAULT_APP_ROLES}. */
  readonly roles?: Readonly<Record<string, readonly string[]>>;
  /** More app registrations (e.g. one with fewer roles, or with a certificate). */
  readonly apps?: readonly EntraApp[];
  /** Enforce the documented rate limits (default true). */
  readonly rateLimits?: boolean;
  /** Override the limits per endpoint name (merged over {@link DEFAULT_RATE_LIMITS}). */
  readonly rateLimitOverrides?: Readonly<Record<string, RateLimit>>;
  /** Raise alerts for indicator hits on mobile devices (default false, as current docs say). */
  readonly mobileAlerts?: boolean;
  /** Clock of the simulator (token lifetimes, expiry, rate limits); default the system clock. */
  readonly now?: () => Date;
  /** Active-indicator limit of the tenant; default 15,000. */
  readonly maxActiveIndicators?: number;
  /** Device groups Defender knows; default the device fixture's groups. */
  readonly machineGroups?: readonly MachineGroup[];
}

/** Faults, set in-process (the same as `POST /_sim/faults`). */
export interface SimulatorFaults {
  /** Adds one fault. */
  set(fault: FaultSpec): void;
  /** Removes all faults, or those set for one endpoint pattern. */
  clear(endpoint?: string): void;
  /** The active faults. */
  list(): readonly (FaultSpec & { readonly remaining: number | null })[];
}

/** The request log. */
export interface SimulatorLog {
  entries(filter?: RequestFilter): readonly RequestLogEntry[];
  count(filter?: RequestFilter): number;
  clear(): void;
}

/** A running simulator. */
export interface RunningSimulator {
  /** `https://127.0.0.1:PORT`: authority host, Defender base and Graph base. */
  readonly url: string;
  readonly port: number;
  readonly caCertPath: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly log: SimulatorLog;
  readonly faults: SimulatorFaults;
  readonly indicators: IndicatorStore;
  /** Mutable behaviour switches. */
  readonly switches: { mobileAlerts: boolean };
  /** Turns the rate limits on or off. */
  setRateLimits(enabled: boolean): void;
  /** Adds or replaces an app registration (until reset). */
  putApp(app: EntraApp): void;
  /** Issues an access token directly (tests of 401/403 paths), as the token endpoint would. */
  issueToken(clientId: string, resource: string): string;
  /** Clears indicators, faults, the request log, rate-limit counters, extra apps and the parts' state. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the simulator on HTTPS with a server certificate issued by the CA in `options.caDir`.
 * Callers must trust that CA (`NODE_EXTRA_CA_CERTS=<caDir>/ca.pem` when their process starts).
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const now = options.now ?? ((): Date => new Date());
  const tenantId = options.tenantId ?? SIMULATOR_DEFAULTS.tenantId;
  const clientId = options.clientId ?? SIMULATOR_DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? SIMULATOR_DEFAULTS.clientSecret;
  const host = options.host ?? '127.0.0.1';
  const initialMobileAlerts = options.mobileAlerts ?? false;
  const switches = { mobileAlerts: initialMobileAlerts };
  const machineGroups: readonly MachineGroup[] =
    options.machineGroups ?? DEVICE_GROUPS.map((g) => ({ id: g.rbacGroupId, name: g.rbacGroupName }));

  const ca = await ensureCa(path.resolve(options.caDir));
  const serverCert = await issueServerCert(ca, [
    'localhost',
    '127.0.0.1',
    '::1',
    ...(isExtraHost(host) ? [host] : []),
  ]);

  const directory = new EntraDirectory({ tenantId, now, baseUrl: 'https://127.0.0.1' }, [
    {
      clientId,
      clientSecret,
      displayName: 'defender-ioc-bot (simulator)',
      roles: options.roles ?? DEFAULT_APP_ROLES,
    },
    ...(options.apps ?? []),
  ]);
  const core = new HttpCore({
    now,
    verifyToken: (token) => directory.verifyToken(token),
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...(options.rateLimitOverrides ?? {}) },
    rateLimitsEnabled: options.rateLimits ?? true,
  });
  let baseUrl = 'https://127.0.0.1';
  const store = new IndicatorStore({
    now,
    ...(options.maxActiveIndicators !== undefined ? { maxActive: options.maxActiveIndicators } : {}),
    groupIdOf: (name) => {
      const g = machineGroups.find((m) => m.name.toLowerCase() === name.toLowerCase());
      return g === undefined ? undefined : String(g.id);
    },
  });

  registerEntra(core, directory);
  registerDefender(core, {
    store,
    now,
    baseUrl: () => baseUrl,
    machineGroups: () => machineGroups,
    appName: (appid) => directory.findApp(appid)?.displayName ?? appid,
  });
  const deps: SimulatorPartDeps = { indicators: store, now, tenantId, switches };
  const parts = [registerGraph(core, deps), registerDevices(core, deps)];

  const reset = (): void => {
    store.reset();
    core.faults.clear();
    core.log.clear();
    core.rateLimiter.reset();
    directory.reset();
    switches.mobileAlerts = initialMobileAlerts;
    for (const part of parts) part.reset();
  };

  registerControlApi(core, { store, switches, reset });

  const port = await core.listen(options.port ?? 0, host, serverCert);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `https://${urlHost}:${port}`;
  directory.options.baseUrl = baseUrl;

  return {
    url: baseUrl,
    port,
    caCertPath: ca.certPath,
    tenantId,
    clientId,
    clientSecret,
    log: {
      entries: (filter) => core.log.list(filter),
      count: (filter) => core.log.count(filter),
      clear: () => core.log.clear(),
    },
    faults: {
      set: (fault) => core.faults.add(parseFaultSpec(fault)),
      clear: (endpoint) => core.faults.clear(endpoint),
      list: () => core.faults.list(),
    },
    indicators: store,
    switches,
    setRateLimits: (enabled) => {
      core.rateLimiter.enabled = enabled;
    },
    putApp: (app) => directory.putApp(app),
    issueToken: (appClientId, resource) => {
      const app = directory.findApp(appClientId);
      if (app === undefined) throw new Error(`No app ${appClientId} in the simulated tenant.`);
      return directory.issueToken(app, resource, 'secret');
    },
    reset,
    close: () => core.close(),
  };
}

function isExtraHost(host: string): boolean {
  return !['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'].includes(host);
}

function registerControlApi(
  core: HttpCore,
  ctx: { store: IndicatorStore; switches: { mobileAlerts: boolean }; reset: () => void },
): void {
  core.addControl('POST', '/_sim/faults', (req) => {
    const body = req.body;
    const items: unknown[] = Array.isArray(body)
      ? body
      : typeof body === 'object' && body !== null && Array.isArray((body as { faults?: unknown }).faults)
        ? (body as { faults: unknown[] }).faults
        : [body];
    try {
      const specs = items.map(parseFaultSpec);
      for (const spec of specs) core.faults.add(spec);
    } catch (err) {
      if (err instanceof InvalidFaultError) return { status: 400, body: { error: err.message } };
      throw err;
    }
    return { status: 200, body: { faults: core.faults.list() } };
  });
  core.addControl('GET', '/_sim/faults', () => ({ status: 200, body: { faults: core.faults.list() } }));
  core.addControl('DELETE', '/_sim/faults', (req) => {
    core.faults.clear(req.query.get('endpoint') ?? undefined);
    return { status: 204 };
  });
  core.addControl('GET', '/_sim/requests', (req) => {
    const status = req.query.get('status');
    const filter: RequestFilter = {
      ...(req.query.get('endpoint') !== null ? { endpoint: req.query.get('endpoint') ?? '' } : {}),
      ...(req.query.get('method') !== null ? { method: req.query.get('method') ?? '' } : {}),
      ...(status !== null ? { status: Number(status) } : {}),
    };
    const value = core.log.list(filter);
    return { status: 200, body: { count: value.length, value } };
  });
  core.addControl('DELETE', '/_sim/requests', () => {
    core.log.clear();
    return { status: 204 };
  });
  core.addControl('POST', '/_sim/reset', () => {
    ctx.reset();
    return { status: 204 };
  });
  core.addControl('GET', '/_sim/indicators', () => {
    const value = ctx.store.listActive();
    return { status: 200, body: { count: value.length, value } };
  });
  const switchesBody = (): object => ({ ...ctx.switches, rateLimits: core.rateLimiter.enabled });
  core.addControl('GET', '/_sim/switches', () => ({ status: 200, body: switchesBody() }));
  core.addControl('PUT', '/_sim/switches', (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null)
      return { status: 400, body: { error: 'body must be an object' } };
    for (const key of Object.keys(body)) {
      if (key !== 'mobileAlerts' && key !== 'rateLimits')
        return { status: 400, body: { error: `unknown switch ${key}` } };
      if (typeof body[key] !== 'boolean')
        return { status: 400, body: { error: `${key} must be true or false` } };
    }
    if (typeof body.mobileAlerts === 'boolean') ctx.switches.mobileAlerts = body.mobileAlerts;
    if (typeof body.rateLimits === 'boolean') core.rateLimiter.enabled = body.rateLimits;
    return { status: 200, body: switchesBody() };
  });
}

/** Audiences tokens must name; re-exported for callers building scopes (`${AUDIENCE.defender}/.default`). */
export const SIMULATOR_AUDIENCES = AUDIENCE;
