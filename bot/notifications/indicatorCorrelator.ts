/**
 * Matches hits to indicators with Defender's rules (reference defender-api §4): a domain covers its subdomains, a
 * URL covers the resources under its path on that host, an IP matches itself. The most specific indicator wins
 * (URL with the longest path, then the longest domain, then IP). Indicators come from Defender's list and from
 * the bot's own requests; hits on indicators neither knows are still reported, unmatched.
 */
import ipaddr from 'ipaddr.js';
import type { DefenderClient } from '../defender/defenderClient';
import type { Logger } from '../logging';
import { hitActionOf, type MatchedIndicator, type RawHit } from './hitRecord';

/** Lists indicators the bot knows (Defender's, or its own requests'). */
export type IndicatorProvider = () => Promise<readonly MatchedIndicator[]>;

/** The network indicators in Defender, as {@link MatchedIndicator}s. */
export function defenderIndicatorProvider(defender: DefenderClient): IndicatorProvider {
  return async () => {
    const all = await defender.listAll();
    const out: MatchedIndicator[] = [];
    for (const i of all) {
      const action = hitActionOf(i.action);
      if (action === undefined) continue;
      if (i.indicatorType !== 'Url' && i.indicatorType !== 'DomainName' && i.indicatorType !== 'IpAddress')
        continue;
      out.push({
        id: i.id,
        type: i.indicatorType,
        value: i.indicatorValue,
        action,
        ...(i.title ? { title: i.title } : {}),
        rbacGroupNames: i.rbacGroupNames,
        origin: 'defender',
      });
    }
    return out;
  };
}

/** Where a hit went: host (lower-case, no trailing dot), path, and IP when the host is one. */
export interface HitTarget {
  readonly host?: string;
  readonly path?: string;
  readonly ip?: string;
}

function normaliseIp(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return undefined;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  }
  return parsed.toNormalizedString();
}

function parseUrlish(text: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    return new URL(withScheme);
  } catch {
    return undefined;
  }
}

/** The target of a hit from its URL and remote IP. */
export function targetOf(hit: Pick<RawHit, 'url' | 'remoteIp'>): HitTarget {
  const url = hit.url ? parseUrlish(hit.url) : undefined;
  const host = url?.hostname.toLowerCase().replace(/\.$/, '');
  const hostIp = host ? normaliseIp(host) : undefined;
  const ip = hit.remoteIp ? normaliseIp(hit.remoteIp) : hostIp;
  return {
    ...(host && !hostIp ? { host } : {}),
    ...(url ? { path: url.pathname } : {}),
    ...(ip ? { ip } : {}),
  };
}

/** A short text naming the target (host, else IP). */
export function targetText(target: HitTarget): string {
  return target.host ?? target.ip ?? 'unknown';
}

/** How specifically an indicator matches a target; undefined = no match. */
export function matchScore(indicator: MatchedIndicator, target: HitTarget): number | undefined {
  switch (indicator.type) {
    case 'IpAddress': {
      const ip = normaliseIp(indicator.value);
      return ip !== undefined && ip === target.ip ? 1_000 : undefined;
    }
    case 'DomainName': {
      const domain = indicator.value.toLowerCase().replace(/\.$/, '');
      if (!target.host) return undefined;
      return target.host === domain || target.host.endsWith(`.${domain}`) ? 2_000 + domain.length : undefined;
    }
    case 'Url': {
      const url = parseUrlish(indicator.value);
      if (!url || !target.host) return undefined;
      if (url.hostname.toLowerCase().replace(/\.$/, '') !== target.host) return undefined;
      const prefix = url.pathname === '/' ? '' : url.pathname;
      const path = target.path ?? '/';
      if (!path.startsWith(prefix)) return undefined;
      return 3_000 + prefix.length;
    }
  }
}

/** The most specific indicator covering a target. */
export function bestMatch(
  indicators: readonly MatchedIndicator[],
  target: HitTarget,
): MatchedIndicator | undefined {
  let best: MatchedIndicator | undefined;
  let bestScore = -1;
  for (const indicator of indicators) {
    const score = matchScore(indicator, target);
    if (score === undefined || score < bestScore) continue;
    // On a tie prefer Defender's record (it has the id and the enforced action).
    if (score === bestScore && !(indicator.origin === 'defender' && best?.origin !== 'defender')) continue;
    best = indicator;
    bestScore = score;
  }
  return best;
}

/** Settings of {@link IndicatorCorrelator}. */
export interface IndicatorCorrelatorOptions {
  readonly providers: readonly IndicatorProvider[];
  readonly now: () => Date;
  /** How long a listed catalogue is reused (default 60 s). */
  readonly cacheSeconds?: number;
  readonly logger?: Logger;
}

/** Caches the known indicators and matches hits against them. */
export class IndicatorCorrelator {
  private cache?: { at: number; indicators: readonly MatchedIndicator[] };
  private refreshedThisPoll = false;

  constructor(private readonly options: IndicatorCorrelatorOptions) {}

  /** The known indicators, refreshed when stale; a failing provider is logged and skipped. */
  async indicators(): Promise<readonly MatchedIndicator[]> {
    const now = this.options.now().getTime();
    const ttl = (this.options.cacheSeconds ?? 60) * 1000;
    if (this.cache && now - this.cache.at < ttl) return this.cache.indicators;
    const lists = await Promise.all(
      this.options.providers.map((p) =>
        p().catch((error: unknown) => {
          this.options.logger?.warn({ err: error }, 'an indicator provider failed; hits may show as unknown');
          return [] as MatchedIndicator[];
        }),
      ),
    );
    const indicators = lists.flat();
    this.cache = { at: now, indicators };
    return indicators;
  }

  /** Forgets the cached catalogue (after the bot submits an indicator, or in tests). */
  invalidate(): void {
    this.cache = undefined;
  }

  /** Starts a poll: the first miss of the poll re-lists, so a just-created indicator is not shown as unknown. */
  beginPoll(): void {
    this.refreshedThisPoll = false;
  }

  /** The indicator that covers a hit, if the bot knows one. */
  async match(hit: Pick<RawHit, 'url' | 'remoteIp'>): Promise<MatchedIndicator | undefined> {
    const target = targetOf(hit);
    const found = bestMatch(await this.indicators(), target);
    if (found || this.refreshedThisPoll) return found;
    this.refreshedThisPoll = true;
    this.invalidate();
    return bestMatch(await this.indicators(), target);
  }
}
