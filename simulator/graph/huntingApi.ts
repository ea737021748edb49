/**
 * `POST /v1.0/security/runHuntingQuery` `{ Query, Timespan? }` → `{ schema, results }` (reference §7.3).
 * Tables come from the event store (DeviceEvents, DeviceNetworkEvents) and the device fixture (DeviceInfo), with
 * the real column names; a few other well-known tables answer empty. Rows outside the `Timespan` window (default
 * 30 days up to now) are not visible to the query.
 */
import type { SimRequest, SimResponse } from '../contracts';
import { SIM_DEVICES } from '../devices/deviceFixture';
import type { EventStore, EventTable, HuntingRow } from './eventStore';
import { graphError } from './graphError';
import { KqlError, runKql, type KqlColumn, type KqlTable } from './kqlSubset';

const COMMON_PROCESS: readonly KqlColumn[] = [
  { name: 'InitiatingProcessFileName', type: 'String' },
  { name: 'InitiatingProcessAccountName', type: 'String' },
  { name: 'InitiatingProcessAccountUpn', type: 'String' },
  { name: 'InitiatingProcessAccountObjectId', type: 'String' },
];

/** Columns of the tables the simulator fills (a subset of the real ones, with their real names and types). */
export const TABLE_SCHEMAS: Readonly<Record<EventTable | 'DeviceInfo', readonly KqlColumn[]>> = {
  DeviceEvents: [
    { name: 'Timestamp', type: 'DateTime' },
    { name: 'DeviceId', type: 'String' },
    { name: 'DeviceName', type: 'String' },
    { name: 'ActionType', type: 'String' },
    { name: 'FileName', type: 'String' },
    { name: 'RemoteUrl', type: 'String' },
    { name: 'RemoteIP', type: 'String' },
    { name: 'RemotePort', type: 'Int32' },
    { name: 'LocalIP', type: 'String' },
    ...COMMON_PROCESS,
    { name: 'AdditionalFields', type: 'String' },
    { name: 'ReportId', type: 'Int64' },
  ],
  DeviceNetworkEvents: [
    { name: 'Timestamp', type: 'DateTime' },
    { name: 'DeviceId', type: 'String' },
    { name: 'DeviceName', type: 'String' },
    { name: 'ActionType', type: 'String' },
    { name: 'RemoteIP', type: 'String' },
    { name: 'RemotePort', type: 'Int32' },
    { name: 'RemoteUrl', type: 'String' },
    { name: 'LocalIP', type: 'String' },
    { name: 'Protocol', type: 'String' },
    ...COMMON_PROCESS,
    { name: 'ReportId', type: 'Int64' },
  ],
  DeviceInfo: [
    { name: 'Timestamp', type: 'DateTime' },
    { name: 'DeviceId', type: 'String' },
    { name: 'DeviceName', type: 'String' },
    { name: 'OSPlatform', type: 'String' },
    { name: 'OSVersion', type: 'String' },
    { name: 'DeviceType', type: 'String' },
    { name: 'DeviceSubtype', type: 'String' },
    { name: 'MachineGroup', type: 'String' },
    { name: 'AadDeviceId', type: 'String' },
    { name: 'LoggedOnUsers', type: 'String' },
    { name: 'OnboardingStatus', type: 'String' },
    { name: 'ReportId', type: 'Int64' },
  ],
};

/** Tables that exist in advanced hunting but the simulator never fills. */
const EMPTY_TABLES = [
  'DeviceProcessEvents',
  'DeviceFileEvents',
  'DeviceRegistryEvents',
  'DeviceLogonEvents',
  'DeviceImageLoadEvents',
  'DeviceFileCertificateInfo',
  'AlertInfo',
  'AlertEvidence',
];
const MINIMAL_SCHEMA: readonly KqlColumn[] = [
  { name: 'Timestamp', type: 'DateTime' },
  { name: 'DeviceId', type: 'String' },
  { name: 'DeviceName', type: 'String' },
  { name: 'ActionType', type: 'String' },
  { name: 'ReportId', type: 'Int64' },
];

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null || text.length < 3) return undefined;
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return ((((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000 + (s ?? 0) * 1000;
}

function instant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The [start, end] window of a `Timespan` in its five documented forms; undefined when malformed. */
export function parseTimespan(
  timespan: string | undefined,
  now: Date,
): { start: number; end: number } | undefined {
  const end = now.getTime();
  if (timespan === undefined || timespan.trim() === '') return { start: end - 30 * 86_400_000, end };
  const [a = '', b, ...rest] = timespan.trim().split('/');
  if (rest.length > 0) return undefined;
  if (b === undefined) {
    const d = durationMs(a);
    if (d !== undefined) return { start: end - d, end };
    const at = instant(a);
    return at === undefined ? undefined : { start: at, end };
  }
  const [da, ia, db, ib] = [durationMs(a), instant(a), durationMs(b), instant(b)];
  if (ia !== undefined && ib !== undefined) return { start: ia, end: ib };
  if (da !== undefined && ib !== undefined) return { start: ib - da, end: ib };
  if (ia !== undefined && db !== undefined) return { start: ia, end: ia + db };
  return undefined;
}

function deviceInfoRows(now: Date): HuntingRow[] {
  return SIM_DEVICES.map((d, n) => ({
    Timestamp: now.toISOString(),
    DeviceId: d.deviceId,
    DeviceName: d.deviceName,
    OSPlatform: d.osPlatform,
    OSVersion: d.osVersion,
    DeviceType: d.deviceType,
    DeviceSubtype: d.deviceSubtype ?? null,
    MachineGroup: d.rbacGroupName,
    AadDeviceId: d.aadDeviceId,
    LoggedOnUsers: JSON.stringify([{ UserName: d.accountName, DomainName: 'EXAMPLE', Sid: null }]),
    OnboardingStatus: 'Onboarded',
    ReportId: 100 + n,
  }));
}

function complete(columns: readonly KqlColumn[], rows: readonly HuntingRow[]): HuntingRow[] {
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null])));
}

function inWindow(rows: readonly HuntingRow[], window: { start: number; end: number }): HuntingRow[] {
  return rows.filter((row) => {
    const ms = typeof row.Timestamp === 'string' ? Date.parse(row.Timestamp) : Number.NaN;
    return ms >= window.start && ms <= window.end;
  });
}

/** Handles one runHuntingQuery request. */
export function runHuntingQuery(req: SimRequest, store: EventStore, now: Date): SimResponse {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const query = body.Query;
  const timespan = body.Timespan;
  if (typeof query !== 'string' || query.trim() === '') {
    return graphError(400, 'BadRequest', "The required parameter 'Query' is missing.", now, req);
  }
  if (timespan !== undefined && timespan !== null && typeof timespan !== 'string') {
    return graphError(400, 'BadRequest', "The parameter 'Timespan' must be a string.", now, req);
  }
  const window = parseTimespan(typeof timespan === 'string' ? timespan : undefined, now);
  if (window === undefined) {
    return graphError(400, 'BadRequest', `Invalid Timespan '${String(timespan)}'.`, now, req);
  }
  const table = (name: string): KqlTable | undefined => {
    if (name === 'DeviceEvents' || name === 'DeviceNetworkEvents') {
      const columns = TABLE_SCHEMAS[name];
      return { columns, rows: complete(columns, inWindow(store.listRows(name), window)) };
    }
    if (name === 'DeviceInfo') {
      const columns = TABLE_SCHEMAS.DeviceInfo;
      return { columns, rows: complete(columns, inWindow(deviceInfoRows(now), window)) };
    }
    return EMPTY_TABLES.includes(name) ? { columns: MINIMAL_SCHEMA, rows: [] } : undefined;
  };
  try {
    const result = runKql(query, { table, now });
    return {
      status: 200,
      body: {
        '@odata.context':
          'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults',
        schema: result.columns.map((c) => ({ name: c.name, type: c.type })),
        results: result.rows,
      },
    };
  } catch (error) {
    if (error instanceof KqlError) return graphError(400, 'BadRequest', error.message, now, req);
    throw error;
  }
}
