/**
 * Builds and rebuilds an indicator request from what the analyst gave (a command, or the review card's inputs):
 * every value validated by the engine, the common fields checked, and errors kept per field so the card can show
 * them beside the field. The same code runs for the command and for every card submission (server-side re-check).
 */
import type { Config } from '../config';
import type { DefenderClient } from '../defender/defenderClient';
import {
  PRODUCT_ACTIONS,
  SEVERITIES,
  buildDraft,
  parseExpiry,
  resolveScope,
  splitValues,
  validateValues,
  type ExistingIndicator,
  type IndicatorType,
  type ProductAction,
  type Scope,
  type Severity,
  type ValidationContext,
  type ValueResult,
} from '../indicators';
import type { Logger } from '../logging';
import type { Person, RequestFields, RequestItem } from '../approvals/indicatorRequest';

/** What the analyst asked for, before validation. */
export interface RequestInput {
  readonly action: ProductAction;
  readonly typeHint?: IndicatorType;
  readonly values: readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly severity?: Severity;
  /** Undefined = the default for the action (on for Audit and Block, off otherwise). */
  readonly generateAlert?: boolean;
  readonly expiry?: string;
  readonly scope?: Scope;
  /** Inputs of values the analyst dropped on the card. */
  readonly excluded?: readonly string[];
}

/** Field names of the review card that can carry an error. */
export type FieldName = 'values' | 'action' | 'title' | 'description' | 'expiry' | 'scope';

/** The validated request content. */
export interface BuiltRequest {
  readonly fields: RequestFields;
  readonly items: readonly RequestItem[];
  readonly fieldErrors: Partial<Record<FieldName, string>>;
  /** Known device groups, for the card's scope choices. */
  readonly knownGroups: readonly string[];
  /** True when at least one value can be submitted and no field is in error. */
  readonly submittable: boolean;
}

/** Most values one chat request may carry; larger lists go through `/import`. */
export const MAX_VALUES_PER_REQUEST = 200;
/** Values whose existing indicators are looked up in Defender (each costs a call of the 100/min budget). */
export const MAX_CONFLICT_LOOKUPS = 25;
const TITLE_MAX = 250;
const DESCRIPTION_MAX = 4000;
const GROUP_CACHE_MS = 10 * 60_000;

export class RequestBuilder {
  private groups?: { at: number; names: readonly string[] };

  constructor(
    private readonly config: Config,
    private readonly defender: DefenderClient,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /** Validates a request; never throws for bad input (Defender being unreachable only skips conflict checks). */
  async build(input: RequestInput, requester: Person): Promise<BuiltRequest> {
    const fieldErrors: Partial<Record<FieldName, string>> = {};
    const knownGroups = await this.knownGroups();
    const values = input.values.flatMap((v) => splitValues(v)).slice(0, MAX_VALUES_PER_REQUEST + 1);
    if (values.length === 0)
      fieldErrors.values = 'Give at least one value (a URL, domain, IP, hash or certificate thumbprint).';
    if (values.length > MAX_VALUES_PER_REQUEST) {
      fieldErrors.values = `At most ${MAX_VALUES_PER_REQUEST} values fit in one request; use /import for larger lists.`;
    }
    const kept = values.slice(0, MAX_VALUES_PER_REQUEST);

    const action = input.action;
    if (!PRODUCT_ACTIONS.includes(action))
      fieldErrors.action = 'Choose Allow, Audit, Warn, Block or Block and remediate.';

    const scopeIn: Scope = input.scope ?? this.defaultScope();
    const scoped = resolveScope(scopeIn, knownGroups);
    const scopeError = scoped.findings.find((f) => f.level === 'error');
    if (scopeError) fieldErrors.scope = [scopeError.message, scopeError.suggestion].filter(Boolean).join(' ');

    const expiry = parseExpiry(input.expiry ?? '', {
      now: this.now(),
      defaultDays: this.config.indicators.defaultExpiryDays,
      maxDays: this.config.indicators.maxExpiryDays,
    });
    if (!expiry.ok)
      fieldErrors.expiry = [expiry.finding.message, expiry.finding.suggestion].filter(Boolean).join(' ');

    const title = (input.title ?? '').trim();
    if (title.length > TITLE_MAX)
      fieldErrors.title = `Keep the title under ${TITLE_MAX} characters (it has ${title.length}).`;
    const description = (input.description ?? '').trim();
    if (description.length > DESCRIPTION_MAX) {
      fieldErrors.description = `Keep the description under ${DESCRIPTION_MAX} characters (it has ${description.length}).`;
    }
    const severity: Severity =
      input.severity && SEVERITIES.includes(input.severity) ? input.severity : 'Medium';
    const generateAlert = action === 'audit' ? true : (input.generateAlert ?? action === 'block');

    const ctx: ValidationContext = {
      ...(input.typeHint ? { typeHint: input.typeHint } : {}),
      action,
      scope: scoped.scope,
      knownGroups,
      mobileOnlyGroups: this.config.indicators.mobileDeviceGroups,
      protectedDomains: this.config.indicators.protectedDomains,
      tenantDomains: this.config.indicators.tenantDomains,
    };
    const firstPass = validateValues(kept, ctx);
    const existing = await this.existingFor(firstPass);
    const results = existing.length > 0 ? validateValues(kept, { ...ctx, existing }) : firstPass;

    const expirationTime = expiry.ok ? expiry.expirationTime : null;
    const excluded = new Set(input.excluded ?? []);
    const items: RequestItem[] = results.map((r) =>
      toItem(r, excluded, {
        title,
        description,
        severity,
        generateAlert,
        expirationTime,
        requestedBy: requester.name,
      }),
    );
    const fields: RequestFields = {
      action,
      ...(input.typeHint ? { typeHint: input.typeHint } : {}),
      title,
      description,
      severity,
      generateAlert,
      expiry: input.expiry ?? '',
      expirationTime,
      scope: scoped.scope,
    };
    if (!fieldErrors.values && items.length > 0 && !items.some((i) => i.included && i.verdict !== 'error')) {
      fieldErrors.values =
        'No value can be requested: fix or remove the values in error, or include at least one.';
    }
    return {
      fields,
      items,
      fieldErrors,
      knownGroups,
      submittable: Object.keys(fieldErrors).length === 0,
    };
  }

  /** Device groups from Defender (cached), else from configuration. */
  async knownGroups(): Promise<readonly string[]> {
    const nowMs = this.now().getTime();
    if (this.groups && nowMs - this.groups.at < GROUP_CACHE_MS) return this.groups.names;
    let names: string[] = [...this.config.indicators.defaultDeviceGroups];
    try {
      const discovery = await this.defender.discoverDeviceGroups();
      names = [...new Set([...discovery.groups.map((g) => g.name), ...names])];
      if (discovery.problem)
        this.logger.warn({ problem: discovery.problem }, 'device groups from configuration only');
    } catch (e) {
      this.logger.warn({ err: e }, 'device-group discovery failed');
    }
    this.groups = { at: nowMs, names };
    return names;
  }

  private defaultScope(): Scope {
    const groups = this.config.indicators.defaultDeviceGroups;
    return groups.length > 0 ? { kind: 'groups', groups: [...groups] } : { kind: 'allDevices' };
  }

  /** Existing indicators on the values (and on the domains of URL values), for conflict analysis. */
  private async existingFor(results: readonly ValueResult[]): Promise<ExistingIndicator[]> {
    const lookups = new Map<string, { type: IndicatorType; value: string }>();
    for (const r of results) {
      if (!r.type || !r.value || r.verdict === 'error') continue;
      lookups.set(`${r.type}|${r.value}`, { type: r.type, value: r.value });
      if (r.type === 'Url') {
        const host = safeHost(r.value);
        if (host) lookups.set(`DomainName|${host}`, { type: 'DomainName', value: host });
      }
    }
    const found: ExistingIndicator[] = [];
    try {
      // Looked up together: the shared rate limiter still paces them, and the analyst waits for one round trip.
      const answers = await Promise.all(
        [...lookups.values()]
          .slice(0, MAX_CONFLICT_LOOKUPS)
          .map(({ type, value }) => this.defender.findByValue(type, value)),
      );
      for (const i of answers.flat()) {
        found.push({
          id: i.id,
          indicatorType: i.indicatorType,
          indicatorValue: i.indicatorValue,
          action: i.action,
          rbacGroupNames: i.rbacGroupNames ?? [],
          expirationTime: i.expirationTime ?? null,
          title: i.title ?? undefined,
        });
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'conflict lookup in Defender failed; conflicts not checked');
    }
    return found;
  }
}

function toItem(
  r: ValueResult,
  excluded: ReadonlySet<string>,
  fields: Parameters<typeof buildDraft>[1],
): RequestItem {
  const draft = buildDraft(r, fields);
  return {
    input: r.input,
    verdict: r.verdict,
    findings: r.findings,
    effectiveness: r.effectiveness,
    notes: r.notes,
    ...(draft ? { draft } : {}),
    included: !excluded.has(r.input) && r.verdict !== 'error',
  };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`).hostname || undefined;
  } catch {
    return undefined;
  }
}
