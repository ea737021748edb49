/**
 * The Defender for Endpoint indicator API (reference §2): submit-or-update, import, list with OData, get by id,
 * delete, BatchDelete, and the machine-group list through `exposureScore/ByMachineGroups` (reference §8).
 * Served under `/api/…` and `/api/v1.0/…` (reference §2.1).
 */
import { AUDIENCE, type RouteTable, type SimRequest, type SimResponse } from '../contracts';
import { defenderError } from '../core/errorBodies';
import { type IndicatorRecord, type IndicatorStore, type Submitter } from './indicatorStore';
import { validateIndicatorInput } from './indicatorValidation';
import { type FieldType, ODataFilterError, parseFilter } from './odataFilter';

/** A device (machine) group. */
export interface MachineGroup {
  readonly id: number;
  readonly name: string;
}

/** What the Defender part needs. */
export interface DefenderPartOptions {
  readonly store: IndicatorStore;
  readonly now: () => Date;
  readonly baseUrl: () => string;
  readonly machineGroups: () => readonly MachineGroup[];
  /** Display name of an app, for `createdByDisplayName`. */
  readonly appName: (appid: string) => string;
}

/** Largest batch for import and BatchDelete (reference §2.5, §2.8). */
export const MAX_BATCH = 500;
/** Largest `$top` (reference §2.6). */
export const MAX_TOP = 10_000;

const WRITE_ROLES = ['Ti.ReadWrite.All', 'Ti.ReadWrite'];
const READ_ROLES = ['Ti.ReadWrite.All', 'Ti.ReadWrite', 'Ti.Read.All'];
const DELETE_ROLES = ['Ti.ReadWrite.All'];

/** Properties the list accepts in `$filter` (reference §2.6). */
const FILTER_FIELDS: Readonly<Record<string, FieldType>> = {
  id: 'string',
  application: 'string',
  createdByDisplayName: 'string',
  expirationTime: 'date',
  generateAlert: 'bool',
  title: 'string',
  rbacGroupNames: 'stringList',
  rbacGroupIds: 'stringList',
  indicatorValue: 'string',
  indicatorType: 'string',
  creationTimeDateTimeUtc: 'date',
  createdBy: 'string',
  action: 'string',
  severity: 'string',
  lastUpdateTime: 'date',
  externalId: 'string',
};

const err = (status: number, code: string, message: string): SimResponse => ({
  status,
  body: defenderError(code, message),
});

/** Whether the caller sees every indicator (`Ti.ReadWrite.All`, `Ti.Read.All`) or only its own. */
function seesAll(req: SimRequest): boolean {
  return (req.token?.roles ?? []).some((r) => r === 'Ti.ReadWrite.All' || r === 'Ti.Read.All');
}

/** Whether the caller may change every indicator or only its own. */
function writesAll(req: SimRequest): boolean {
  return (req.token?.roles ?? []).includes('Ti.ReadWrite.All');
}

function parsePaging(req: SimRequest): { top?: number; skip: number } | SimResponse {
  const topText = req.query.get('$top');
  const skipText = req.query.get('$skip');
  let top: number | undefined;
  if (topText !== null) {
    if (!/^\d+$/.test(topText) || Number(topText) > MAX_TOP) {
      return err(400, 'ODataError', `Invalid OData query: $top must be an integer from 0 to ${MAX_TOP}.`);
    }
    top = Number(topText);
  }
  let skip = 0;
  if (skipText !== null) {
    if (!/^\d+$/.test(skipText))
      return err(400, 'ODataError', 'Invalid OData query: $skip must be a non-negative integer.');
    skip = Number(skipText);
  }
  return top === undefined ? { skip } : { top, skip };
}

/** Registers the Defender routes. */
export function registerDefender(routes: RouteTable, options: DefenderPartOptions): void {
  const { store } = options;
  const context = (suffix: string): string => `${options.baseUrl()}/api/$metadata#${suffix}`;
  const submitter = (req: SimRequest): Submitter => {
    const appid = req.token?.appid ?? 'unknown';
    return { appid, displayName: options.appName(appid) };
  };
  const groupNames = (): string[] => options.machineGroups().map((g) => g.name);

  const submit = (req: SimRequest): SimResponse => {
    const checked = validateIndicatorInput(req.body, options.now(), groupNames());
    if (!checked.ok) return err(400, checked.problem.code, checked.problem.message);
    const result = store.upsert(checked.value, submitter(req), writesAll(req) ? undefined : req.token?.appid);
    if (!result.ok) {
      return result.reason === 'limit'
        ? err(400, 'BadRequest', `There's a limit of ${store.maxActive} active indicators per tenant.`)
        : err(404, 'ResourceNotFound', `Indicator ${checked.value.id ?? ''} was not found.`);
    }
    return { status: 200, body: { '@odata.context': context('Indicators/$entity'), ...result.record } };
  };

  const importBatch = (req: SimRequest): SimResponse => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return err(400, 'InvalidRequestBody', 'Request body is incorrect');
    }
    const list = (body as Record<string, unknown>).Indicators;
    if (list === undefined || list === null)
      return err(400, 'MissingRequiredParameter', 'Parameter Indicators is missing.');
    if (!Array.isArray(list)) return err(400, 'InvalidRequestBody', 'Indicators must be a list.');
    if (list.length === 0) return err(400, 'InvalidRequestBody', 'Indicators list is empty.');
    if (list.length > MAX_BATCH) {
      return err(
        400,
        'MaximumBatchSizeExceeded',
        `Maximum batch size exceeded. Received: ${list.length}, allowed: ${MAX_BATCH}.`,
      );
    }
    const by = submitter(req);
    const restrict = writesAll(req) ? undefined : req.token?.appid;
    const value = list.map((item: unknown) => {
      const indicator =
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Record<string, unknown>).indicatorValue === 'string'
          ? ((item as Record<string, unknown>).indicatorValue as string)
          : null;
      const checked = validateIndicatorInput(item, options.now(), groupNames());
      if (!checked.ok) return { id: null, indicator, isFailed: true, failureReason: checked.problem.message };
      const result = store.upsert(checked.value, by, restrict);
      if (!result.ok) {
        const reason =
          result.reason === 'limit'
            ? `There's a limit of ${store.maxActive} active indicators per tenant.`
            : `Indicator ${checked.value.id ?? ''} was not found.`;
        return { id: null, indicator, isFailed: true, failureReason: reason };
      }
      return {
        id: result.record.id,
        indicator: result.record.indicatorValue,
        isFailed: false,
        failureReason: null,
      };
    });
    return {
      status: 200,
      body: {
        '@odata.context': context('Collection(microsoft.windowsDefenderATP.api.ImportIndicatorResult)'),
        value,
      },
    };
  };

  const list = (req: SimRequest): SimResponse => {
    const paging = parsePaging(req);
    if ('status' in paging) return paging;
    let records = store.visibleTo(req.token?.appid, seesAll(req));
    const filter = req.query.get('$filter');
    if (filter !== null) {
      try {
        const predicate = parseFilter<IndicatorRecord>(filter, FILTER_FIELDS);
        records = records.filter(predicate);
      } catch (e) {
        if (e instanceof ODataFilterError) return err(400, 'ODataError', `Invalid OData query: ${e.message}`);
        throw e;
      }
    }
    const pageSize = paging.top ?? MAX_TOP;
    const page = records.slice(paging.skip, paging.skip + pageSize);
    const body: Record<string, unknown> = { '@odata.context': context('Indicators'), value: page };
    // Without $top the service pages by 10,000 with a nextLink; with $top it gives none (reference §2.6, §10.5).
    if (paging.top === undefined && paging.skip + pageSize < records.length) {
      const next = new URLSearchParams(req.query);
      next.set('$skip', String(paging.skip + pageSize));
      body['@odata.nextLink'] = `${options.baseUrl()}${req.path}?${next.toString()}`;
    }
    return { status: 200, body };
  };

  const getOne = (req: SimRequest): SimResponse => {
    const id = req.params.id ?? '';
    const record = store.get(id);
    if (record === undefined || (!seesAll(req) && record.createdBy !== req.token?.appid)) {
      return err(404, 'ResourceNotFound', `Indicator ${id} was not found.`);
    }
    return { status: 200, body: { '@odata.context': context('Indicators/$entity'), ...record } };
  };

  const deleteOne = (req: SimRequest): SimResponse => {
    const id = req.params.id ?? '';
    const record = store.get(id);
    if (record === undefined) return err(404, 'ResourceNotFound', `Indicator ${id} was not found.`);
    store.delete(id);
    return { status: 204 };
  };

  const batchDelete = (req: SimRequest): SimResponse => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return err(400, 'InvalidRequestBody', 'Request body is incorrect');
    }
    const ids = (body as Record<string, unknown>).IndicatorIds;
    if (ids === undefined || ids === null)
      return err(400, 'MissingRequiredParameter', 'Parameter IndicatorIds is missing.');
    if (!Array.isArray(ids)) return err(400, 'InvalidRequestBody', 'IndicatorIds must be a list.');
    if (ids.length === 0) return err(400, 'InvalidRequestBody', 'IndicatorIds list is empty.');
    if (ids.length > MAX_BATCH) {
      return err(
        400,
        'MaximumBatchSizeExceeded',
        `Maximum batch size exceeded. Received: ${ids.length}, allowed: ${MAX_BATCH}.`,
      );
    }
    const texts = ids.map((i: unknown) => (typeof i === 'number' && Number.isInteger(i) ? String(i) : i));
    const bad = texts.find((i) => typeof i !== 'string' || !/^\d+$/.test(i));
    if (bad !== undefined)
      return err(400, 'InvalidInput', `Invalid input indicator id ${JSON.stringify(bad)}.`);
    const wanted = texts as string[];
    const missing = wanted.filter((id) => store.get(id) === undefined);
    // Undocumented whether a 404 batch deletes the ids that exist; the simulator deletes none (all or nothing).
    if (missing.length > 0)
      return err(404, 'ResourceNotFound', `Indicators ${missing.join(', ')} were not found.`);
    for (const id of wanted) store.delete(id);
    return { status: 204 };
  };

  const machineGroups = (req: SimRequest): SimResponse => {
    const paging = parsePaging(req);
    if ('status' in paging) return paging;
    const time = options.now().toISOString();
    const all = options.machineGroups().map((g, i) => ({
      time,
      score: 30 + ((i * 7.31) % 40),
      rbacGroupName: g.name,
      rbacGroupId: g.id,
    }));
    return {
      status: 200,
      body: {
        '@odata.context': `${options.baseUrl()}/api/$metadata#ExposureScore`,
        value: all.slice(paging.skip, paging.skip + (paging.top ?? MAX_TOP)),
      },
    };
  };

  for (const prefix of ['/api', '/api/v1.0']) {
    const d = { audience: AUDIENCE.defender };
    routes.add('POST', `${prefix}/indicators`, submit, {
      ...d,
      anyRole: WRITE_ROLES,
      endpoint: 'defender.submit',
    });
    routes.add('POST', `${prefix}/indicators/import`, importBatch, {
      ...d,
      anyRole: WRITE_ROLES,
      endpoint: 'defender.import',
    });
    routes.add('GET', `${prefix}/indicators`, list, { ...d, anyRole: READ_ROLES, endpoint: 'defender.list' });
    routes.add('GET', `${prefix}/indicators/:id`, getOne, {
      ...d,
      anyRole: READ_ROLES,
      endpoint: 'defender.get',
    });
    routes.add('DELETE', `${prefix}/indicators/:id`, deleteOne, {
      ...d,
      anyRole: DELETE_ROLES,
      endpoint: 'defender.delete',
    });
    routes.add('POST', `${prefix}/indicators/BatchDelete`, batchDelete, {
      ...d,
      anyRole: DELETE_ROLES,
      endpoint: 'defender.batchDelete',
    });
    routes.add('GET', `${prefix}/exposureScore/ByMachineGroups`, machineGroups, {
      ...d,
      anyRole: ['Score.Read.All'],
      endpoint: 'defender.machineGroups',
    });
  }
}
