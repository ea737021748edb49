/**
 * Decides what Defender for Endpoint does when a device visits a URL, from the documented rules for network
 * indicators (reference §4, §5): a domain covers its subdomains; a URL with a path matches under that path and the
 * longer path wins; HTTPS URL paths only in Microsoft Edge on desktops; unsupervised iOS sees only the domain;
 * IP indicators are not enforced on iOS/Android per current docs; Allow > Warn > Block on the same value;
 * an indicator scoped to device groups applies only to devices in those groups. File and certificate indicators
 * never match a URL visit.
 */
import ipaddr from 'ipaddr.js';
import type { SimIndicator } from '../contracts';
import { isMobile, type SimDevice } from './deviceFixture';

/** Outcome of a visit. */
export type VisitDecision = 'allowed' | 'blocked' | 'warned' | 'audited' | 'notEnforced';

/** A URL visit by a device. */
export interface Visit {
  readonly url: URL;
  /** The IP address the device connected to, when known (an IP literal host is used otherwise). */
  readonly remoteIp?: string;
  /** Browser on desktops: HTTPS URL paths are matched only in Microsoft Edge. Default `edge`. */
  readonly browser?: 'edge' | 'other';
}

/** Behaviour switches where the documentation changed (reference §5.1, §10.1). */
export interface MatchOptions {
  /** Enforce IP indicators on iOS/Android (2022 blog, older docs). Default false (current docs). */
  readonly mobileIpIndicators?: boolean;
}

/** The decision and the indicator that produced it. */
export interface MatchResult {
  readonly decision: VisitDecision;
  readonly indicator?: SimIndicator;
}

type ActionClass = 'allow' | 'warn' | 'block' | 'audit';

/** Allow > Warn > Block (documented); Audit does not stop a connection, so any stronger action beats it. */
const ACTION_RANK: Readonly<Record<ActionClass, number>> = { allow: 0, warn: 1, block: 2, audit: 3 };

const DECISION: Readonly<Record<ActionClass, VisitDecision>> = {
  allow: 'allowed',
  warn: 'warned',
  block: 'blocked',
  audit: 'audited',
};

interface Candidate {
  readonly indicator: SimIndicator;
  readonly action: ActionClass;
  /** Higher wins: [kind (URL 3, domain 2, IP 1), length of the matched path or domain]. */
  readonly specificity: readonly [number, number];
  readonly enforced: boolean;
}

function actionClass(action: string): ActionClass | undefined {
  switch (action) {
    case 'Allowed':
      return 'allow';
    case 'Warn':
      return 'warn';
    case 'Block':
    case 'AlertAndBlock':
    case 'BlockAndRemediate':
      return 'block';
    case 'Audit':
    case 'Alert':
      return 'audit';
    default:
      return undefined;
  }
}

function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
}

function sameIp(a: string, b: string): boolean {
  if (!ipaddr.isValid(a) || !ipaddr.isValid(b)) return false;
  const pa = ipaddr.process(a);
  const pb = ipaddr.process(b);
  return pa.kind() === pb.kind() && pa.toNormalizedString() === pb.toNormalizedString();
}

function inScope(indicator: SimIndicator, device: SimDevice): boolean {
  return indicator.rbacGroupNames.length === 0 || indicator.rbacGroupNames.includes(device.rbacGroupName);
}

function parseIndicatorUrl(value: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    return new URL(withScheme);
  } catch {
    return undefined;
  }
}

/** Path-prefix match on segment boundaries: `/block` covers `/block` and `/block/x`, not `/blockx`. */
function underPath(visitPath: string, indicatorPath: string): boolean {
  if (visitPath === indicatorPath) return true;
  const prefix = indicatorPath.endsWith('/') ? indicatorPath : `${indicatorPath}/`;
  return visitPath.startsWith(prefix);
}

function candidate(
  indicator: SimIndicator,
  device: SimDevice,
  visit: Visit,
  options: MatchOptions,
): Candidate | undefined {
  const action = actionClass(indicator.action);
  if (action === undefined || !inScope(indicator, device)) return undefined;
  const host = normaliseHost(visit.url.hostname);
  const mobile = isMobile(device.platform);
  switch (indicator.indicatorType) {
    case 'DomainName': {
      const domain = normaliseHost(indicator.indicatorValue);
      if (host !== domain && !host.endsWith(`.${domain}`)) return undefined;
      return { indicator, action, specificity: [2, domain.length], enforced: true };
    }
    case 'Url': {
      const target = parseIndicatorUrl(indicator.indicatorValue.trim());
      if (target === undefined || normaliseHost(target.hostname) !== host) return undefined;
      const indicatorPath = `${target.pathname}${target.search}`;
      const hasPath = indicatorPath !== '' && indicatorPath !== '/';
      if (hasPath && !underPath(`${visit.url.pathname}${visit.url.search}`, indicatorPath)) return undefined;
      let enforced = true;
      if (hasPath && device.platform === 'iOS' && device.supervised !== true) enforced = false;
      if (hasPath && !mobile && visit.url.protocol === 'https:' && (visit.browser ?? 'edge') !== 'edge') {
        enforced = false;
      }
      return { indicator, action, specificity: [3, hasPath ? indicatorPath.length : 0], enforced };
    }
    case 'IpAddress': {
      const ip = visit.remoteIp ?? (ipaddr.isValid(host) ? host : undefined);
      if (ip === undefined || !sameIp(ip, indicator.indicatorValue.trim())) return undefined;
      return {
        indicator,
        action,
        specificity: [1, 0],
        enforced: !mobile || options.mobileIpIndicators === true,
      };
    }
    default:
      return undefined;
  }
}

function compare(a: Candidate, b: Candidate): number {
  return (
    b.specificity[0] - a.specificity[0] ||
    b.specificity[1] - a.specificity[1] ||
    ACTION_RANK[a.action] - ACTION_RANK[b.action] ||
    a.indicator.id.localeCompare(b.indicator.id, 'en', { numeric: true })
  );
}

/** Decides the outcome of one visit against the active indicators. */
export function decideVisit(
  device: SimDevice,
  visit: Visit,
  indicators: readonly SimIndicator[],
  options: MatchOptions = {},
): MatchResult {
  const candidates = indicators
    .map((indicator) => candidate(indicator, device, visit, options))
    .filter((c): c is Candidate => c !== undefined)
    .sort(compare);
  const winner = candidates.find((c) => c.enforced);
  if (winner !== undefined) return { decision: DECISION[winner.action], indicator: winner.indicator };
  const ignored = candidates[0];
  if (ignored !== undefined) return { decision: 'notEnforced', indicator: ignored.indicator };
  return { decision: 'allowed' };
}
