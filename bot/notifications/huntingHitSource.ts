/**
 * Hits from advanced hunting through Graph `runHuntingQuery` (reference defender-api §7.3). The default query
 * reads network-protection and SmartScreen events whose response category is the tenant's custom indicator list
 * (`CustomBlockList`, §4) and keeps mobile devices by joining `DeviceInfo` on `OSPlatform`. It stays inside the
 * KQL the local simulator understands (no `let`, no `mv-expand`).
 */
import type { GraphClient } from '../graph/graphClient';
import type { HitAction, RawHit } from './hitRecord';
import type { HitPollResult, HitSource } from './hitSource';

/** Placeholder in a hunting query for the start of the poll's window (an ISO 8601 instant). */
export const SINCE_PLACEHOLDER = '{{since}}';

/**
 * The default hunting query. `Timespan` is kept wide (a day) so that `DeviceInfo`, which devices report only
 * now and then, still has a row for each device; the events themselves are limited by {@link SINCE_PLACEHOLDER}.
 */
export const DEFAULT_HIT_HUNTING_QUERY = [
  'DeviceEvents',
  `| where Timestamp >= datetime(${SINCE_PLACEHOLDER})`,
  '| where ActionType in ("ExploitGuardNetworkProtectionBlocked", "ExploitGuardNetworkProtectionAudited", "SmartScreenUrlWarning")',
  '| extend ResponseCategory = tostring(parse_json(AdditionalFields).ResponseCategory)',
  '| where ResponseCategory == "CustomBlockList" or AdditionalFields has "CustomBlockList"',
  '| join kind=inner (DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | where OSPlatform in~ ("iOS", "Android") | project DeviceId, OSPlatform, MachineGroup) on DeviceId',
  '| project Timestamp, DeviceId, DeviceName, OSPlatform, MachineGroup, ActionType, RemoteUrl, RemoteIP, AccountUpn = InitiatingProcessAccountUpn, AccountName = InitiatingProcessAccountName, ReportId',
  '| order by Timestamp asc',
  '| take 10000',
].join('\n');

/** Settings of {@link HuntingHitSource}. */
export interface HuntingHitSourceOptions {
  /**
   * KQL; default {@link DEFAULT_HIT_HUNTING_QUERY}. Rows need `Timestamp` and `DeviceId`; see {@link hitFromRow}.
   * `{{since}}` is replaced by the start of the poll's window.
   */
  readonly query?: string;
  readonly initialLookbackSeconds?: number;
  /** Events reach advanced hunting minutes late; each poll re-reads this much (default 600 s). */
  readonly overlapSeconds?: number;
  /** How far back `Timespan` reaches at least, for `DeviceInfo` (default 1 day). */
  readonly deviceInfoLookbackSeconds?: number;
}

function text(row: Readonly<Record<string, unknown>>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = row[n];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function actionOf(actionType: string | undefined): HitAction | undefined {
  if (!actionType) return undefined;
  if (/Audited$/i.test(actionType)) return 'Audit';
  if (/Blocked$/i.test(actionType)) return 'Block';
  if (/Warn/i.test(actionType)) return 'Warn';
  return undefined;
}

/**
 * One result row as a hit. Reads `Timestamp`, `DeviceId`, `DeviceName`, `OSPlatform`, `MachineGroup`,
 * `ActionType`, `RemoteUrl`, `RemoteIP`, `AccountUpn` (or `InitiatingProcessAccountUpn`), `AccountName`,
 * `ReportId`; undefined for a row without time or device.
 */
export function hitFromRow(row: Readonly<Record<string, unknown>>): RawHit | undefined {
  const timestamp = text(row, 'Timestamp');
  const deviceId = text(row, 'DeviceId');
  if (!timestamp || !deviceId || Number.isNaN(Date.parse(timestamp))) return undefined;
  const url = text(row, 'RemoteUrl');
  const remoteIp = text(row, 'RemoteIP');
  if (!url && !remoteIp) return undefined;
  const deviceName = text(row, 'DeviceName');
  const osPlatform = text(row, 'OSPlatform');
  const deviceGroup = text(row, 'MachineGroup');
  const user = text(
    row,
    'AccountUpn',
    'InitiatingProcessAccountUpn',
    'AccountName',
    'InitiatingProcessAccountName',
  );
  const action = actionOf(text(row, 'ActionType'));
  const time = new Date(timestamp).toISOString();
  return {
    source: 'hunting',
    sourceId: `${deviceId}:${text(row, 'ReportId') ?? ''}:${time}`,
    timestamp: time,
    deviceId,
    ...(deviceName ? { deviceName } : {}),
    ...(osPlatform ? { osPlatform } : {}),
    ...(deviceGroup ? { deviceGroup } : {}),
    ...(user ? { user } : {}),
    ...(url ? { url } : {}),
    ...(remoteIp ? { remoteIp } : {}),
    ...(action ? { action } : {}),
  };
}

/** {@link HitSource} over `POST /security/runHuntingQuery`. */
export class HuntingHitSource implements HitSource {
  readonly name = 'hunting' as const;
  readonly description =
    'Advanced hunting (runHuntingQuery): DeviceEvents with ResponseCategory CustomBlockList on iOS/Android devices. This is the source that sees mobile hits.';
  readonly query: string;

  constructor(
    private readonly graph: GraphClient,
    private readonly options: HuntingHitSourceOptions = {},
  ) {
    this.query = options.query ?? DEFAULT_HIT_HUNTING_QUERY;
  }

  async poll(checkpoint: string | undefined, now: Date): Promise<HitPollResult> {
    const start = checkpoint
      ? Date.parse(checkpoint) - (this.options.overlapSeconds ?? 600) * 1000
      : now.getTime() - (this.options.initialLookbackSeconds ?? 3600) * 1000;
    const since = new Date(start).toISOString();
    const reach = Math.min(start, now.getTime() - (this.options.deviceInfoLookbackSeconds ?? 86_400) * 1000);
    // A single start instant: the window runs to the service's now, so rows written while the query travels count.
    const result = await this.graph.runHuntingQuery(
      this.query.split(SINCE_PLACEHOLDER).join(since),
      new Date(reach).toISOString(),
    );
    const hits: RawHit[] = [];
    for (const row of result.results) {
      const hit = hitFromRow(row);
      if (hit) hits.push(hit);
    }
    return { hits, checkpoint: now.toISOString() };
  }
}
