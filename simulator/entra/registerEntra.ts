/**
 * Entra routes: OpenID discovery, the signing keys, instance discovery and the v2 token endpoint with the
 * client-credentials grant (client secret or certificate `client_assertion`).
 */
import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { RouteTable, SimRequest, SimResponse } from '../contracts';
import { audienceOfResource } from '../core/audiences';
import { entraError } from '../core/errorBodies';
import { type EntraApp, type EntraDirectory, TOKEN_LIFETIME_SECONDS } from './entraDirectory';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const JSON_HEADERS = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };

/** Registers the Entra routes on the route table. */
export function registerEntra(routes: RouteTable, directory: EntraDirectory): void {
  const now = (): Date => directory.options.now();
  const base = (): string => directory.options.baseUrl;
  const knownTenant = (t: string | undefined): boolean =>
    t !== undefined &&
    [directory.tenantId.toLowerCase(), 'common', 'organizations'].includes(t.toLowerCase());
  const tenantNotFound = (t: string): SimResponse => ({
    status: 400,
    body: entraError(
      'invalid_tenant',
      90002,
      `Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      now(),
    ),
  });

  const openIdConfig = (req: SimRequest): SimResponse => {
    const t = req.params.tenant ?? '';
    if (!knownTenant(t)) return tenantNotFound(t);
    // `common` and `organizations` answer with the `{tenant}` placeholder, as Entra does.
    const tenant = t.toLowerCase() === directory.tenantId.toLowerCase() ? directory.tenantId : '{tenantid}';
    const b = base();
    return {
      status: 200,
      headers: JSON_HEADERS,
      body: {
        token_endpoint: `${b}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${b}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${b}/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${b}/oidc/userinfo`,
        authorization_endpoint: `${b}/${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${b}/${tenant}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${b}/${tenant}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'ver', 'oid'],
        kerberos_endpoint: `${b}/${tenant}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: new URL(b).host,
        cloud_graph_host_name: new URL(b).host,
        msgraph_host: new URL(b).host,
        rbac_url: b,
      },
    };
  };
  routes.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', openIdConfig, {
    endpoint: 'entra.discovery',
  });

  routes.add(
    'GET',
    '/:tenant/discovery/v2.0/keys',
    (req) =>
      knownTenant(req.params.tenant)
        ? { status: 200, body: directory.jwks() }
        : tenantNotFound(req.params.tenant ?? ''),
    { endpoint: 'entra.discovery' },
  );
  routes.add('GET', '/:tenant/discovery/keys', () => ({ status: 200, body: directory.jwks() }), {
    endpoint: 'entra.discovery',
  });

  routes.add(
    'GET',
    '/common/discovery/instance',
    () => {
      const host = new URL(base()).host;
      return {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${base()}/${directory.tenantId}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    },
    { endpoint: 'entra.discovery' },
  );

  routes.add('POST', '/:tenant/oauth2/v2.0/token', (req) => tokenEndpoint(req, directory), {
    endpoint: 'entra.token',
  });
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function tokenEndpoint(req: SimRequest, directory: EntraDirectory): SimResponse {
  const now = directory.options.now();
  const fail = (status: number, error: string, code: number, description: string): SimResponse => ({
    status,
    headers: JSON_HEADERS,
    body: entraError(error, code, description, now),
  });
  const tenant = req.params.tenant ?? '';
  if (tenant.toLowerCase() !== directory.tenantId.toLowerCase()) {
    if (['common', 'organizations'].includes(tenant.toLowerCase())) {
      return fail(
        400,
        'invalid_request',
        700016,
        'Client credentials need a tenant-specific authority, not /common.',
      );
    }
    return fail(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
  }
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (
    !contentType.includes('application/x-www-form-urlencoded') ||
    typeof req.body !== 'object' ||
    req.body === null
  ) {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  const body = req.body as Record<string, unknown>;
  let clientId = field(body, 'client_id');
  let clientSecret = field(body, 'client_secret');
  // client_secret_basic: credentials in the Authorization header.
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic !== undefined) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    clientId ??= decodeURIComponent(id ?? '');
    clientSecret ??= decodeURIComponent(secret ?? '');
  }
  const grantType = field(body, 'grant_type');
  if (grantType === undefined) {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (grantType !== 'client_credentials') {
    return fail(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  if (clientId === undefined) {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const scope = field(body, 'scope');
  if (scope === undefined) {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  const app = directory.findApp(clientId);
  if (app === undefined) {
    return fail(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${directory.tenantId}'.`,
    );
  }

  let credentialType: 'secret' | 'certificate';
  const assertion = field(body, 'client_assertion');
  if (assertion !== undefined) {
    if (field(body, 'client_assertion_type') !== ASSERTION_TYPE) {
      return fail(400, 'invalid_request', 50027, 'Invalid client_assertion_type.');
    }
    const problem = checkAssertion(assertion, app, directory, `${req.path}`);
    if (problem !== undefined) return fail(401, 'invalid_client', 700027, problem);
    credentialType = 'certificate';
  } else if (clientSecret !== undefined) {
    if (app.clientSecret === undefined || app.clientSecret !== clientSecret) {
      return fail(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    credentialType = 'secret';
  } else {
    return fail(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }

  const scopes = scope.split(/\s+/).filter((s) => s !== '');
  const resources = scopes.filter((s) => !['openid', 'profile', 'offline_access', 'email'].includes(s));
  if (resources.length !== 1) {
    return fail(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    );
  }
  const requested = resources[0] ?? '';
  if (!requested.endsWith('/.default')) {
    return fail(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${requested} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = requested.slice(0, -'/.default'.length);
  if (audienceOfResource(resource) === undefined) {
    return fail(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${directory.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: directory.issueToken(app, resource, credentialType),
    },
  };
}

/** Checks a certificate credential's `client_assertion`; returns the problem, or undefined when it is valid. */
function checkAssertion(
  assertion: string,
  app: EntraApp,
  directory: EntraDirectory,
  path: string,
): string | undefined {
  if (app.certificatePem === undefined) return `No certificate is registered for app '${app.clientId}'.`;
  let key;
  try {
    key = createPublicKey(app.certificatePem);
  } catch {
    return 'The registered certificate does not parse.';
  }
  try {
    const payload = jwt.verify(assertion, key, {
      algorithms: ['RS256', 'PS256'],
      clockTimestamp: Math.floor(directory.options.now().getTime() / 1000),
      // Entra tolerates five minutes of clock skew on client assertions.
      clockTolerance: 300,
    });
    if (typeof payload === 'string') return 'Client assertion is not a JWT.';
    if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
      return 'Client assertion iss and sub must be the client id.';
    }
    const expectedAud = `${directory.options.baseUrl}${path}`;
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!auds.some((a) => typeof a === 'string' && a.toLowerCase() === expectedAud.toLowerCase())) {
      return `Client assertion audience must be ${expectedAud}.`;
    }
    return undefined;
  } catch (err) {
    return `Client assertion failed signature validation: ${(err as Error).message}.`;
  }
}
