/**
 * Conflict analysis against indicators already in Defender: same value, a covering domain or a longer URL
 * path, another action (Allow > Warn > Block for network indicators), another scope.
 */
import { domainCovers } from './hostName';
import {
  fromApiAction,
  isNetworkType,
  networkPrecedence,
  productActionLabel,
  type ExistingIndicator,
  type Finding,
  type IndicatorType,
  type ProductAction,
  type Scope,
} from './types';

interface IndexedUrl {
  indicator: ExistingIndicator;
  withoutScheme: string;
}

interface ExistingIndex {
  byValue: Map<string, ExistingIndicator[]>;
  /** Existing domain indicators by domain. */
  domains: Map<string, ExistingIndicator[]>;
  /** Existing domain and URL indicators under each ancestor domain of their host. */
  under: Map<string, ExistingIndicator[]>;
  /** Existing URL indicators by host. */
  urlsByHost: Map<string, IndexedUrl[]>;
}

const cache = new WeakMap<readonly ExistingIndicator[], ExistingIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Host of a URL value as stored in Defender (scheme optional). */
export function urlHost(value: string): string {
  return (
    /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(value)?.[1] ?? ''
  ).toLowerCase();
}

function stripScheme(value: string): string {
  return value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').toLowerCase();
}

function buildIndex(existing: readonly ExistingIndicator[]): ExistingIndex {
  const index: ExistingIndex = {
    byValue: new Map(),
    domains: new Map(),
    under: new Map(),
    urlsByHost: new Map(),
  };
  for (const indicator of existing) {
    const value = indicator.indicatorValue.trim().toLowerCase();
    push(index.byValue, `${indicator.indicatorType}|${value}`, indicator);
    if (indicator.indicatorType !== 'DomainName' && indicator.indicatorType !== 'Url') continue;
    const host = indicator.indicatorType === 'DomainName' ? value.replace(/\.$/, '') : urlHost(value);
    if (indicator.indicatorType === 'DomainName') push(index.domains, host, indicator);
    else push(index.urlsByHost, host, { indicator, withoutScheme: stripScheme(value) });
    const labels = host.split('.');
    for (let i = 1; i < labels.length; i++) push(index.under, labels.slice(i).join('.'), indicator);
  }
  return index;
}

function indexOf(existing: readonly ExistingIndicator[]): ExistingIndex {
  let index = cache.get(existing);
  if (!index) {
    index = buildIndex(existing);
    cache.set(existing, index);
  }
  return index;
}

function scopeKey(groups: readonly string[]): string {
  return [...new Set(groups.map((g) => g.trim().toLowerCase()))].sort().join('\n');
}

function describeScope(groups: readonly string[]): string {
  return groups.length === 0 ? 'all devices' : `groups ${groups.join(', ')}`;
}

function describe(indicator: ExistingIndicator): string {
  const expires = indicator.expirationTime ? `, expires ${indicator.expirationTime}` : '';
  return `#${indicator.id} (${productActionLabel(fromApiAction(indicator.action))} on ${describeScope(indicator.rbacGroupNames)}${expires})`;
}

/** What the analyst asked for, as conflict analysis needs it. */
export interface ConflictSubject {
  type: IndicatorType;
  value: string;
  /** Host for domains and URLs. */
  host?: string;
  action: ProductAction;
  scope: Scope;
}

const MAX_CONFLICTS = 5;

/** Conflict warnings, each with a suggested resolution. */
export function conflictFindings(
  subject: ConflictSubject,
  existing: readonly ExistingIndicator[] | undefined,
): Finding[] {
  if (!existing || existing.length === 0) return [];
  const index = indexOf(existing);
  const findings: Finding[] = [];
  const scopeGroups = subject.scope.kind === 'allDevices' ? [] : subject.scope.groups;
  const ourLabel = productActionLabel(subject.action);

  for (const other of index.byValue.get(`${subject.type}|${subject.value.toLowerCase()}`) ?? []) {
    const theirAction = fromApiAction(other.action);
    const sameScope = scopeKey(other.rbacGroupNames) === scopeKey(scopeGroups);
    if (theirAction === subject.action) {
      findings.push(
        sameScope
          ? {
              level: 'warning',
              code: 'duplicate',
              message: `${subject.value} already has this indicator: ${describe(other)}.`,
              suggestion: `Extend or update #${other.id} instead of creating a duplicate.`,
              relatedId: other.id,
            }
          : {
              level: 'warning',
              code: 'conflictScope',
              message: `${subject.value} already has ${describe(other)}; you asked for ${describeScope(scopeGroups)}. Defender may treat the same value, type and action as an update and replace its scope.`,
              suggestion: `Update the scope of #${other.id} to include what you need instead.`,
              relatedId: other.id,
            },
      );
      continue;
    }
    findings.push({
      level: 'warning',
      code: 'conflictAction',
      message: `${subject.value} already has ${describe(other)}. ${precedenceText(subject.type, subject.action, theirAction)}`,
      suggestion: `Change or remove #${other.id} rather than adding a second indicator with another action.`,
      relatedId: other.id,
    });
  }

  if (subject.host && isNetworkType(subject.type) && subject.type !== 'IpAddress') {
    const host = subject.host;
    const labels = host.split('.');
    // Existing domain indicators that cover this host (a domain covers its subdomains).
    for (let i = subject.type === 'DomainName' ? 1 : 0; i < labels.length - 1; i++) {
      const parent = labels.slice(i).join('.');
      for (const other of index.domains.get(parent) ?? []) {
        const theirAction = fromApiAction(other.action);
        findings.push({
          level: 'warning',
          code: theirAction === subject.action ? 'coveredByDomain' : 'conflictCoveringDomain',
          message:
            theirAction === subject.action
              ? `${host} is already covered by the domain indicator ${parent} ${describe(other)}.`
              : `The domain indicator ${parent} ${describe(other)} also covers ${host}, with another action than your ${ourLabel}.`,
          suggestion:
            theirAction === subject.action
              ? `Not needed unless you want a different scope or expiry than #${other.id}.`
              : `Decide which should win and change #${other.id} or this request.`,
          relatedId: other.id,
        });
      }
    }
    if (subject.type === 'DomainName') {
      for (const other of index.under.get(host) ?? []) {
        const theirAction = fromApiAction(other.action);
        const otherValue = other.indicatorValue;
        findings.push({
          level: 'warning',
          code: theirAction === subject.action ? 'coversExisting' : 'conflictCoveredIndicator',
          message:
            theirAction === subject.action
              ? `Your domain indicator ${host} covers the existing ${otherValue} ${describe(other)}, which becomes redundant.`
              : `Your domain indicator ${host} also covers the existing ${otherValue} ${describe(other)}, which has another action.`,
          suggestion:
            theirAction === subject.action
              ? `Remove #${other.id} after this one is active.`
              : `Check that ${otherValue} should keep its own action.`,
          relatedId: other.id,
        });
      }
    }
    if (subject.type === 'Url') {
      const ours = stripScheme(subject.value);
      for (const { indicator: other, withoutScheme } of index.urlsByHost.get(host) ?? []) {
        if (withoutScheme === ours || other.indicatorValue.toLowerCase() === subject.value.toLowerCase())
          continue;
        const theirsLonger = ours.length < withoutScheme.length && withoutScheme.startsWith(ours);
        const oursLonger = withoutScheme.length < ours.length && ours.startsWith(withoutScheme);
        if (!theirsLonger && !oursLonger) continue;
        const theirAction = fromApiAction(other.action);
        const same = theirAction === subject.action;
        findings.push({
          level: 'warning',
          code: same ? 'overlappingUrl' : 'conflictUrlPath',
          message: theirsLonger
            ? `The existing ${other.indicatorValue} ${describe(other)} is a longer path under yours${same ? '' : ', so it wins there (the longer URL path wins)'}.`
            : `Your URL is under the existing ${other.indicatorValue} ${describe(other)}${same ? ', which already matches it' : '; yours is longer and wins under its path'}.`,
          suggestion: same && oursLonger ? `Not needed: #${other.id} already matches this path.` : undefined,
          relatedId: other.id,
        });
      }
    }
  }
  if (findings.length > MAX_CONFLICTS) {
    const rest = findings.length - MAX_CONFLICTS;
    return [
      ...findings.slice(0, MAX_CONFLICTS),
      { level: 'warning', code: 'moreConflicts', message: `…and ${rest} more overlapping indicators.` },
    ];
  }
  return findings;
}

function precedenceText(type: IndicatorType, ours: ProductAction, theirs: ProductAction): string {
  if (isNetworkType(type)) {
    if (ours === 'audit' || theirs === 'audit') {
      return `Both would apply to the same value; Audit only records, the other action decides.`;
    }
    const ourRank = networkPrecedence(apiOf(ours));
    const theirRank = networkPrecedence(apiOf(theirs));
    return ourRank > theirRank
      ? `Your ${productActionLabel(ours)} would override it (Allow > Warn > Block).`
      : `It wins over your ${productActionLabel(ours)} (Allow > Warn > Block), so yours would have no effect.`;
  }
  if (type === 'CertificateThumbprint') {
    return 'Certificate indicators follow their own conflict order; two actions on one certificate are confusing.';
  }
  const blockLike = (a: ProductAction): boolean => a === 'block' || a === 'warn' || a === 'blockAndRemediate';
  if (blockLike(theirs) && ours === 'allow')
    return 'For files a Block or Warn indicator wins over Allow, so yours would have no effect.';
  if (blockLike(ours) && theirs === 'allow')
    return 'For files your Block or Warn wins over the existing Allow.';
  return 'Both would apply to the same file.';
}

function apiOf(action: ProductAction): 'Allowed' | 'Warn' | 'Block' {
  return action === 'allow' ? 'Allowed' : action === 'warn' ? 'Warn' : 'Block';
}

/** Whether `domain` covers `host`; re-exported for callers matching hits to indicators. */
export { domainCovers };
