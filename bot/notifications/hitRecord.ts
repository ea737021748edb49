/**
 * The hit model: what a source reports ({@link RawHit}), and the durable, de-duplicated, correlated record that
 * the announcer posts ({@link HitRecord}).
 */
import type { HitPlatform } from '../commands/commandParser';

/** Names of the hit sources. */
export const HIT_SOURCES = ['alerts', 'hunting'] as const;
export type HitSourceName = (typeof HIT_SOURCES)[number];

/** What people see as a source's name. */
export const HIT_SOURCE_LABELS: Record<HitSourceName, string> = {
  alerts: 'Graph alerts_v2',
  hunting: 'Advanced hunting',
};

/** The action a hit was decided with, as Defender names it. */
export type HitAction = 'Audit' | 'Block' | 'Warn' | 'Allowed';

/** One hit as a source reports it, before correlation. */
export interface RawHit {
  readonly source: HitSourceName;
  /** Unique within the source: the alert id, or device + ReportId + time of a hunting row. */
  readonly sourceId: string;
  /** When the device hit the indicator (ISO 8601). */
  readonly timestamp: string;
  readonly deviceId: string;
  readonly deviceName?: string;
  /** The platform string Defender reports (`iOS`, `Android`, `Windows11`, …). */
  readonly osPlatform?: string;
  readonly deviceGroup?: string;
  readonly user?: string;
  readonly url?: string;
  readonly remoteIp?: string;
  /** The action the source's evidence suggests, used when no indicator is known. */
  readonly action?: HitAction;
  /** A link into the Defender portal (the alert page, when there is one). */
  readonly portalUrl?: string;
}

/** The indicator a hit was matched to. */
export interface MatchedIndicator {
  /** Defender id, when the indicator came from Defender. */
  readonly id?: string;
  readonly type: 'Url' | 'DomainName' | 'IpAddress';
  readonly value: string;
  readonly action: HitAction;
  readonly title?: string;
  readonly rbacGroupNames: readonly string[];
  /** Where the bot knows it from: Defender's list, or the bot's own requests. */
  readonly origin: 'defender' | 'request';
}

/** A hit as recorded: de-duplicated across sources, correlated, and waiting to be (or already) announced. */
export interface HitRecord {
  /** Opaque id (table keys); the only thing a card carries. */
  readonly id: string;
  readonly timestamp: string;
  readonly deviceId: string;
  readonly deviceName?: string;
  readonly osPlatform?: string;
  readonly platform?: HitPlatform;
  readonly deviceGroup?: string;
  readonly user?: string;
  readonly url?: string;
  readonly remoteIp?: string;
  /** Host of the URL, or the IP: what the hit was about, whether or not an indicator is known. */
  readonly target: string;
  readonly action?: HitAction;
  readonly indicator?: MatchedIndicator;
  readonly sources: readonly HitSourceName[];
  readonly sourceIds: Partial<Record<HitSourceName, readonly string[]>>;
  readonly portalUrl?: string;
  readonly status: 'pending' | 'announced';
  readonly recordedAt: string;
}

/** Maps Defender's platform strings to the filter's platform names. */
export function platformOf(osPlatform: string | undefined): HitPlatform | undefined {
  const p = (osPlatform ?? '').toLowerCase();
  if (p === '') return undefined;
  if (p.startsWith('ios') || p.startsWith('ipados')) return 'iOS';
  if (p.startsWith('android')) return 'Android';
  if (p.startsWith('windows')) return 'Windows';
  if (p.startsWith('mac') || p.startsWith('osx')) return 'macOS';
  if (
    p.startsWith('linux') ||
    ['ubuntu', 'debian', 'redhat', 'rhel', 'centos', 'suse'].some((d) => p.startsWith(d))
  )
    return 'Linux';
  return undefined;
}

/** The key a channel aggregates and mutes by: the indicator, or the target when no indicator is known. */
export function indicatorKey(hit: Pick<HitRecord, 'indicator' | 'target'>): string {
  return hit.indicator
    ? `${hit.indicator.type}:${hit.indicator.value.toLowerCase()}`
    : `unknown:${hit.target}`;
}

/** Normalises Defender's action names (legacy `AlertAndBlock` / `Alert` included). */
export function hitActionOf(action: string | undefined): HitAction | undefined {
  switch (action) {
    case 'Block':
    case 'AlertAndBlock':
    case 'BlockAndRemediate':
      return 'Block';
    case 'Audit':
    case 'Alert':
      return 'Audit';
    case 'Warn':
      return 'Warn';
    case 'Allowed':
      return 'Allowed';
    default:
      return undefined;
  }
}
