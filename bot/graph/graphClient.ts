/**
 * The Microsoft Graph client of the bot: security alerts (alerts_v2), advanced hunting (runHuntingQuery) and
 * directory group membership (checkMemberGroups). {@link SdkGraphClient} uses `@microsoft/microsoft-graph-client`
 * with a `TokenCredential`, against Microsoft's clouds or the local simulator.
 */
import type { TokenCredential } from '@azure/identity';
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { z } from 'zod';
import { UpstreamError, ValidationError } from '../errors';
import { silentLogger, type Logger } from '../http/logger';
import {
  alertPageDtoSchema,
  huntingQueryResultsDtoSchema,
  memberGroupsDtoSchema,
  type GraphAlertDto,
  type HuntingQueryResultsDto,
} from './graphDtos';

/** Graph service roots of the Microsoft clouds. */
export const GRAPH_API_URLS = {
  global: 'https://graph.microsoft.com',
  usGov: 'https://graph.microsoft.us',
  usGovDod: 'https://dod-graph.microsoft.us',
  china: 'https://microsoftgraph.chinacloudapi.cn',
} as const;

/** Service name carried by the {@link UpstreamError}s of this client. */
export const GRAPH_SERVICE = 'graph';

/** Graph's limit of group ids per checkMemberGroups call. */
export const MAX_MEMBER_GROUPS_PER_CALL = 20;

/** An alert as Graph returns it (typed fields the bot reads; every other property kept). */
export type GraphAlert = GraphAlertDto;

/** Result of an advanced-hunting query: column schema (normalised to `name`/`type`) and rows. */
export type HuntingQueryResult = HuntingQueryResultsDto;

/** Options of {@link GraphClient.listAlerts}. */
export interface ListAlertsOptions {
  /** Only alerts updated at or after this instant (`lastUpdateDateTime ge`). */
  readonly since: Date;
  /** Page size (`$top`); Graph caps it. */
  readonly top?: number;
}

/** What the bot needs from Microsoft Graph. */
export interface GraphClient {
  /**
   * Alerts updated since `options.since`, following `@odata.nextLink` over all pages.
   * @remarks `detectionSource` is not filterable on alerts_v2 (reference §7.2): callers filter `customTi` themselves.
   * @throws UpstreamError when Graph fails or answers an unexpected shape.
   */
  listAlerts(options: ListAlertsOptions): AsyncIterable<GraphAlert>;
  /**
   * Runs a KQL query through `POST /security/runHuntingQuery`.
   * @param timespan - ISO 8601 window (`P1D`, `start/end`, …); Graph's default is 30 days.
   * @throws UpstreamError when Graph rejects the query (code `BadRequest` for KQL errors) or fails.
   */
  runHuntingQuery(query: string, timespan?: string): Promise<HuntingQueryResult>;
  /**
   * Which of `groupIds` the user belongs to, directly or transitively.
   * @throws ValidationError for more than {@link MAX_MEMBER_GROUPS_PER_CALL} group ids.
   * @throws UpstreamError when Graph fails (`Request_ResourceNotFound` for an unknown user).
   */
  checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<string[]>;
}

/** Settings of {@link SdkGraphClient}. */
export interface SdkGraphClientOptions {
  /** Graph service root, e.g. `https://graph.microsoft.com` or the simulator's URL. */
  readonly baseUrl: string;
  /**
   * Token scope. Default: `<baseUrl>/.default` for Microsoft's Graph hosts; for any other host (the simulator, a
   * proxy) `https://graph.microsoft.com/.default`, the audience such hosts stand in for.
   */
  readonly scope?: string;
  readonly logger?: Logger;
  /** Graph API version. Default `v1.0`. */
  readonly version?: string;
}

const KNOWN_GRAPH_ORIGINS: ReadonlySet<string> = new Set(Object.values(GRAPH_API_URLS));

/** The token scope for a Graph base URL (see {@link SdkGraphClientOptions.scope}). */
export function graphScopeFor(baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  return `${KNOWN_GRAPH_ORIGINS.has(origin) ? origin : GRAPH_API_URLS.global}/.default`;
}

/** {@link GraphClient} over the Microsoft Graph JavaScript SDK. */
export class SdkGraphClient implements GraphClient {
  private readonly client: Client;
  private readonly logger: Logger;

  constructor(credential: TokenCredential, options: SdkGraphClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:')
      throw new ValidationError(`The Graph base URL must use https: ${base.origin}`);
    this.logger = options.logger ?? silentLogger;
    const authProvider = new TokenCredentialAuthenticationProvider(credential, {
      scopes: [options.scope ?? graphScopeFor(options.baseUrl)],
    });
    this.client = Client.initWithMiddleware({
      authProvider,
      baseUrl: `${base.origin}/`,
      defaultVersion: options.version ?? 'v1.0',
      // The SDK attaches the token only to Graph hosts and to these; the simulator is one of them.
      customHosts: new Set([base.hostname]),
    });
  }

  async *listAlerts(options: ListAlertsOptions): AsyncIterable<GraphAlert> {
    let request = this.client
      .api('/security/alerts_v2')
      .filter(`lastUpdateDateTime ge ${options.since.toISOString()}`);
    if (options.top !== undefined) request = request.top(options.top);
    let page = await this.call('listAlerts', alertPageDtoSchema, () => request.get() as Promise<unknown>);
    let pages = 1;
    for (;;) {
      yield* page.value;
      const next = page['@odata.nextLink'];
      if (next === undefined) break;
      pages += 1;
      page = await this.call(
        'listAlerts',
        alertPageDtoSchema,
        () => this.client.api(next).get() as Promise<unknown>,
      );
    }
    this.logger.debug({ operation: 'listAlerts', pages }, 'Graph alerts listed');
  }

  async runHuntingQuery(query: string, timespan?: string): Promise<HuntingQueryResult> {
    const body = timespan === undefined ? { Query: query } : { Query: query, Timespan: timespan };
    const result = await this.call(
      'runHuntingQuery',
      huntingQueryResultsDtoSchema,
      () => this.client.api('/security/runHuntingQuery').post(body) as Promise<unknown>,
    );
    this.logger.debug(
      { operation: 'runHuntingQuery', rows: result.results.length },
      'Graph hunting query ran',
    );
    return result;
  }

  async checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length > MAX_MEMBER_GROUPS_PER_CALL) {
      throw new ValidationError(`checkMemberGroups takes at most ${MAX_MEMBER_GROUPS_PER_CALL} group ids.`);
    }
    if (groupIds.length === 0) return [];
    const result = await this.call(
      'checkMemberGroups',
      memberGroupsDtoSchema,
      () =>
        this.client
          .api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`)
          .post({ groupIds: [...groupIds] }) as Promise<unknown>,
    );
    return result.value;
  }

  private async call<S extends z.ZodType>(
    operation: string,
    schema: S,
    send: () => Promise<unknown>,
  ): Promise<z.output<S>> {
    let raw: unknown;
    try {
      raw = await send();
    } catch (error) {
      throw this.upstream(operation, error);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn(
        { operation, issues: parsed.error.issues.length },
        'Graph answered an unexpected shape',
      );
      throw new UpstreamError(
        `Graph ${operation} answered an unexpected shape.`,
        GRAPH_SERVICE,
        200,
        'invalidResponse',
      );
    }
    return parsed.data;
  }

  private upstream(operation: string, error: unknown): UpstreamError {
    if (error instanceof GraphError) {
      const status = error.statusCode > 0 ? error.statusCode : undefined;
      const code = typeof error.code === 'string' && error.code !== '' ? error.code : undefined;
      this.logger.warn({ operation, status, code }, 'Graph call failed');
      return new UpstreamError(
        `Graph ${operation} failed${status === undefined ? '' : ` (${status}${code === undefined ? '' : ` ${code}`})`}: ${error.message}`,
        GRAPH_SERVICE,
        status,
        code,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ operation, error: message }, 'Graph call failed');
    return new UpstreamError(`Graph ${operation} failed: ${message}`, GRAPH_SERVICE);
  }
}
