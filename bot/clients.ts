/**
 * The Defender and Graph clients for a configuration: one credential, the shared rate limiter, the configured
 * base URLs. The composition root and the end-to-end tests build them the same way.
 */
import type { TokenCredential } from '@azure/identity';
import type { Config } from './config';
import { HttpDefenderClient, type DefenderClient } from './defender/defenderClient';
import { SdkGraphClient, graphScopeFor, type GraphClient } from './graph/graphClient';
import { createAppCredential } from './identity/credentials';
import type { Logger } from './logging';
import type { HealthCheck } from './server';

export interface Clients {
  readonly credential: TokenCredential;
  readonly defender: DefenderClient;
  readonly graph: GraphClient;
  /**
   * `/healthz` checks: a token for each API. Tokens are cached by MSAL, so these are cheap and spend none of
   * Defender's call budget (100/min); `/status` makes real API calls.
   */
  readonly health: readonly HealthCheck[];
}

/** Builds both clients. The config must name the Defender and Graph URLs (production, or after local start-up). */
export function createClients(config: Config, logger: Logger): Clients {
  const { apiUrl: defenderUrl } = config.defender;
  const { apiUrl: graphUrl } = config.graph;
  if (!defenderUrl || !graphUrl) throw new Error('the Defender and Graph URLs are not known yet');
  const credential = createAppCredential(config.azure);
  const tokenCheck = (name: string, scope: string): HealthCheck => ({
    name,
    check: async () => {
      const token = await credential.getToken(scope);
      if (!token) throw new Error('no token');
      return `token valid until ${new Date(token.expiresOnTimestamp).toISOString()}`;
    },
  });
  return {
    credential,
    health: [
      tokenCheck('defender', config.defender.tokenScope),
      tokenCheck('graph', graphScopeFor(graphUrl)),
    ],
    defender: new HttpDefenderClient({
      baseUrl: defenderUrl,
      credential,
      tokenScope: config.defender.tokenScope,
      logger: logger.child({ client: 'defender' }),
      configuredDeviceGroups: config.indicators.defaultDeviceGroups,
    }),
    graph: new SdkGraphClient(credential, { baseUrl: graphUrl, logger: logger.child({ client: 'graph' }) }),
  };
}
