/**
 * The tenant's indicators: upsert keyed on (type, value, action) as reference §1.5 recommends, the 15,000
 * active-indicator limit, and expiry (an expired indicator is deleted, reference §1.6).
 */
import type { IndicatorView, SimIndicator } from '../contracts';
import type { ValidIndicatorInput } from './indicatorValidation';

/** A stored indicator with every field real responses carry (reference §1.1, §1.4). */
export interface IndicatorRecord extends SimIndicator {
  readonly application: string | null;
  readonly source: string;
  readonly sourceType: 'User' | 'AadApp';
  readonly createdBySource: string;
  readonly createdByDisplayName: string;
  readonly lastUpdateTime: string;
  readonly lastUpdatedBy: string | null;
  readonly recommendedActions: string | null;
  readonly rbacGroupIds: readonly string[];
  readonly educateUrl: string | null;
  readonly bypassDurationHours: number | null;
  readonly category: string | null;
  readonly notificationId: string | null;
  readonly notificationBody: string | null;
  readonly version: string | null;
  readonly mitreTechniques: readonly string[];
  readonly historicalDetection: boolean;
  readonly lookBackPeriod: string | null;
  readonly additionalInfo: string | null;
  readonly externalId: string | null;
  readonly certificateInfo: unknown;
}

/** Who submits. */
export interface Submitter {
  readonly appid: string;
  readonly displayName: string;
}

/** Result of an upsert. */
export type UpsertResult =
  | { readonly ok: true; readonly record: IndicatorRecord; readonly created: boolean }
  | { readonly ok: false; readonly reason: 'limit' | 'notFound' };

/** Default tenant limit of active indicators (reference §3). */
export const MAX_ACTIVE_INDICATORS = 15_000;

/** Options of the store. */
export interface IndicatorStoreOptions {
  readonly now: () => Date;
  readonly maxActive?: number;
  /** Device-group name → id, for `rbacGroupIds`. */
  readonly groupIdOf?: (name: string) => string | undefined;
}

function iso(d: Date): string {
  return d.toISOString().replace(/(\.\d{3})Z$/, '$10000Z');
}

/** The indicator store. */
export class IndicatorStore implements IndicatorView {
  private readonly byId = new Map<string, IndicatorRecord>();
  private nextId = 1;
  readonly maxActive: number;

  constructor(private readonly options: IndicatorStoreOptions) {
    this.maxActive = options.maxActive ?? MAX_ACTIVE_INDICATORS;
  }

  /** Deletes indicators whose expiration time has passed. */
  private purge(now: Date): void {
    const t = now.getTime();
    for (const [id, r] of this.byId) {
      if (r.expirationTime !== null && Date.parse(r.expirationTime) <= t) this.byId.delete(id);
    }
  }

  /** Active indicators in id order. */
  listActive(now: Date = this.options.now()): readonly IndicatorRecord[] {
    this.purge(now);
    return [...this.byId.values()];
  }

  /** Active indicators a caller may see: all with `Ti.ReadWrite.All`, otherwise only its own. */
  visibleTo(appid: string | undefined, all: boolean): IndicatorRecord[] {
    return this.listActive().filter((r) => all || r.createdBy === appid);
  }

  /** An active indicator by id. */
  get(id: string): IndicatorRecord | undefined {
    this.purge(this.options.now());
    return this.byId.get(id);
  }

  /** How many indicators are active. */
  activeCount(): number {
    return this.listActive().length;
  }

  /**
   * Creates, or updates the indicator with the same type, value (case-insensitive) and action — or the one
   * named by `input.id`. Fields that the documentation says only work for new indicators keep their first value.
   * @param restrictTo when set, only indicators created by this app can be matched (`Ti.ReadWrite` callers).
   */
  upsert(input: ValidIndicatorInput, by: Submitter, restrictTo?: string): UpsertResult {
    const now = this.options.now();
    this.purge(now);
    let existing: IndicatorRecord | undefined;
    if (input.id !== undefined) {
      existing = this.byId.get(input.id);
      if (existing === undefined || (restrictTo !== undefined && existing.createdBy !== restrictTo)) {
        return { ok: false, reason: 'notFound' };
      }
    } else {
      const value = input.indicatorValue.toLowerCase();
      existing = [...this.byId.values()].find(
        (r) =>
          r.indicatorType === input.indicatorType &&
          r.action === input.action &&
          r.indicatorValue.toLowerCase() === value &&
          (restrictTo === undefined || r.createdBy === restrictTo),
      );
    }
    if (existing === undefined && this.byId.size >= this.maxActive) return { ok: false, reason: 'limit' };
    const stamp = iso(now);
    const groupIds = input.rbacGroupNames
      .map((n) => this.options.groupIdOf?.(n))
      .filter((g): g is string => g !== undefined);
    const id = existing?.id ?? String(this.nextId++);
    const record: IndicatorRecord = {
      id,
      indicatorValue: existing?.indicatorValue ?? input.indicatorValue,
      indicatorType: input.indicatorType,
      action: input.action,
      application: existing !== undefined ? existing.application : input.application,
      source: existing?.source ?? by.displayName,
      sourceType: 'AadApp',
      createdBy: existing?.createdBy ?? by.appid,
      createdBySource: existing?.createdBySource ?? 'PublicApi',
      createdByDisplayName: existing?.createdByDisplayName ?? by.displayName,
      severity: input.severity,
      category: input.category,
      title: input.title,
      description: input.description,
      recommendedActions: input.recommendedActions,
      creationTimeDateTimeUtc: existing?.creationTimeDateTimeUtc ?? stamp,
      expirationTime: input.expirationTime,
      lastUpdateTime: stamp,
      lastUpdatedBy: existing !== undefined ? by.appid : null,
      rbacGroupNames: [...input.rbacGroupNames],
      rbacGroupIds: groupIds,
      educateUrl: input.educateUrl,
      bypassDurationHours: input.bypassDurationHours,
      notificationId: null,
      notificationBody: null,
      version: existing !== undefined ? existing.version : input.version,
      mitreTechniques: [...input.mitreTechniques],
      historicalDetection: input.historicalDetection,
      lookBackPeriod: input.lookBackPeriod,
      generateAlert: input.generateAlert,
      additionalInfo: null,
      externalId: input.externalId ?? existing?.externalId ?? null,
      certificateInfo: existing !== undefined ? existing.certificateInfo : input.certificateInfo,
    };
    this.byId.set(id, record);
    return { ok: true, record, created: existing === undefined };
  }

  /** Deletes one indicator; false when it did not exist. */
  delete(id: string): boolean {
    this.purge(this.options.now());
    return this.byId.delete(id);
  }

  /** Forgets every indicator and restarts ids. */
  reset(): void {
    this.byId.clear();
    this.nextId = 1;
  }
}
