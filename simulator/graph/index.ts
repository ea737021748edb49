/**
 * The Microsoft Graph part of the simulator. Routes (all demand a Graph token, audience
 * `https://graph.microsoft.com`, with one of the listed application roles):
 * - `GET /v1.0/security/alerts_v2` — SecurityAlert.Read.All | SecurityAlert.ReadWrite.All
 * - `POST /v1.0/security/runHuntingQuery` — ThreatHunting.Read.All
 * - `POST /v1.0/users/:id/checkMemberGroups`, `POST /v1.0/directoryObjects/:id/checkMemberGroups`,
 *   `GET /v1.0/groups/:id/members`, `GET /v1.0/users/:id` — GroupMember.Read.All | Directory.Read.All (and
 *   User.Read.All for the user lookup)
 * Alerts and hunting events come from the event store the devices part fills.
 */
import { AUDIENCE, type RegisterPart, type SimRequest, type SimResponse } from '../contracts';
import { listAlerts, type AlertsPaging } from './alertsApi';
import { loadDirectory, type Directory, type DirectoryGroup, type DirectoryUser } from './directory';
import { eventStoreFor } from './eventStore';
import { graphError } from './graphError';
import { runHuntingQuery } from './huntingApi';

/** Application roles each Graph route accepts. */
export const GRAPH_ROLES = {
  alerts: ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
  hunting: ['ThreatHunting.Read.All'],
  directory: ['GroupMember.Read.All', 'Directory.Read.All'],
  users: ['User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All'],
} as const;

/** Options of the Graph part. */
export interface GraphPartOptions {
  readonly paging?: Partial<AlertsPaging>;
}

/** The most groups one checkMemberGroups call may name (Graph's documented limit). */
export const MAX_CHECK_GROUPS = 20;

function userBody(u: DirectoryUser): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.user', ...u };
}

function groupBody(g: DirectoryGroup): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    displayName: g.displayName,
    description: g.description,
  };
}

function notFound(id: string, now: Date, req: SimRequest): SimResponse {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    now,
    req,
  );
}

function checkMemberGroups(
  req: SimRequest,
  directory: Directory,
  now: Date,
  resolve: (id: string) => string | undefined,
): SimResponse {
  const id = req.params.id ?? '';
  const objectId = resolve(id);
  if (objectId === undefined) return notFound(id, now, req);
  const body = req.body as { groupIds?: unknown } | null;
  const groupIds = body?.groupIds;
  if (!Array.isArray(groupIds) || !groupIds.every((g): g is string => typeof g === 'string')) {
    return graphError(
      400,
      'Request_BadRequest',
      "The request body must contain 'groupIds', an array of strings.",
      now,
      req,
    );
  }
  if (groupIds.length > MAX_CHECK_GROUPS) {
    return graphError(
      400,
      'Request_BadRequest',
      `At most ${MAX_CHECK_GROUPS} groups may be checked in one request.`,
      now,
      req,
    );
  }
  const memberOf = directory.transitiveGroupsOf(objectId);
  return {
    status: 200,
    body: {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)',
      value: groupIds.filter((g) => memberOf.has(g.toLowerCase())),
    },
  };
}

/** Builds the Graph part. */
export function createGraphPart(options: GraphPartOptions = {}): RegisterPart {
  const paging: AlertsPaging = { maxPageSize: 2000, defaultPageSize: 100, ...options.paging };
  return (routes, deps) => {
    const store = eventStoreFor(deps);
    const directory = loadDirectory();
    const graph = (endpoint: string, anyRole: readonly string[]) => ({
      audience: AUDIENCE.graph,
      anyRole,
      endpoint,
    });

    routes.add(
      'GET',
      '/v1.0/security/alerts_v2',
      (req) => listAlerts(req, store, deps.now(), paging),
      graph('graph.alerts', GRAPH_ROLES.alerts),
    );
    routes.add(
      'POST',
      '/v1.0/security/runHuntingQuery',
      (req) => runHuntingQuery(req, store, deps.now()),
      graph('graph.hunting', GRAPH_ROLES.hunting),
    );
    routes.add(
      'POST',
      '/v1.0/users/:id/checkMemberGroups',
      (req) => checkMemberGroups(req, directory, deps.now(), (id) => directory.findUser(id)?.id),
      graph('graph.directory', GRAPH_ROLES.directory),
    );
    routes.add(
      'POST',
      '/v1.0/directoryObjects/:id/checkMemberGroups',
      (req) =>
        checkMemberGroups(
          req,
          directory,
          deps.now(),
          (id) => directory.findUser(id)?.id ?? directory.findGroup(id)?.id,
        ),
      graph('graph.directory', GRAPH_ROLES.directory),
    );
    routes.add(
      'GET',
      '/v1.0/groups/:id/members',
      (req) => {
        const group = directory.findGroup(req.params.id ?? '');
        if (group === undefined) return notFound(req.params.id ?? '', deps.now(), req);
        const value = group.members.flatMap((m) => {
          const user = directory.findUser(m);
          if (user !== undefined) return [userBody(user)];
          const nested = directory.findGroup(m);
          return nested === undefined ? [] : [groupBody(nested)];
        });
        return {
          status: 200,
          body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects', value },
        };
      },
      graph('graph.directory', GRAPH_ROLES.directory),
    );
    routes.add(
      'GET',
      '/v1.0/users/:id',
      (req) => {
        const user = directory.findUser(req.params.id ?? '');
        if (user === undefined) return notFound(req.params.id ?? '', deps.now(), req);
        return {
          status: 200,
          body: {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
            ...userBody(user),
          },
        };
      },
      graph('graph.users', GRAPH_ROLES.users),
    );
    return {
      reset(): void {
        store.clear();
      },
    };
  };
}

/** Registers the Graph routes with the default paging (page size 100, `$top` capped at 2000). */
export const registerGraph: RegisterPart = createGraphPart();
