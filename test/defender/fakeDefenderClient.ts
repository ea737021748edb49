import { ValidationError } from '../../bot/errors';
import type {
  BatchDeleteResult,
  DefenderClient,
  DefenderIndicator,
  DeviceGroupDiscovery,
  ImportResult,
  IndicatorPage,
  IndicatorSubmission,
  ListIndicatorsOptions,
} from '../../bot/defender/defenderClient';
import type { DefenderIndicatorType } from '../../bot/defender/defenderDtos';
import type { IndicatorFilter } from '../../bot/defender/indicatorFilter';

/**
 * An in-memory {@link DefenderClient} for service and conversation tests. It upserts on
 * (type, value, action) like the simulator, records every call in `calls`, and can be told to fail the next
 * calls with `failNext`. The contract test runs the same cases against it and against the real client.
 */
export class FakeDefenderClient implements DefenderClient {
  readonly calls: { readonly method: string; readonly arg?: unknown }[] = [];
  readonly #byId = new Map<string, DefenderIndicator>();
  #nextId = 1;
  #failures: Error[] = [];

  constructor(
    readonly deviceGroups: readonly string[] = [],
    readonly now: () => Date = () => new Date(),
  ) {}

  /** The next calls (one per error) throw these errors. */
  failNext(...errors: Error[]): void {
    this.#failures.push(...errors);
  }

  /** Every stored indicator. */
  all(): DefenderIndicator[] {
    return [...this.#byId.values()];
  }

  submit(indicator: IndicatorSubmission): Promise<DefenderIndicator> {
    return this.#run('submit', indicator, () => this.#upsert(indicator));
  }

  import(indicators: readonly IndicatorSubmission[]): Promise<ImportResult> {
    return this.#run('import', indicators, () => {
      const items = indicators.map((i) => {
        try {
          return { indicatorValue: i.indicatorValue, id: this.#upsert(i).id, isFailed: false };
        } catch (error) {
          const reason = error instanceof Error ? error.message : 'invalid';
          return { indicatorValue: i.indicatorValue, isFailed: true, failureReason: `Not sent: ${reason}` };
        }
      });
      return {
        items,
        failed: items.filter((i) => i.isFailed).length,
        calls: Math.ceil(indicators.length / 500),
      };
    });
  }

  list(options: ListIndicatorsOptions = {}): Promise<IndicatorPage> {
    return this.#run('list', options, () => {
      const matching = this.all().filter((i) => matches(i, options.filter ?? {}));
      const skip = options.skip ?? 0;
      return { value: matching.slice(skip, skip + (options.top ?? 10_000)) };
    });
  }

  listAll(filter: IndicatorFilter = {}): Promise<DefenderIndicator[]> {
    return this.#run('listAll', filter, () => this.all().filter((i) => matches(i, filter)));
  }

  getById(id: string): Promise<DefenderIndicator | undefined> {
    return this.#run('getById', id, () => this.#byId.get(checkId(id)));
  }

  findByValue(type: DefenderIndicatorType, value: string): Promise<DefenderIndicator[]> {
    return this.#run('findByValue', { type, value }, () =>
      this.all().filter(
        (i) => i.indicatorType === type && i.indicatorValue.toLowerCase() === value.toLowerCase(),
      ),
    );
  }

  delete(id: string): Promise<'deleted' | 'notFound'> {
    return this.#run('delete', id, () => (this.#byId.delete(checkId(id)) ? 'deleted' : 'notFound'));
  }

  batchDelete(ids: readonly string[]): Promise<BatchDeleteResult> {
    return this.#run('batchDelete', ids, () => {
      const batches: BatchDeleteResult['batches'][number][] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const batch = ids.slice(i, i + 500).map(checkId);
        const missing = batch.some((id) => !this.#byId.has(id));
        for (const id of batch) this.#byId.delete(id);
        batches.push({ ids: batch, outcome: missing ? 'someNotFound' : 'deleted' });
      }
      return { calls: batches.length, batches };
    });
  }

  discoverDeviceGroups(): Promise<DeviceGroupDiscovery> {
    return this.#run('discoverDeviceGroups', undefined, () => ({
      source: 'config' as const,
      groups: this.deviceGroups.map((name) => ({ name })),
      problem: 'FakeDefenderClient knows only the configured groups.',
    }));
  }

  async #run<T>(method: string, arg: unknown, body: () => T): Promise<T> {
    this.calls.push({ method, arg });
    await Promise.resolve();
    const failure = this.#failures.shift();
    if (failure !== undefined) throw failure;
    return body();
  }

  #upsert(s: IndicatorSubmission): DefenderIndicator {
    if (!s.indicatorValue || !s.title || !s.description) {
      throw new ValidationError(`Indicator ${s.indicatorValue}: value, title and description are required`);
    }
    if (s.action === 'Audit' && s.generateAlert !== true) {
      throw new ValidationError(`Indicator ${s.indicatorValue}: Audit requires generateAlert: true`);
    }
    const existing = this.all().find(
      (i) =>
        i.indicatorType === s.indicatorType &&
        i.action === s.action &&
        i.indicatorValue.toLowerCase() === s.indicatorValue.toLowerCase(),
    );
    const now = this.now().toISOString();
    const id = existing?.id ?? String(this.#nextId++);
    const indicator: DefenderIndicator = {
      id,
      indicatorValue: s.indicatorValue,
      indicatorType: s.indicatorType,
      action: s.action,
      title: s.title,
      description: s.description,
      application: existing?.application ?? s.application ?? null,
      severity: s.severity ?? null,
      recommendedActions: s.recommendedActions ?? null,
      generateAlert: s.generateAlert ?? false,
      expirationTime: s.expirationTime?.toISOString() ?? null,
      creationTimeDateTimeUtc: existing?.creationTimeDateTimeUtc ?? now,
      lastUpdateTime: now,
      createdBy: 'fake-app',
      rbacGroupNames: [...(s.rbacGroupNames ?? [])],
      rbacGroupIds: [],
      mitreTechniques: [],
      externalId: s.externalId ?? null,
    };
    this.#byId.set(id, indicator);
    return indicator;
  }
}

function checkId(id: string): string {
  if (!/^\d+$/.test(id))
    throw new ValidationError(`"${id}" is not a Defender indicator id (a decimal number).`);
  return id;
}

function matches(i: DefenderIndicator, f: IndicatorFilter): boolean {
  const eq = (a: string | null | undefined, b: string | undefined): boolean =>
    b === undefined || (a ?? '').toLowerCase() === b.toLowerCase();
  const has = (a: string | null | undefined, b: string | undefined): boolean =>
    b === undefined || (a ?? '').toLowerCase().includes(b.toLowerCase());
  const expiry = i.expirationTime ? Date.parse(i.expirationTime) : undefined;
  const created = i.creationTimeDateTimeUtc ? Date.parse(i.creationTimeDateTimeUtc) : undefined;
  return (
    eq(i.indicatorValue, f.indicatorValue) &&
    eq(i.indicatorType, f.indicatorType) &&
    eq(i.action, f.action) &&
    eq(i.severity, f.severity) &&
    eq(i.createdBy, f.createdBy) &&
    eq(i.application, f.application) &&
    eq(i.title, f.title) &&
    (f.generateAlert === undefined || i.generateAlert === f.generateAlert) &&
    has(i.indicatorValue, f.indicatorValueContains) &&
    has(i.title, f.titleContains) &&
    (f.expiresBefore === undefined || (expiry !== undefined && expiry < f.expiresBefore.getTime())) &&
    (f.createdSince === undefined || (created !== undefined && created >= f.createdSince.getTime()))
  );
}
