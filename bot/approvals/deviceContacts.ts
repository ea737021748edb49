/**
 * How many devices contacted a value in the last 7 days, through advanced hunting (`runHuntingQuery`), shown to
 * approvers beside each value. Only network values (URL, domain, IP) can be counted; a failed or slow query
 * gives "unknown" and never stops the approval card.
 */
import type { GraphClient } from '../graph/graphClient';
import type { IndicatorDraft } from '../indicators';
import type { Logger } from '../logging';

/** One value's count: a number, `unknown` (the query failed), or `notApplicable` (files, certificates). */
export type DeviceContactCount = number | 'unknown' | 'notApplicable';

/** How long the card waits for hunting before it says "unknown". */
export const DEVICE_CONTACT_TIMEOUT_MS = 4000;
/** At most this many values are counted per card (each is one query). */
export const MAX_COUNTED_VALUES = 10;

/**
 * The KQL that counts distinct devices with network events to the value in 7 days, or undefined when the value
 * cannot be counted. Uses only operators of the documented subset the simulator implements (`where`, `has`,
 * `startswith`, `==`, `distinct`, `summarize count()`); values with quotes or backslashes are not put in a query.
 */
export function deviceContactQuery(
  draft: Pick<IndicatorDraft, 'indicatorType' | 'indicatorValue'>,
): string | undefined {
  const value = draft.indicatorValue;
  if (/["\\\r\n]/.test(value)) return undefined;
  let filter: string;
  switch (draft.indicatorType) {
    case 'IpAddress':
      filter = `RemoteIP == "${value}"`;
      break;
    case 'DomainName':
      // `has` matches whole terms, so `example.com` matches `www.example.com` but not `notexample.com`.
      filter = `RemoteUrl has "${value}"`;
      break;
    case 'Url':
      filter = `RemoteUrl startswith "${value}"`;
      break;
    default:
      return undefined;
  }
  return [
    'DeviceNetworkEvents',
    '| where Timestamp > ago(7d)',
    `| where ${filter}`,
    '| distinct DeviceId',
    '| summarize Devices = count()',
  ].join('\n');
}

/** Counts device contacts for drafts, in parallel, each bounded by a timeout. */
export class DeviceContactCounter {
  constructor(
    private readonly graph: Pick<GraphClient, 'runHuntingQuery'>,
    private readonly logger: Logger,
    private readonly timeoutMs = DEVICE_CONTACT_TIMEOUT_MS,
  ) {}

  /** Counts by indicator value; values beyond {@link MAX_COUNTED_VALUES} are `unknown`. */
  async count(
    drafts: readonly Pick<IndicatorDraft, 'indicatorType' | 'indicatorValue'>[],
  ): Promise<Map<string, DeviceContactCount>> {
    const out = new Map<string, DeviceContactCount>();
    await Promise.all(
      drafts.map(async (d, n) => {
        const query = deviceContactQuery(d);
        if (!query) {
          out.set(d.indicatorValue, /["\\]/.test(d.indicatorValue) ? 'unknown' : 'notApplicable');
          return;
        }
        if (n >= MAX_COUNTED_VALUES) {
          out.set(d.indicatorValue, 'unknown');
          return;
        }
        out.set(d.indicatorValue, await this.one(query));
      }),
    );
    return out;
  }

  private async one(query: string): Promise<DeviceContactCount> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'unknown'>((resolve) => {
      timer = setTimeout(() => resolve('unknown'), this.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.run(query), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(query: string): Promise<DeviceContactCount> {
    try {
      const result = await this.graph.runHuntingQuery(query, 'P7D');
      const value = result.results[0]?.Devices;
      if (result.results.length === 0) return 0;
      return typeof value === 'number' && Number.isFinite(value) ? value : 'unknown';
    } catch (error) {
      this.logger.warn({ err: error }, 'device-contact hunting query failed; showing unknown');
      return 'unknown';
    }
  }
}

/** The card's line for a count. */
export function deviceContactLine(count: DeviceContactCount | undefined): string {
  if (count === undefined || count === 'notApplicable') return '';
  if (count === 'unknown')
    return 'Devices that contacted it in the last 7 days: unknown (hunting unavailable)';
  return `Devices that contacted it in the last 7 days: ${count}`;
}
