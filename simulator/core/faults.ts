/**
 * Fault injection per endpoint: latency, N× 429 with Retry-After, N× an error status, N× a dropped connection.
 */

/** Kinds of injected faults. */
export type FaultKind = 'latency' | 'throttle' | 'status' | 'drop';

/**
 * A fault as the control API and tests set it.
 * - `endpoint`: an endpoint name (`defender.submit`), a prefix ending in `*` (`defender.*`), or `*` for all.
 * - `count`: how many matching requests it affects; omitted = every request (latency) or once (the others).
 * - `latencyMs` (latency), `retryAfterSeconds` (throttle, default 1), `status` (status, default 503),
 *   `body` (status/throttle: the response body; default: the endpoint family's error body).
 */
export interface FaultSpec {
  readonly endpoint: string;
  readonly kind: FaultKind;
  readonly count?: number;
  readonly latencyMs?: number;
  readonly retryAfterSeconds?: number;
  readonly status?: number;
  readonly body?: unknown;
}

/** What the server must do for one request. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly action?:
    | { readonly kind: 'drop' }
    | { readonly kind: 'throttle'; readonly retryAfterSeconds: number; readonly body?: unknown }
    | { readonly kind: 'status'; readonly status: number; readonly body?: unknown };
}

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

const KINDS: readonly FaultKind[] = ['latency', 'throttle', 'status', 'drop'];

/** Thrown for a fault spec that makes no sense. */
export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
}

/** Checks an untrusted fault spec (from the control API). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new InvalidFaultError('fault must be an object');
  const o = input as Record<string, unknown>;
  if (typeof o.endpoint !== 'string' || o.endpoint === '')
    throw new InvalidFaultError('endpoint must be a string');
  if (typeof o.kind !== 'string' || !KINDS.includes(o.kind as FaultKind)) {
    throw new InvalidFaultError(`kind must be one of ${KINDS.join(', ')}`);
  }
  const num = (key: string, min: number, max: number): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new InvalidFaultError(`${key} must be an integer from ${min} to ${max}`);
    }
    return v;
  };
  const spec: FaultSpec = {
    endpoint: o.endpoint,
    kind: o.kind as FaultKind,
    count: num('count', 1, 1_000_000),
    latencyMs: num('latencyMs', 0, 120_000),
    retryAfterSeconds: num('retryAfterSeconds', 0, 86_400),
    status: num('status', 100, 599),
    body: o.body,
  };
  if (spec.kind === 'latency' && spec.latencyMs === undefined)
    throw new InvalidFaultError('latency needs latencyMs');
  return spec;
}

function matches(pattern: string, endpoint: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return endpoint.startsWith(pattern.slice(0, -1));
  return pattern === endpoint;
}

/** The set of active faults. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Adds a fault; faults of the same kind apply in the order they were added. */
  add(spec: FaultSpec): void {
    const remaining = spec.count ?? (spec.kind === 'latency' ? Number.POSITIVE_INFINITY : 1);
    this.faults.push({ spec, remaining });
  }

  /** Removes all faults, or those of one endpoint pattern. */
  clear(endpoint?: string): void {
    this.faults = endpoint === undefined ? [] : this.faults.filter((f) => f.spec.endpoint !== endpoint);
  }

  /** Faults still active, with how many requests each still affects. */
  list(): readonly (FaultSpec & { readonly remaining: number | null })[] {
    return this.faults.map((f) => ({
      ...f.spec,
      remaining: Number.isFinite(f.remaining) ? f.remaining : null,
    }));
  }

  /** Decides what happens to one request to `endpoint`, consuming the faults it uses. */
  decide(endpoint: string): FaultDecision {
    let latencyMs = 0;
    let action: FaultDecision['action'];
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec.endpoint, endpoint)) continue;
      if (fault.spec.kind === 'latency') {
        latencyMs = Math.max(latencyMs, fault.spec.latencyMs ?? 0);
        fault.remaining -= 1;
      } else if (action === undefined) {
        fault.remaining -= 1;
        if (fault.spec.kind === 'drop') action = { kind: 'drop' };
        else if (fault.spec.kind === 'throttle') {
          action = {
            kind: 'throttle',
            retryAfterSeconds: fault.spec.retryAfterSeconds ?? 1,
            body: fault.spec.body,
          };
        } else action = { kind: 'status', status: fault.spec.status ?? 503, body: fault.spec.body };
      }
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return action === undefined ? { latencyMs } : { latencyMs, action };
  }
}
