/**
 * A local stand-in for the Bot Framework token services, for production-mode tests on loopback:
 * - inbound (channel → bot): OpenID metadata and a JWKS over plain HTTP, with an RSA key whose id is in the
 *   header of every token {@link OpenIdStub.sign} makes (Bot Framework-style channel tokens: issuer, audience =
 *   MicrosoftAppId, `serviceurl` claim);
 * - outbound (bot → connector): an Entra-shaped authority over HTTPS (OpenID discovery and the v2 token
 *   endpoint, client credentials only) whose certificate is issued by the test CA in `.data/test-ca`, which the
 *   test process trusts through `NODE_EXTRA_CA_CERTS` (MSAL refuses plain-HTTP authorities).
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { ensureCa, issueServerCert } from '../../simulator/ca';

/** The issuer of the channel tokens the stub signs (the real one is `https://api.botframework.com`). */
export const STUB_CHANNEL_ISSUER = 'https://api.botframework.test';

/** Options of {@link OpenIdStub.sign}. */
export interface SignOptions {
  /** The `kid` header; the stub's key id by default. */
  readonly kid?: string;
  /** Sign with a key the JWKS does not publish (still under `kid`). */
  readonly foreignKey?: boolean;
  /** Seconds from now until `exp`; negative for an expired token. Default 3600. */
  readonly expiresInSeconds?: number;
  /** The clock (`iat`, `nbf`, `exp`); the system clock by default. */
  readonly now?: () => Date;
}

/** One request made to the token endpoint. */
export interface TokenRequest {
  readonly tenant: string;
  readonly clientId: string;
  readonly scope: string;
  readonly grantType: string;
  readonly secretMatched: boolean;
}

/** What the stub is for: the bot's app id (the audience of channel tokens) and its credentials. */
export interface OpenIdStubOptions {
  readonly appId: string;
  readonly appPassword: string;
  readonly tenantId: string;
  /** Channels the signing key is endorsed for (the `endorsements` of the JWKS entry). Default `['msteams']`. */
  readonly endorsements?: readonly string[];
}

export class OpenIdStub {
  readonly issuer = STUB_CHANNEL_ISSUER;
  readonly keyId = `stub-key-${randomUUID()}`;
  /** Every request to the token endpoint, in order. */
  readonly tokenRequests: TokenRequest[] = [];
  /** Every access token the token endpoint issued, in order. */
  readonly issuedTokens: string[] = [];
  /** Every request path either listener served. */
  readonly requests: string[] = [];

  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private http?: Server;
  private https?: Server;
  private httpBase = '';
  private httpsBase = '';

  constructor(private readonly options: OpenIdStubOptions) {}

  /** `ToBotFromChannelOpenIdMetadataUrl` (plain HTTP on loopback). */
  get metadataUrl(): string {
    return `${this.httpBase}/v1/.well-known/openidconfiguration`;
  }

  /** `ToChannelFromBotLoginUrl`: the HTTPS authority with the bot's tenant. */
  get loginUrl(): string {
    return `${this.httpsBase}/${this.options.tenantId}`;
  }

  /** The issuer of the access tokens the token endpoint issues. */
  get tokenIssuer(): string {
    return `${this.httpsBase}/${this.options.tenantId}/v2.0`;
  }

  /**
   * Starts both listeners on 127.0.0.1.
   * @throws when this process does not trust the test CA (start mocha with `NODE_EXTRA_CA_CERTS`).
   */
  async start(): Promise<void> {
    const caDir = path.join(repoRoot(), '.data', 'test-ca');
    const ca = await ensureCa(caDir);
    const trusted = process.env.NODE_EXTRA_CA_CERTS;
    if (trusted === undefined || path.resolve(trusted) !== ca.certPath) {
      throw new Error(
        `OpenIdStub needs the test CA trusted: run mocha with NODE_EXTRA_CA_CERTS=${ca.certPath} (now ${trusted ?? 'unset'})`,
      );
    }
    const cert = await issueServerCert(ca, ['127.0.0.1', 'localhost']);
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'server_error', error_description: String(err) }));
      });
    };
    this.http = createHttpServer(handler);
    this.https = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, handler);
    this.httpBase = `http://127.0.0.1:${await listen(this.http)}`;
    this.httpsBase = `https://127.0.0.1:${await listen(this.https)}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.http, this.https].map((s) => close(s)));
  }

  /**
   * A Bot Framework-style channel token: `iss` = {@link issuer}, `aud` = the app id, then `claims` over those
   * (pass `serviceurl`), RS256 under the stub's key id.
   */
  sign(claims: Record<string, unknown> = {}, options: SignOptions = {}): string {
    const now = Math.floor((options.now ?? (() => new Date()))().getTime() / 1000);
    const payload = {
      iss: this.issuer,
      aud: this.options.appId,
      iat: now - 60,
      nbf: now - 60,
      exp: now + (options.expiresInSeconds ?? 3600),
      ...claims,
    };
    const key = options.foreignKey ? this.foreign.privateKey : this.key.privateKey;
    return jwt.sign(payload, key, {
      algorithm: 'RS256',
      keyid: options.kid ?? this.keyId,
      noTimestamp: true,
    });
  }

  /** An unsigned token (`alg: none`) with the same claims as {@link sign} would make. */
  unsigned(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'none', typ: 'JWT', kid: this.keyId };
    const payload = { iss: this.issuer, aud: this.options.appId, nbf: now - 60, exp: now + 3600, ...claims };
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part(header)}.${part(payload)}.`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push(`${req.method ?? ''} ${url.pathname}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const tenant = this.options.tenantId;
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.httpBase}/v1/authorize`,
        jwks_uri: `${this.httpBase}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
      return json(200, { keys: [this.jwk(this.key.publicKey)] });
    }
    if (req.method === 'GET' && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      const b = this.httpsBase;
      return json(200, {
        issuer: this.tokenIssuer,
        token_endpoint: `${b}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${b}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${b}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${b}/${tenant}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        cloud_instance_name: new URL(b).host,
        msgraph_host: new URL(b).host,
      });
    }
    if (req.method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`) {
      return this.token(req, json);
    }
    json(404, { error: 'not_found', path: url.pathname });
  }

  private async token(req: IncomingMessage, json: (status: number, body: unknown) => void): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic !== undefined) {
      const [id, pw] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId ||= decodeURIComponent(id ?? '');
      secret ||= decodeURIComponent(pw ?? '');
    }
    const request: TokenRequest = {
      tenant: this.options.tenantId,
      clientId,
      scope: form.get('scope') ?? '',
      grantType: form.get('grant_type') ?? '',
      secretMatched: clientId === this.options.appId && secret === this.options.appPassword,
    };
    this.tokenRequests.push(request);
    if (request.grantType !== 'client_credentials') {
      return json(400, { error: 'unsupported_grant_type', error_description: 'client_credentials only' });
    }
    if (!request.secretMatched) {
      return json(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    }
    const audience = request.scope.split(' ')[0]?.replace(/\/\.default$/, '') ?? '';
    const accessToken = jwt.sign(
      {
        aud: audience,
        iss: this.tokenIssuer,
        appid: clientId,
        azp: clientId,
        tid: this.options.tenantId,
        ver: '2.0',
      },
      this.key.privateKey,
      { algorithm: 'RS256', keyid: this.keyId, expiresIn: 3600 },
    );
    this.issuedTokens.push(accessToken);
    json(200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken });
  }

  private jwk(publicKey: KeyObject): Record<string, unknown> {
    const { n, e } = publicKey.export({ format: 'jwk' });
    return {
      kty: 'RSA',
      use: 'sig',
      kid: this.keyId,
      n,
      e,
      endorsements: [...(this.options.endorsements ?? ['msteams'])],
    };
  }
}

/** The repository root, found from the compiled file's folder. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
