/**
 * Resource identifiers Entra accepts in `scope=<resource>/.default`, and which API audience each one satisfies.
 */
import { AUDIENCE } from '../contracts';

/**
 * Resources per API audience. Defender accepts tokens for the legacy resource names too (reference §2.2 and
 * §10.7); Graph accepts its URL and its well-known app id.
 */
export const AUDIENCE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  [AUDIENCE.defender]: [
    AUDIENCE.defender,
    'https://api.securitycenter.windows.com',
    'https://securitycenter.onmicrosoft.com/windowsatpservice',
    'https://api.security.microsoft.com',
  ],
  [AUDIENCE.graph]: [AUDIENCE.graph, '00000003-0000-0000-c000-000000000000'],
};

/** The API audience a resource identifier belongs to, or undefined for an unknown resource. */
export function audienceOfResource(resource: string): string | undefined {
  const r = resource.replace(/\/+$/, '').toLowerCase();
  for (const [audience, aliases] of Object.entries(AUDIENCE_ALIASES)) {
    if (aliases.some((a) => a.toLowerCase() === r)) return audience;
  }
  return undefined;
}

/** Whether a token audience satisfies a route's audience. */
export function audienceSatisfies(routeAudience: string, tokenAud: string): boolean {
  return audienceOfResource(tokenAud) === routeAudience;
}
