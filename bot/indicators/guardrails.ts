/**
 * Values that must never be blocked: the tenant's own domains, a configurable protected list, and the
 * service endpoints the bot and the Defender apps rely on.
 */
import { domainCovers } from './hostName';
import type { Finding, IndicatorType, ProductAction } from './types';

/** Why a service endpoint is on the built-in list. */
export interface ServiceEndpoint {
  domain: string;
  reason: string;
}

const IDENTITY = 'Microsoft Entra sign-in, used by the bot, Teams and the Defender mobile apps';
const TEAMS = 'Microsoft Teams, where this bot and your analysts work';
const BOT = 'the Bot Framework service that carries this bot’s messages';
const DEFENDER = 'Microsoft Defender for Endpoint, which enforces the indicators';
const INTUNE = 'Intune, which enrols and manages the mobile devices Defender protects';

/**
 * The built-in list of endpoints that must never be blocked, warned or audited away. Each entry protects
 * itself and all its subdomains, and a domain indicator for any parent of an entry would cover it.
 * @remarks Curated from Microsoft's published endpoint lists for Entra ID, Teams, Bot Framework, Defender for
 * Endpoint and Intune; extend it with `PROTECTED_DOMAINS` rather than editing it.
 */
export const SERVICE_ENDPOINTS: readonly ServiceEndpoint[] = [
  { domain: 'login.microsoftonline.com', reason: IDENTITY },
  { domain: 'login.microsoft.com', reason: IDENTITY },
  { domain: 'login.windows.net', reason: IDENTITY },
  { domain: 'login.live.com', reason: IDENTITY },
  { domain: 'aadcdn.msauth.net', reason: IDENTITY },
  { domain: 'aadcdn.msftauth.net', reason: IDENTITY },
  { domain: 'logincdn.msauth.net', reason: IDENTITY },
  { domain: 'enterpriseregistration.windows.net', reason: IDENTITY },
  { domain: 'login.microsoftonline.us', reason: IDENTITY },
  { domain: 'graph.microsoft.com', reason: 'Microsoft Graph, which the bot reads alerts and groups from' },
  { domain: 'teams.microsoft.com', reason: TEAMS },
  { domain: 'teams.cloud.microsoft', reason: TEAMS },
  { domain: 'teams.live.com', reason: TEAMS },
  { domain: 'teams.microsoft.us', reason: TEAMS },
  { domain: 'statics.teams.cdn.office.net', reason: TEAMS },
  { domain: 'teams.events.data.microsoft.com', reason: TEAMS },
  { domain: 'skype.com', reason: TEAMS },
  { domain: 'lync.com', reason: TEAMS },
  { domain: 'botframework.com', reason: BOT },
  { domain: 'smba.trafficmanager.net', reason: BOT },
  { domain: 'api.security.microsoft.com', reason: DEFENDER },
  { domain: 'security.microsoft.com', reason: DEFENDER },
  { domain: 'api.securitycenter.microsoft.com', reason: DEFENDER },
  { domain: 'api.securitycenter.windows.com', reason: DEFENDER },
  { domain: 'securitycenter.windows.com', reason: DEFENDER },
  { domain: 'endpoint.security.microsoft.com', reason: DEFENDER },
  { domain: 'events.data.microsoft.com', reason: DEFENDER },
  { domain: 'wdcp.microsoft.com', reason: DEFENDER },
  { domain: 'wdcpalt.microsoft.com', reason: DEFENDER },
  { domain: 'smartscreen.microsoft.com', reason: DEFENDER },
  { domain: 'smartscreen-prod.microsoft.com', reason: DEFENDER },
  { domain: 'checkappexec.microsoft.com', reason: DEFENDER },
  { domain: 'manage.microsoft.com', reason: INTUNE },
  { domain: 'manage.microsoft.us', reason: INTUNE },
];

/** The protected lists a check uses. */
export interface GuardrailLists {
  protectedDomains: readonly string[];
  tenantDomains: readonly string[];
  serviceEndpoints?: readonly ServiceEndpoint[];
}

/** Actions that can break access to what they hit. */
function isRestrictive(action: ProductAction): boolean {
  return action === 'block' || action === 'warn' || action === 'blockAndRemediate';
}

interface ProtectedEntry {
  domain: string;
  reason: string;
}

function entries(lists: GuardrailLists): ProtectedEntry[] {
  const clean = (d: string): string => d.trim().toLowerCase().replace(/\.$/, '');
  return [
    ...lists.tenantDomains.map((d) => ({ domain: clean(d), reason: 'one of your tenant’s own domains' })),
    ...lists.protectedDomains.map((d) => ({ domain: clean(d), reason: 'on the configured protected list' })),
    ...(lists.serviceEndpoints ?? SERVICE_ENDPOINTS),
  ].filter((e) => e.domain.length > 0);
}

/**
 * Guardrail findings for a normalised network value. A domain indicator covers its subdomains, so it hits a
 * protected entry when it is the entry, a parent of it, or a subdomain of it; a URL hits when its host is
 * covered by a protected entry. Only Block, Warn and Block and remediate are refused; Allow and Audit are safe.
 */
export function guardrailFindings(
  type: IndicatorType,
  host: string | undefined,
  action: ProductAction,
  lists: GuardrailLists,
): Finding[] {
  if (!host || !isRestrictive(action) || (type !== 'DomainName' && type !== 'Url')) return [];
  const findings: Finding[] = [];
  for (const entry of entries(lists)) {
    const covers = type === 'DomainName' && domainCovers(host, entry.domain) && host !== entry.domain;
    const inside = domainCovers(entry.domain, host);
    if (!covers && !inside) continue;
    findings.push({
      level: 'error',
      code: 'protectedDomain',
      message: covers
        ? `A domain indicator for ${host} also covers ${entry.domain}, which is ${entry.reason}; it must never be blocked.`
        : `${host} is ${host === entry.domain ? '' : `under ${entry.domain}, `}${entry.reason}; it must never be blocked.`,
      suggestion: covers ? `Name the exact malicious host under ${host} instead.` : undefined,
    });
    if (findings.length >= 3) break;
  }
  return findings;
}
