/**
 * The simulator's Entra tenant: its app registrations and its token-signing key. Issues and verifies access
 * tokens (JWT, RS256) the way Entra's client-credentials flow does.
 */
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AUDIENCE, type VerifiedToken } from '../contracts';
import { audienceOfResource } from '../core/audiences';
import { TokenRejectedError } from '../core/httpCore';

/** An app registration with its credentials and the app roles granted per API audience. */
export interface EntraApp {
  readonly clientId: string;
  readonly displayName: string;
  /** Client secret; undefined = the app has none. */
  readonly clientSecret?: string;
  /** PEM certificate (or public key) whose private key signs `client_assertion` JWTs. */
  readonly certificatePem?: string;
  /** App roles per API audience (`AUDIENCE.defender`, `AUDIENCE.graph`). */
  readonly roles: Readonly<Record<string, readonly string[]>>;
}

/** Roles the default app gets: what the bot needs (reference §2.2, §2.3, §7, §8). */
export const DEFAULT_APP_ROLES: Readonly<Record<string, readonly string[]>> = {
  [AUDIENCE.defender]: ['Ti.ReadWrite.All', 'Machine.Read.All', 'Score.Read.All'],
  [AUDIENCE.graph]: ['SecurityAlert.Read.All', 'ThreatHunting.Read.All', 'GroupMember.Read.All'],
};

/** Lifetime of an access token, seconds (Entra answers `expires_in: 3599`). */
export const TOKEN_LIFETIME_SECONDS = 3599;

/** Options of the directory. */
export interface EntraDirectoryOptions {
  readonly tenantId: string;
  readonly now: () => Date;
  /** Base URL of the simulator, e.g. `https://127.0.0.1:4000`; set once the server listens. */
  baseUrl: string;
}

/** The tenant's apps and signing key. */
export class EntraDirectory {
  private readonly apps = new Map<string, EntraApp>();
  private readonly initialApps: EntraApp[];
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(
    readonly options: EntraDirectoryOptions,
    apps: readonly EntraApp[],
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    const der = publicKey.export({ format: 'der', type: 'spki' });
    this.keyId = createHash('sha256').update(der).digest('base64url').slice(0, 27);
    this.initialApps = [...apps];
    this.reset();
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** The issuer claim of tokens, Entra-v2 style but on the simulator's own host. */
  get issuer(): string {
    return `${this.options.baseUrl}/${this.options.tenantId}/v2.0`;
  }

  /** Adds or replaces an app registration (until the next reset). */
  putApp(app: EntraApp): void {
    this.apps.set(app.clientId.toLowerCase(), app);
  }

  /** Removes an app registration. */
  removeApp(clientId: string): void {
    this.apps.delete(clientId.toLowerCase());
  }

  /** Finds an app by client id. */
  findApp(clientId: string): EntraApp | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** Back to the apps the directory was created with. */
  reset(): void {
    this.apps.clear();
    for (const app of this.initialApps) this.putApp(app);
  }

  /** The public signing key as a JWK set (`/discovery/v2.0/keys`). */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return {
      keys: [
        { kty: 'RSA', use: 'sig', kid: this.keyId, alg: 'RS256', n: jwk.n, e: jwk.e, issuer: this.issuer },
      ],
    };
  }

  /** Signs an access token for `app` and `resource` (the resource as the scope named it). */
  issueToken(app: EntraApp, resource: string, credentialType: 'secret' | 'certificate'): string {
    const audience = audienceOfResource(resource);
    const roles = audience === undefined ? [] : (app.roles[audience] ?? []);
    const iat = Math.floor(this.options.now().getTime() / 1000);
    const claims: Record<string, unknown> = {
      aud: resource,
      iss: this.issuer,
      iat,
      nbf: iat,
      exp: iat + TOKEN_LIFETIME_SECONDS,
      aio: randomUUID(),
      appid: app.clientId,
      appidacr: credentialType === 'secret' ? '1' : '2',
      azp: app.clientId,
      azpacr: credentialType === 'secret' ? '1' : '2',
      app_displayname: app.displayName,
      idp: this.issuer,
      idtyp: 'app',
      oid: servicePrincipalId(app.clientId),
      sub: servicePrincipalId(app.clientId),
      tid: this.options.tenantId,
      uti: randomUUID().replace(/-/g, '').slice(0, 22),
      ver: '2.0',
    };
    if (roles.length > 0) claims.roles = [...roles];
    return jwt.sign(claims, this.privateKey, { algorithm: 'RS256', keyid: this.keyId });
  }

  /**
   * Verifies an access token: signature, issuer, tenant and expiry against the simulator's clock.
   * @throws TokenRejectedError for a token that must be refused with 401.
   */
  verifyToken(token: string): VerifiedToken {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.publicKey, {
        algorithms: ['RS256'],
        issuer: this.issuer,
        clockTimestamp: Math.floor(this.options.now().getTime() / 1000),
      });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError)
        throw new TokenRejectedError('Lifetime validation failed, the token is expired.');
      if (err instanceof jwt.NotBeforeError) throw new TokenRejectedError('The token is not yet valid.');
      throw new TokenRejectedError(`Invalid access token: ${(err as Error).message}.`);
    }
    if (typeof payload === 'string') throw new TokenRejectedError('Invalid access token.');
    const { aud, tid, appid, roles, exp } = payload as Record<string, unknown>;
    if (
      typeof aud !== 'string' ||
      typeof tid !== 'string' ||
      typeof appid !== 'string' ||
      typeof exp !== 'number'
    ) {
      throw new TokenRejectedError('Invalid access token: claims missing.');
    }
    if (tid !== this.options.tenantId) throw new TokenRejectedError('Invalid access token: wrong tenant.');
    const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
    return { aud, tid, appid, roles: roleList, exp };
  }
}

/** A stable object id for an app's service principal, derived from its client id. */
export function servicePrincipalId(clientId: string): string {
  const h = createHash('sha256').update(`sp:${clientId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
