/**
 * `GET /v1.0/security/alerts_v2` (reference §7.2): `$filter` on the documented filterable properties only
 * (assignedTo, classification, determination, createdDateTime, lastUpdateDateTime, severity, serviceSource,
 * status — `detectionSource` is not filterable and answers 400, as Graph does for unsupported properties),
 * `$top` capped at the page limit, `$skip`, `$count`, and `@odata.nextLink` with an opaque `$skiptoken`.
 * Pages are keyset-paged on (lastUpdateDateTime, id) so alerts raised while a client pages are not skipped.
 */
import type { SimRequest, SimResponse } from '../contracts';
import type { EventStore, SimGraphAlert } from './eventStore';
import { graphError } from './graphError';

/** Paging limits of the alerts route. */
export interface AlertsPaging {
  /** Largest `$top` honoured; larger values are capped. */
  readonly maxPageSize: number;
  /** Page size without `$top`. */
  readonly defaultPageSize: number;
}

const DATE_PROPERTIES = new Set(['createdDateTime', 'lastUpdateDateTime']);
const STRING_PROPERTIES = new Set([
  'assignedTo',
  'classification',
  'determination',
  'severity',
  'serviceSource',
  'status',
]);
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

type Clause = (alert: SimGraphAlert) => boolean;

class FilterError extends Error {}

function parseFilter(filter: string): Clause[] {
  const parts = filter.split(/\s+and\s+/i);
  return parts.map((part) => {
    const m = /^\s*\(?\s*([A-Za-z]+)\s+([a-z]+)\s+(.+?)\s*\)?\s*$/.exec(part);
    if (m === null) throw new FilterError(`Invalid filter clause: '${part.trim()}'.`);
    const [, property = '', operator = '', rawValue = ''] = m;
    const op = operator.toLowerCase();
    if (!OPERATORS.has(op))
      throw new FilterError(`Invalid filter clause: unsupported operator '${operator}'.`);
    if (DATE_PROPERTIES.has(property)) {
      const ms = Date.parse(rawValue.replace(/^'|'$/g, ''));
      if (Number.isNaN(ms))
        throw new FilterError(`Invalid filter clause: '${rawValue}' is not a DateTimeOffset.`);
      return (alert) => {
        const value = alert[property];
        if (typeof value !== 'string') return false;
        const d = Date.parse(value) - ms;
        return compare(op, d);
      };
    }
    if (STRING_PROPERTIES.has(property)) {
      if (op !== 'eq' && op !== 'ne') {
        throw new FilterError(`Invalid filter clause: operator '${op}' is not supported on '${property}'.`);
      }
      if (rawValue === 'null') return (alert) => (alert[property] === null) === (op === 'eq');
      const quoted = /^'((?:[^']|'')*)'$/.exec(rawValue);
      if (quoted === null)
        throw new FilterError(`Invalid filter clause: '${rawValue}' must be a quoted string.`);
      const expected = (quoted[1] ?? '').replace(/''/g, "'");
      return (alert) => (alert[property] === expected) === (op === 'eq');
    }
    throw new FilterError(`Invalid filter clause: the property '${property}' is not supported in a filter.`);
  });
}

function compare(op: string, d: number): boolean {
  switch (op) {
    case 'eq':
      return d === 0;
    case 'ne':
      return d !== 0;
    case 'gt':
      return d > 0;
    case 'ge':
      return d >= 0;
    case 'lt':
      return d < 0;
    default:
      return d <= 0;
  }
}

interface PageState {
  /** The `$filter` of the first request. */
  readonly f: string | null;
  readonly t: number;
  /** Key of the last alert already returned: [lastUpdateDateTime, id]. */
  readonly a: readonly [string, string];
  readonly c: boolean;
}

function encodeToken(state: PageState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function decodeToken(token: string): PageState | undefined {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageState>;
    if (typeof state.t !== 'number' || !Array.isArray(state.a) || state.a.length !== 2) return undefined;
    return { f: typeof state.f === 'string' ? state.f : null, t: state.t, a: state.a, c: state.c === true };
  } catch {
    return undefined;
  }
}

function after(alert: SimGraphAlert, key: readonly [string, string]): boolean {
  const c = alert.lastUpdateDateTime.localeCompare(key[0]);
  return c > 0 || (c === 0 && alert.id.localeCompare(key[1], 'en', { numeric: true }) > 0);
}

function parseCount(raw: string | null, name: string): number | undefined | FilterError {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) return new FilterError(`Invalid value '${raw}' for query option '${name}'.`);
  return Number(raw);
}

/** Handles one alerts_v2 list request. */
export function listAlerts(req: SimRequest, store: EventStore, now: Date, paging: AlertsPaging): SimResponse {
  const token = req.query.get('$skiptoken');
  let state: PageState | undefined;
  if (token !== null) {
    state = decodeToken(token);
    if (state === undefined) return graphError(400, 'BadRequest', 'Invalid $skiptoken.', now, req);
  }
  const filter = state?.f ?? req.query.get('$filter');
  const top = parseCount(req.query.get('$top'), '$top');
  const skip = parseCount(req.query.get('$skip'), '$skip');
  if (top instanceof FilterError) return graphError(400, 'BadRequest', top.message, now, req);
  if (skip instanceof FilterError) return graphError(400, 'BadRequest', skip.message, now, req);
  if (top === 0) return graphError(400, 'BadRequest', "Invalid value '0' for query option '$top'.", now, req);
  let clauses: Clause[] = [];
  if (filter !== null && filter.trim() !== '') {
    try {
      clauses = parseFilter(filter);
    } catch (error) {
      if (error instanceof FilterError) return graphError(400, 'BadRequest', error.message, now, req);
      throw error;
    }
  }
  const pageSize = state?.t ?? Math.min(top ?? paging.defaultPageSize, paging.maxPageSize);
  const count = state?.c ?? req.query.get('$count') === 'true';
  const matching = store.listAlerts().filter((alert) => clauses.every((clause) => clause(alert)));
  const remaining =
    state === undefined ? matching.slice(skip ?? 0) : matching.filter((a) => after(a, state.a));
  const page = remaining.slice(0, pageSize);
  const body: Record<string, unknown> = {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2',
  };
  if (count) body['@odata.count'] = matching.length;
  const last = page[page.length - 1];
  if (remaining.length > page.length && last !== undefined) {
    const next = encodeToken({ f: filter, t: pageSize, a: [last.lastUpdateDateTime, last.id], c: count });
    const host = typeof req.headers.host === 'string' ? req.headers.host : 'graph.microsoft.com';
    body['@odata.nextLink'] = `https://${host}/v1.0/security/alerts_v2?$skiptoken=${next}`;
  }
  body.value = page;
  return { status: 200, body };
}
