/**
 * The Defender for Endpoint indicator API client (reference/defender-api.md §2, §3, §8): an interface the rest
 * of the bot depends on, and its HTTP implementation over Node's `fetch`, paced by the shared rate limiter and
 * retried on throttling, server errors, dropped connections and timeouts.
 */
import type { TokenCredential } from '@azure/identity';
import type { z } from 'zod';
import { UpstreamError, ValidationError } from '../errors';
import { systemClock, type Clock } from '../http/clock';
import { silentLogger, type Logger } from '../http/logger';
import { DefenderBucket, sharedDefenderRateLimiter, type RateLimiter } from '../http/rateLimiter';
import {
  DEFAULT_RETRY_POLICY,
  RetryableError,
  parseRetryAfter,
  retry,
  type RetryPolicy,
} from '../http/retry';
import {
  errorDtoSchema,
  importResultDtoSchema,
  indicatorDtoSchema,
  indicatorListDtoSchema,
  indicatorSubmissionSchema,
  machineGroupScoreListDtoSchema,
  type DefenderAction,
  type DefenderIndicatorType,
  type DefenderSeverity,
  type IndicatorDto,
} from './defenderDtos';
import { buildIndicatorFilter, type IndicatorFilter } from './indicatorFilter';

/** Defender API base URLs (reference §2.1). */
export const DEFENDER_API_URLS = {
  worldwide: 'https://api.security.microsoft.com',
  /** The legacy host of the older pages and most integrations. */
  legacy: 'https://api.securitycenter.microsoft.com',
  us: 'https://us.api.security.microsoft.com',
  eu: 'https://eu.api.security.microsoft.com',
  uk: 'https://uk.api.security.microsoft.com',
  au: 'https://au.api.security.microsoft.com',
  swa: 'https://swa.api.security.microsoft.com',
  ina: 'https://ina.api.security.microsoft.com',
  aea: 'https://aea.api.security.microsoft.com',
  gcc: 'https://api-gcc.securitycenter.microsoft.us',
  /** GCC High and DoD share the host. */
  gccHigh: 'https://api-gov.securitycenter.microsoft.us',
  dod: 'https://api-gov.securitycenter.microsoft.us',
} as const;

/** Token scope for the Defender API; the legacy resource is the one every endpoint accepts (reference §2.2). */
export const DEFAULT_DEFENDER_TOKEN_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

/** Batch size limit of import and BatchDelete (reference §2.5, §2.8). */
export const DEFENDER_BATCH_SIZE = 500;
/** Largest `$top` the list accepts (reference §2.6). */
export const DEFENDER_MAX_PAGE_SIZE = 10_000;

/** An indicator as Defender holds it; the undocumented extra fields are kept as they came. */
export type DefenderIndicator = IndicatorDto;

/** What the bot asks Defender to create or update (reference §1.3). */
export interface IndicatorSubmission {
  readonly indicatorValue: string;
  readonly indicatorType: DefenderIndicatorType;
  readonly action: DefenderAction;
  readonly title: string;
  readonly description: string;
  readonly application?: string;
  /** Sent as `YYYY-MM-DDTHH:MM:SSZ`; omitted = never expires. */
  readonly expirationTime?: Date;
  readonly severity?: DefenderSeverity;
  readonly recommendedActions?: string;
  /** Device-group names; empty or omitted = all devices. */
  readonly rbacGroupNames?: readonly string[];
  /** Must be true for `Audit`. */
  readonly generateAlert?: boolean;
  readonly educateUrl?: string;
  readonly externalId?: string;
}

/** The outcome of one indicator of an import. */
export interface ImportItemResult {
  readonly indicatorValue: string;
  readonly id?: string;
  readonly isFailed: boolean;
  readonly failureReason?: string;
}

/** The outcome of an import: one entry per submitted indicator, in order. */
export interface ImportResult {
  readonly items: readonly ImportItemResult[];
  readonly failed: number;
  /** Calls made to `/api/indicators/import`. */
  readonly calls: number;
}

/** Arguments of {@link DefenderClient.list}. */
export interface ListIndicatorsOptions {
  readonly filter?: IndicatorFilter;
  /** 1–10,000. */
  readonly top?: number;
  readonly skip?: number;
}

/** One page of indicators. */
export interface IndicatorPage {
  readonly value: readonly DefenderIndicator[];
  /** Present when Defender offered a next page link (it does not when `$top` is given). */
  readonly nextLink?: string;
}

/** The outcome of a batch delete. */
export interface BatchDeleteResult {
  readonly calls: number;
  /**
   * Per call: `deleted`, or `someNotFound` when Defender answered 404 ("any Indicator ID wasn't found"). The
   * documentation does not say whether the found ids of such a batch were deleted.
   */
  readonly batches: readonly {
    readonly ids: readonly string[];
    readonly outcome: 'deleted' | 'someNotFound';
  }[];
}

/** A device group (machine group) name, with its id when Defender gave one. */
export interface DeviceGroup {
  readonly name: string;
  readonly id?: string;
}

/** Known device groups and where they came from. */
export interface DeviceGroupDiscovery {
  /** `defender`: read from Defender; `config`: Defender could not be asked, these are the configured names. */
  readonly source: 'defender' | 'config';
  readonly groups: readonly DeviceGroup[];
  /** Why Defender was not the source. */
  readonly problem?: string;
}

/** The Defender indicator operations the bot uses. */
export interface DefenderClient {
  /**
   * Creates or updates one indicator (`POST /api/indicators`).
   * @throws ValidationError before sending when required fields are missing or `Audit` lacks `generateAlert`.
   * @throws UpstreamError when Defender refuses it or stays unavailable.
   */
  submit(indicator: IndicatorSubmission): Promise<DefenderIndicator>;
  /**
   * Creates or updates many indicators (`POST /api/indicators/import`, 500 per call). Indicators Defender
   * refuses, and those that fail the local check (not sent), come back with `isFailed`.
   * @throws UpstreamError when a whole call fails; earlier batches stay applied (import is an upsert, so
   * running it again is safe).
   */
  import(indicators: readonly IndicatorSubmission[]): Promise<ImportResult>;
  /** One page of `GET /api/indicators`. */
  list(options?: ListIndicatorsOptions): Promise<IndicatorPage>;
  /** Every indicator matching `filter`, paging with `$top`/`$skip`, without duplicates. */
  listAll(filter?: IndicatorFilter, options?: { readonly pageSize?: number }): Promise<DefenderIndicator[]>;
  /** One indicator by id, or undefined when Defender does not know it. */
  getById(id: string): Promise<DefenderIndicator | undefined>;
  /** The indicators on exactly this value (there may be one per action). */
  findByValue(type: DefenderIndicatorType, value: string): Promise<DefenderIndicator[]>;
  /** Deletes one indicator; `notFound` when it did not exist (or a retried call had already deleted it). */
  delete(id: string): Promise<'deleted' | 'notFound'>;
  /** Deletes many indicators (`POST /api/indicators/BatchDelete`, 500 ids per call). */
  batchDelete(ids: readonly string[]): Promise<BatchDeleteResult>;
  /**
   * The tenant's device groups. MDE has no documented list API; the community's source is
   * `GET /api/exposureScore/ByMachineGroups` (needs `Score.Read.All`), which lists only groups that have an
   * exposure score. When that fails, the configured groups are returned with `source: 'config'`.
   */
  discoverDeviceGroups(): Promise<DeviceGroupDiscovery>;
}

/** Construction parameters of {@link HttpDefenderClient}. */
export interface HttpDefenderClientOptions {
  /** e.g. {@link DEFENDER_API_URLS}.worldwide, or the simulator's URL. */
  readonly baseUrl: string;
  readonly credential: TokenCredential;
  readonly tokenScope?: string;
  /** Defaults to the process-wide {@link sharedDefenderRateLimiter}. */
  readonly rateLimiter?: RateLimiter;
  readonly retryPolicy?: Partial<RetryPolicy>;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Device groups from configuration, the fallback of {@link DefenderClient.discoverDeviceGroups}. */
  readonly configuredDeviceGroups?: readonly string[];
}

const SERVICE = 'defender';
const INDICATORS = '/api/indicators';
const ID_PATTERN = /^\d+$/;

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path with its query string, starting with `/api/`. */
  readonly path: string;
  readonly bucket: DefenderBucket;
  readonly body?: unknown;
}

interface Answer {
  readonly status: number;
  readonly json: unknown;
}

/**
 * {@link DefenderClient} over HTTPS with an `@azure/identity` credential.
 * @remarks Tokens, secrets and request bodies are never logged; each attempt logs method, path (without the
 * query, which may hold indicator values), status, duration and attempt number.
 */
export class HttpDefenderClient implements DefenderClient {
  readonly #baseUrl: string;
  readonly #origin: string;
  readonly #credential: TokenCredential;
  readonly #scope: string;
  readonly #limiter: RateLimiter;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: Logger;
  readonly #configuredGroups: readonly string[];

  constructor(options: HttpDefenderClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new ValidationError('The Defender API URL must be an http(s) URL.');
    }
    this.#baseUrl = base.href.replace(/\/+$/, '');
    this.#origin = base.origin;
    this.#credential = options.credential;
    this.#scope = options.tokenScope ?? DEFAULT_DEFENDER_TOKEN_SCOPE;
    this.#limiter = options.rateLimiter ?? sharedDefenderRateLimiter();
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#log = options.logger ?? silentLogger;
    this.#configuredGroups = options.configuredDeviceGroups ?? [];
  }

  async submit(indicator: IndicatorSubmission): Promise<DefenderIndicator> {
    const body = toWireSubmission(indicator);
    const answer = await this.#call({
      method: 'POST',
      path: INDICATORS,
      bucket: DefenderBucket.submit,
      body,
    });
    this.#expect(answer, [200, 201], 'POST', INDICATORS);
    return this.#parse(indicatorDtoSchema, answer);
  }

  async import(indicators: readonly IndicatorSubmission[]): Promise<ImportResult> {
    const items: ImportItemResult[] = new Array<ImportItemResult>(indicators.length);
    const toSend: { index: number; body: Record<string, unknown> }[] = [];
    indicators.forEach((indicator, index) => {
      try {
        toSend.push({ index, body: toWireSubmission(indicator) });
      } catch (error) {
        const reason = error instanceof ValidationError ? error.message : 'invalid indicator';
        items[index] = {
          indicatorValue: indicator.indicatorValue,
          isFailed: true,
          failureReason: `Not sent: ${reason}`,
        };
      }
    });
    let calls = 0;
    for (const batch of chunks(toSend, DEFENDER_BATCH_SIZE)) {
      const path = `${INDICATORS}/import`;
      const answer = await this.#call({
        method: 'POST',
        path,
        bucket: DefenderBucket.import,
        body: { Indicators: batch.map((b) => b.body) },
      });
      calls += 1;
      this.#expect(answer, [200], 'POST', path);
      const result = this.#parse(importResultDtoSchema, answer);
      batch.forEach((sent, i) => {
        const got = result.value[i];
        const indicatorValue = String(sent.body.indicatorValue);
        items[sent.index] =
          got === undefined
            ? {
                indicatorValue,
                isFailed: true,
                failureReason: 'Defender returned no result for this indicator',
              }
            : {
                indicatorValue: got.indicator ?? indicatorValue,
                ...(got.id ? { id: got.id } : {}),
                isFailed: got.isFailed,
                ...(got.failureReason ? { failureReason: got.failureReason } : {}),
              };
      });
    }
    return { items, failed: items.filter((i) => i.isFailed).length, calls };
  }

  async list(options: ListIndicatorsOptions = {}): Promise<IndicatorPage> {
    const query: string[] = [];
    const filter = buildIndicatorFilter(options.filter ?? {});
    if (filter !== undefined) query.push(`$filter=${encodeURIComponent(filter)}`);
    if (options.top !== undefined) {
      if (!Number.isInteger(options.top) || options.top < 1 || options.top > DEFENDER_MAX_PAGE_SIZE) {
        throw new ValidationError(
          `The page size must be a whole number from 1 to ${DEFENDER_MAX_PAGE_SIZE}.`,
        );
      }
      query.push(`$top=${options.top}`);
    }
    if (options.skip !== undefined) {
      if (!Number.isInteger(options.skip) || options.skip < 0) {
        throw new ValidationError('The number of indicators to skip must be a whole number, 0 or more.');
      }
      query.push(`$skip=${options.skip}`);
    }
    const path = query.length === 0 ? INDICATORS : `${INDICATORS}?${query.join('&')}`;
    return this.#listPage(path);
  }

  async listAll(
    filter: IndicatorFilter = {},
    options: { readonly pageSize?: number } = {},
  ): Promise<DefenderIndicator[]> {
    const top = options.pageSize ?? DEFENDER_MAX_PAGE_SIZE;
    if (!Number.isInteger(top) || top < 2 || top > DEFENDER_MAX_PAGE_SIZE) {
      throw new ValidationError(`The page size must be a whole number from 2 to ${DEFENDER_MAX_PAGE_SIZE}.`);
    }
    const seen = new Set<string>();
    const all: DefenderIndicator[] = [];
    let skip = 0;
    let lastId: string | undefined;
    let rewinds = 0;
    // Offsets shift when indicators are created or deleted while paging (reference §2.6). Each page repeats the
    // last row of the one before; when that row is not where it should be, rows were deleted before it and
    // some may have been skipped, so the listing steps back a page. The id set drops the repeats; the bounds
    // stop a server that ignores $skip from looping forever.
    for (let pages = 0; pages < 10_000; pages += 1) {
      const page = await this.list({ filter, top, skip });
      const shifted = lastId !== undefined && page.value[0]?.id !== lastId;
      for (const indicator of page.value) {
        if (!seen.has(indicator.id)) {
          seen.add(indicator.id);
          all.push(indicator);
        }
      }
      if (shifted && skip > 0 && rewinds < 10) {
        rewinds += 1;
        skip = Math.max(0, skip - (top - 1));
        lastId = undefined;
        continue;
      }
      if (page.value.length < top) return all;
      skip += page.value.length - 1;
      lastId = page.value[page.value.length - 1]?.id;
    }
    return all;
  }

  async getById(id: string): Promise<DefenderIndicator | undefined> {
    const path = `${INDICATORS}/${checkId(id)}`;
    const answer = await this.#call({ method: 'GET', path, bucket: DefenderBucket.list });
    if (answer.status === 404) return undefined;
    this.#expect(answer, [200], 'GET', path);
    return this.#parse(indicatorDtoSchema, answer);
  }

  async findByValue(type: DefenderIndicatorType, value: string): Promise<DefenderIndicator[]> {
    const found = await this.listAll({ indicatorType: type, indicatorValue: value });
    // Defender's comparison rules (case) are undocumented; keep only exact matches of the requested value.
    return found.filter(
      (i) => i.indicatorType === type && i.indicatorValue.toLowerCase() === value.toLowerCase(),
    );
  }

  async delete(id: string): Promise<'deleted' | 'notFound'> {
    const path = `${INDICATORS}/${checkId(id)}`;
    const answer = await this.#call({ method: 'DELETE', path, bucket: DefenderBucket.delete });
    if (answer.status === 404) return 'notFound';
    this.#expect(answer, [200, 204], 'DELETE', path);
    return 'deleted';
  }

  async batchDelete(ids: readonly string[]): Promise<BatchDeleteResult> {
    const checked = ids.map(checkId);
    const batches: { ids: readonly string[]; outcome: 'deleted' | 'someNotFound' }[] = [];
    const path = `${INDICATORS}/BatchDelete`;
    for (const batch of chunks(checked, DEFENDER_BATCH_SIZE)) {
      const answer = await this.#call({
        method: 'POST',
        path,
        bucket: DefenderBucket.batchDelete,
        body: { IndicatorIds: batch },
      });
      if (answer.status === 404) {
        batches.push({ ids: batch, outcome: 'someNotFound' });
        continue;
      }
      this.#expect(answer, [200, 204], 'POST', path);
      batches.push({ ids: batch, outcome: 'deleted' });
    }
    return { calls: batches.length, batches };
  }

  async discoverDeviceGroups(): Promise<DeviceGroupDiscovery> {
    const fallback = (problem: string): DeviceGroupDiscovery => ({
      source: 'config',
      groups: this.#configuredGroups.map((name) => ({ name })),
      problem,
    });
    const byName = new Map<string, DeviceGroup>();
    const top = 1000;
    try {
      for (let skip = 0; skip < 100 * top; skip += top) {
        const path = `/api/exposureScore/ByMachineGroups?$top=${top}&$skip=${skip}`;
        const answer = await this.#call({ method: 'GET', path, bucket: DefenderBucket.deviceGroups });
        this.#expect(answer, [200], 'GET', path);
        const page = this.#parse(machineGroupScoreListDtoSchema, answer);
        for (const g of page.value) {
          const id =
            g.rbacGroupId === null || g.rbacGroupId === undefined ? undefined : String(g.rbacGroupId);
          byName.set(g.rbacGroupName, { name: g.rbacGroupName, ...(id === undefined ? {} : { id }) });
        }
        if (page.value.length < top) break;
      }
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      const why = error.upstreamCode ?? (error.status === undefined ? 'unreachable' : `HTTP ${error.status}`);
      return fallback(`Defender's machine-group scores could not be read (${why}); using configured groups.`);
    }
    if (byName.size === 0) return fallback('Defender reported no machine groups; using configured groups.');
    return { source: 'defender', groups: [...byName.values()] };
  }

  async #listPage(path: string): Promise<IndicatorPage> {
    const answer = await this.#call({ method: 'GET', path, bucket: DefenderBucket.list });
    // XSOAR treats 404 on the list as "no indicators" (reference §2.6).
    if (answer.status === 404) return { value: [] };
    this.#expect(answer, [200], 'GET', path);
    const page = this.#parse(indicatorListDtoSchema, answer);
    const next = page['@odata.nextLink'];
    return { value: page.value, ...(next !== undefined && this.#sameOrigin(next) ? { nextLink: next } : {}) };
  }

  #sameOrigin(link: string): boolean {
    try {
      return new URL(link).origin === this.#origin;
    } catch {
      return false;
    }
  }

  /** One logical call: rate-limited, retried; answers every status that should not be retried. */
  async #call(call: Call): Promise<Answer> {
    const logPath = call.path.split('?')[0] ?? call.path;
    return retry(
      async ({ attempt, signal }) => {
        const token = await this.#token(signal);
        const started = this.#clock.now();
        const fields = { method: call.method, path: logPath, attempt };
        let response: Response;
        let text: string;
        try {
          response = await fetch(`${this.#baseUrl}${call.path}`, {
            method: call.method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(call.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
            },
            ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
            signal,
          });
          text = await response.text();
        } catch {
          const timedOut = signal.aborted;
          const durationMs = this.#clock.now() - started;
          this.#log.warn(
            { ...fields, durationMs, failure: timedOut ? 'timeout' : 'network' },
            'defender request failed',
          );
          throw new RetryableError(
            new UpstreamError(
              timedOut ? 'Defender did not answer in time.' : 'Defender could not be reached.',
              SERVICE,
              undefined,
              timedOut ? 'Timeout' : 'NetworkError',
            ),
          );
        }
        const durationMs = this.#clock.now() - started;
        const status = response.status;
        this.#log.debug({ ...fields, status, durationMs }, 'defender request');
        const json = parseJson(text);
        if (status === 429 || status >= 500) {
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#clock.now());
          if (status === 429 && retryAfterMs !== undefined) {
            this.#limiter.blockUntil(call.bucket, this.#clock.now() + retryAfterMs);
          }
          throw new RetryableError(upstreamError(status, json), retryAfterMs);
        }
        return { status, json };
      },
      this.#policy,
      {
        clock: this.#clock,
        random: this.#random,
        beforeAttempt: () => this.#limiter.acquire(call.bucket),
        onRetry: ({ attempt, delayMs, error }) => {
          const failure = error.failure;
          const reason =
            failure instanceof UpstreamError ? (failure.upstreamCode ?? failure.status) : 'error';
          this.#log.info(
            { method: call.method, path: logPath, attempt, delayMs, reason },
            'defender request retried',
          );
        },
      },
    );
  }

  async #token(signal: AbortSignal): Promise<string> {
    let token;
    try {
      token = await this.#credential.getToken(this.#scope, { abortSignal: signal });
    } catch (error) {
      throw tokenError(error);
    }
    if (!token?.token) {
      throw new RetryableError(
        new UpstreamError('No token was issued for Defender.', 'entra', undefined, 'NoToken'),
      );
    }
    return token.token;
  }

  #expect(answer: Answer, ok: readonly number[], method: string, path: string): void {
    if (ok.includes(answer.status)) return;
    const error = upstreamError(answer.status, answer.json);
    this.#log.warn(
      { method, path: path.split('?')[0], status: answer.status, code: error.upstreamCode },
      'defender refused the request',
    );
    throw error;
  }

  #parse<S extends z.ZodType>(schema: S, answer: Answer): z.output<S> {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => i.path.join('.') || '(root)')
      .join(', ');
    throw new UpstreamError(
      `Defender returned a response the bot does not understand (at ${where}).`,
      SERVICE,
      answer.status,
      'InvalidResponse',
    );
  }
}

/** Checks and converts a submission to Defender's body. */
function toWireSubmission(indicator: IndicatorSubmission): Record<string, unknown> {
  const body = {
    indicatorValue: indicator.indicatorValue,
    indicatorType: indicator.indicatorType,
    action: indicator.action,
    title: indicator.title,
    description: indicator.description,
    application: indicator.application,
    expirationTime:
      indicator.expirationTime === undefined ? undefined : formatExpiration(indicator.expirationTime),
    severity: indicator.severity,
    recommendedActions: indicator.recommendedActions,
    rbacGroupNames: indicator.rbacGroupNames === undefined ? undefined : [...indicator.rbacGroupNames],
    generateAlert: indicator.generateAlert,
    educateUrl: indicator.educateUrl,
    externalId: indicator.externalId,
  };
  const parsed = indicatorSubmissionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `Indicator ${indicator.indicatorValue}: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'is invalid'}`,
    );
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
}

/** `YYYY-MM-DDTHH:MM:SSZ` (reference §1.6). */
function formatExpiration(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new ValidationError('The expiration time is not a valid date.');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkId(id: string): string {
  if (!ID_PATTERN.test(id))
    throw new ValidationError(`"${id}" is not a Defender indicator id (a decimal number).`);
  return id;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
};

/** An {@link UpstreamError} carrying Defender's own `error.code` and `message` when the body has them. */
function upstreamError(status: number, json: unknown): UpstreamError {
  const parsed = errorDtoSchema.safeParse(json);
  const code = parsed.success ? parsed.data.error.code : (STATUS_CODES[status] ?? `Http${status}`);
  const message = parsed.success && parsed.data.error.message ? parsed.data.error.message : undefined;
  return new UpstreamError(message ?? `Defender answered HTTP ${status} (${code}).`, SERVICE, status, code);
}

/**
 * Maps a credential failure. `@azure/identity` throws either an `AuthenticationError` (`statusCode`,
 * `errorResponse.error`) or an `AuthenticationRequiredError` whose `cause` is MSAL's error (`status`,
 * `errorCode`). Entra's 5xx/429 and network failures are retried; its 4xx verdicts (a wrong secret, an unknown
 * app) are not. Only the OAuth error code is kept: Entra's descriptions can name the client id.
 */
function tokenError(error: unknown): Error {
  const e = (error ?? {}) as {
    name?: unknown;
    statusCode?: unknown;
    errorResponse?: { error?: unknown };
    cause?: { status?: unknown; errorCode?: unknown };
  };
  const statusOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const status = statusOf(e.statusCode) ?? statusOf(e.cause?.status);
  const code = textOf(e.errorResponse?.error) ?? textOf(e.cause?.errorCode) ?? textOf(e.name) ?? 'TokenError';
  const failure = new UpstreamError(`Could not get a token for Defender (${code}).`, 'entra', status, code);
  const permanent =
    e.name === 'CredentialUnavailableError' ||
    (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408);
  return permanent ? failure : new RetryableError(failure);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
