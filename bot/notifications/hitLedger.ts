/**
 * The durable record of hits. A hit is recorded once: the same source id again is a duplicate, and a hit from
 * another source on the same device and target within the match window is merged into the existing record
 * (one hit seen by two sources). New records are also put in a pending index, which the announcer drains.
 */
import { createHash } from 'node:crypto';
import { ConflictError } from '../errors';
import { encodeKey } from '../storage/conversationStore';
import type { TableStore } from '../storage/tableStore';
import { platformOf, type HitRecord, type MatchedIndicator, type RawHit } from './hitRecord';
import { targetOf, targetText } from './indicatorCorrelator';

/** A pending-index row. */
export interface PendingHit {
  readonly id: string;
  readonly timestamp: string;
}

/** What {@link HitLedger.record} did. */
export type RecordOutcome = 'new' | 'merged' | 'duplicate';

const HOUR = 3_600_000;
const PENDING = 'pending';

function split(id: string): { pk: string; rk: string } | undefined {
  const at = id.indexOf('~');
  return at < 0 ? undefined : { pk: id.slice(0, at), rk: id.slice(at + 1) };
}

/** Hits by device, target and hour; ids are `<partition>~<row>`. */
export class HitLedger {
  constructor(
    private readonly records: TableStore<HitRecord>,
    private readonly pendingIndex: TableStore<PendingHit>,
    private readonly options: { readonly matchWindowSeconds?: number; readonly now: () => Date },
  ) {}

  private get windowMs(): number {
    return (this.options.matchWindowSeconds ?? 120) * 1000;
  }

  /**
   * Records a hit (correlated with `indicator`), de-duplicating within its source and across sources.
   * @remarks Safe to repeat after a crash: a record written before the crash is found again and its pending
   * entry restored.
   */
  async record(
    hit: RawHit,
    indicator: MatchedIndicator | undefined,
  ): Promise<{ outcome: RecordOutcome; record: HitRecord }> {
    const target = targetText(targetOf(hit));
    const ts = Date.parse(hit.timestamp);
    const group = encodeKey(`${hit.deviceId}|${target}`);
    const hours = new Set([
      Math.floor((ts - this.windowMs) / HOUR),
      Math.floor(ts / HOUR),
      Math.floor((ts + this.windowMs) / HOUR),
    ]);
    for (let attempt = 1; ; attempt++) {
      const nearby = (await Promise.all([...hours].map((h) => this.records.list(`${group}.${h}`))))
        .flat()
        .filter((s) => Math.abs(Date.parse(s.data.timestamp) - ts) <= this.windowMs);
      const same = nearby.find((s) => s.data.sourceIds[hit.source]?.includes(hit.sourceId));
      if (same) {
        if (same.data.status === 'pending') await this.markPending(same.data);
        return { outcome: 'duplicate', record: same.data };
      }
      const partner = nearby
        .filter((s) => !s.data.sources.includes(hit.source))
        .sort(
          (a, b) => Math.abs(Date.parse(a.data.timestamp) - ts) - Math.abs(Date.parse(b.data.timestamp) - ts),
        )[0];
      try {
        if (partner) {
          const merged = mergeInto(partner.data, hit, indicator);
          await this.records.replace(partner.partitionKey, partner.rowKey, merged, partner.etag);
          return { outcome: 'merged', record: merged };
        }
        const pk = `${group}.${Math.floor(ts / HOUR)}`;
        const rk = `${ts}-${createHash('sha256').update(`${hit.source}:${hit.sourceId}`).digest('hex').slice(0, 16)}`;
        const record = newRecord(`${pk}~${rk}`, hit, target, indicator, this.options.now());
        await this.records.insert(pk, rk, record);
        await this.markPending(record);
        return { outcome: 'new', record };
      } catch (error) {
        // Another instance (or an earlier attempt) wrote first; read again and decide on the fresh state.
        if (error instanceof ConflictError && attempt < 5) continue;
        throw error;
      }
    }
  }

  private async markPending(record: HitRecord): Promise<void> {
    await this.pendingIndex.upsert(PENDING, encodeKey(record.id), {
      id: record.id,
      timestamp: record.timestamp,
    });
  }

  /** Records waiting to be announced, oldest first. */
  async pending(): Promise<HitRecord[]> {
    const rows = (await this.pendingIndex.list(PENDING)).map((r) => r.data);
    const out: HitRecord[] = [];
    for (const row of rows) {
      const record = await this.get(row.id);
      if (record && record.status === 'pending') out.push(record);
      else await this.pendingIndex.delete(PENDING, encodeKey(row.id));
    }
    return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<HitRecord | undefined> {
    const keys = split(id);
    return keys ? (await this.records.get(keys.pk, keys.rk))?.data : undefined;
  }

  /** Marks a record announced and drops it from the pending index. */
  async markAnnounced(id: string): Promise<void> {
    const keys = split(id);
    if (!keys) return;
    for (let attempt = 1; ; attempt++) {
      const stored = await this.records.get(keys.pk, keys.rk);
      if (!stored) break;
      try {
        await this.records.replace(keys.pk, keys.rk, { ...stored.data, status: 'announced' }, stored.etag);
        break;
      } catch (error) {
        if (error instanceof ConflictError && attempt < 5) continue;
        throw error;
      }
    }
    await this.pendingIndex.delete(PENDING, encodeKey(id));
  }
}

function newRecord(
  id: string,
  hit: RawHit,
  target: string,
  indicator: MatchedIndicator | undefined,
  now: Date,
): HitRecord {
  const platform = platformOf(hit.osPlatform);
  const action = indicator?.action ?? hit.action;
  return {
    id,
    timestamp: new Date(hit.timestamp).toISOString(),
    deviceId: hit.deviceId,
    ...(hit.deviceName ? { deviceName: hit.deviceName } : {}),
    ...(hit.osPlatform ? { osPlatform: hit.osPlatform } : {}),
    ...(platform ? { platform } : {}),
    ...(hit.deviceGroup ? { deviceGroup: hit.deviceGroup } : {}),
    ...(hit.user ? { user: hit.user } : {}),
    ...(hit.url ? { url: hit.url } : {}),
    ...(hit.remoteIp ? { remoteIp: hit.remoteIp } : {}),
    target,
    ...(action ? { action } : {}),
    ...(indicator ? { indicator } : {}),
    sources: [hit.source],
    sourceIds: { [hit.source]: [hit.sourceId] },
    ...(hit.portalUrl ? { portalUrl: hit.portalUrl } : {}),
    status: 'pending',
    recordedAt: now.toISOString(),
  };
}

function mergeInto(record: HitRecord, hit: RawHit, indicator: MatchedIndicator | undefined): HitRecord {
  const platform = record.platform ?? platformOf(hit.osPlatform);
  return {
    ...record,
    deviceName: record.deviceName ?? hit.deviceName,
    osPlatform: record.osPlatform ?? hit.osPlatform,
    ...(platform ? { platform } : {}),
    deviceGroup: record.deviceGroup ?? hit.deviceGroup,
    user: record.user ?? hit.user,
    url: record.url ?? hit.url,
    remoteIp: record.remoteIp ?? hit.remoteIp,
    action: record.action ?? indicator?.action ?? hit.action,
    indicator: record.indicator ?? indicator,
    sources: [...record.sources, hit.source],
    sourceIds: { ...record.sourceIds, [hit.source]: [...(record.sourceIds[hit.source] ?? []), hit.sourceId] },
    // The alert page is the better portal link when there is one.
    portalUrl: hit.portalUrl ?? record.portalUrl,
  };
}
