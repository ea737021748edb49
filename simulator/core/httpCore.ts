/**
 * The simulator's HTTPS server: a route table with `:param` patterns, body parsing, token checks, fault
 * injection, rate limits and a request log. The parts (Entra, Defender, Graph, devices) only add routes.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  RouteOptions,
  RouteTable,
  SimHandler,
  SimRequest,
  SimResponse,
  VerifiedToken,
} from '../contracts';
import { AUDIENCE } from '../contracts';
import { audienceSatisfies } from './audiences';
import { type ErrorFamily, genericError } from './errorBodies';
import { FaultInjector } from './faults';
import { RateLimiter, type RateLimit } from './rateLimiter';
import { RequestLog } from './requestLog';

/** Thrown by a token verifier for a token that must be refused with 401. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/** Verifies a bearer token; throws {@link TokenRejectedError} for a bad one. */
export type TokenVerifier = (token: string) => VerifiedToken;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly literalCount: number;
  readonly handler: SimHandler;
  readonly options: RouteOptions;
}

/** Options of the HTTP core. */
export interface HttpCoreOptions {
  readonly now: () => Date;
  readonly verifyToken: TokenVerifier;
  readonly rateLimits: Readonly<Record<string, RateLimit>>;
  readonly rateLimitsEnabled: boolean;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes?: number;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The family whose error shape a route's generic errors use. */
function familyOf(options: RouteOptions | undefined): ErrorFamily {
  if (options === undefined) return 'defender';
  if (options.endpoint.startsWith('entra.')) return 'entra';
  if (options.audience === AUDIENCE.graph || options.endpoint.startsWith('graph.')) return 'graph';
  return 'defender';
}

/** The route table and HTTPS server. */
export class HttpCore implements RouteTable {
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly rateLimiter: RateLimiter;
  private readonly routes: Route[] = [];
  private readonly controlRoutes: Route[] = [];
  private server: https.Server | undefined;
  private readonly sockets = new Set<import('node:stream').Duplex>();

  constructor(private readonly options: HttpCoreOptions) {
    this.rateLimiter = new RateLimiter(options.rateLimits, options.now, options.rateLimitsEnabled);
  }

  /**
   * Adds a route; literal path segments match case-insensitively, `:name` segments capture a value, and the
   * route with more literal segments wins.
   */
  add(method: string, pattern: string, handler: SimHandler, options: RouteOptions): void {
    // Parts add their control routes (`/_sim/…`) here too; they get the control API's treatment.
    if (pattern.startsWith('/_sim/'))
      this.controlRoutes.push(this.makeRoute(method, pattern, handler, options));
    else this.routes.push(this.makeRoute(method, pattern, handler, options));
  }

  /**
   * Adds a control-API route: no token, no faults, no rate limit, not logged, loopback callers only.
   */
  addControl(method: string, pattern: string, handler: SimHandler): void {
    this.controlRoutes.push(this.makeRoute(method, pattern, handler, { endpoint: 'sim.control' }));
  }

  private makeRoute(method: string, pattern: string, handler: SimHandler, options: RouteOptions): Route {
    const segments = splitPath(pattern);
    return {
      method: method.toUpperCase(),
      segments,
      literalCount: segments.filter((s) => !s.startsWith(':')).length,
      handler,
      options,
    };
  }

  /** Starts listening; resolves with the port. */
  async listen(port: number, host: string, tls: { certPem: string; keyPem: string }): Promise<number> {
    const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A client that resets a connection mid-handshake must not bring the simulator down.
    server.on('tlsClientError', () => undefined);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private match(
    routes: readonly Route[],
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { methodMismatch: boolean } {
    const parts = splitPath(path);
    let best: { route: Route; params: Record<string, string> } | undefined;
    let methodMismatch = false;
    for (const route of routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i += 1) {
        const seg = route.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(part);
          } catch {
            ok = false;
          }
        } else ok = seg.toLowerCase() === part.toLowerCase();
      }
      if (!ok) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      if (best === undefined || route.literalCount > best.route.literalCount) best = { route, params };
    }
    return best ?? { methodMismatch };
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const max = this.options.maxBodyBytes ?? 20 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > max) throw new BodyError(413, 'Request body too large.');
      chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private parseBody(req: IncomingMessage, raw: string): unknown {
    if (raw === '') return undefined;
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(raw));
    }
    if (type.includes('json') || type === '') {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new BodyError(400, 'Request body is incorrect');
      }
    }
    return raw;
  }

  private send(res: ServerResponse, response: SimResponse): void {
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    let payload: string | undefined;
    if (response.body !== undefined && response.status !== 204) {
      if (typeof response.body === 'string') {
        payload = response.body;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(response.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.options.now;
    const arrived = now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://simulator.invalid');
    const path = url.pathname;

    if (path.startsWith('/_sim/')) {
      await this.handleControl(req, res, method, url);
      return;
    }

    const matched = this.match(this.routes, method, path);
    const route = 'route' in matched ? matched.route : undefined;
    const family = familyOf(route?.options);
    let appid: string | undefined;
    const finish = (response: SimResponse): void => {
      this.log.record({
        time: arrived.toISOString(),
        method,
        path,
        endpoint: route?.options.endpoint ?? null,
        status: response.status,
        dropped: false,
        ...(appid !== undefined ? { appid } : {}),
      });
      this.send(res, response);
    };

    let rawBody: string;
    try {
      rawBody = await this.readBody(req);
    } catch (err) {
      finish({ status: err instanceof BodyError ? err.status : 400, body: genericError(family, 400, now()) });
      return;
    }

    if (!('route' in matched)) {
      const status = matched.methodMismatch ? 405 : 404;
      finish({
        status,
        body: genericError(family, status === 405 ? 400 : 404, now(), `No route for ${method} ${path}.`),
      });
      return;
    }
    const { options } = matched.route;

    const fault = this.faults.decide(options.endpoint);
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.action?.kind === 'drop') {
      this.log.record({
        time: arrived.toISOString(),
        method,
        path,
        endpoint: options.endpoint,
        status: 0,
        dropped: true,
      });
      req.socket.destroy();
      return;
    }
    if (fault.action?.kind === 'throttle') {
      finish({
        status: 429,
        headers: { 'retry-after': String(fault.action.retryAfterSeconds) },
        body: fault.action.body ?? genericError(family, 429, now()),
      });
      return;
    }
    if (fault.action?.kind === 'status') {
      finish({
        status: fault.action.status,
        body: fault.action.body ?? genericError(family, fault.action.status, now()),
      });
      return;
    }

    let token: VerifiedToken | undefined;
    if (options.audience !== undefined) {
      const auth = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
      if (bearer === undefined) {
        finish(
          this.unauthorized(family, auth === '' ? 'Access token is empty.' : 'Invalid authorization header.'),
        );
        return;
      }
      try {
        token = this.options.verifyToken(bearer);
      } catch (err) {
        if (!(err instanceof TokenRejectedError)) throw err;
        finish(this.unauthorized(family, err.message));
        return;
      }
      appid = token.appid;
      if (!audienceSatisfies(options.audience, token.aud)) {
        finish({
          status: 403,
          body: genericError(
            family,
            403,
            now(),
            `The token audience '${token.aud}' is not valid for this API.`,
          ),
        });
        return;
      }
      const anyRole = options.anyRole ?? [];
      if (anyRole.length > 0 && !anyRole.some((r) => token?.roles.includes(r))) {
        const detail =
          family === 'graph'
            ? `Missing role permissions on the request. API requires one of '${anyRole.join(', ')}'. Roles on the request '${token.roles.join(', ')}'.`
            : `Forbidden (valid token but insufficient permission for the action). Requires one of: ${anyRole.join(', ')}.`;
        finish({ status: 403, body: genericError(family, 403, now(), detail) });
        return;
      }
    }

    const decision = this.rateLimiter.take(options.endpoint, token?.tid ?? '');
    if (!decision.allowed) {
      finish({
        status: 429,
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
        body: genericError(family, 429, now()),
      });
      return;
    }

    let body: unknown;
    try {
      body = this.parseBody(req, rawBody);
    } catch (err) {
      const detail = err instanceof Error ? err.message : 'Request body is incorrect';
      finish({
        status: 400,
        body:
          family === 'defender'
            ? {
                error: {
                  ...(genericError(family, 400, now(), detail) as { error: object }).error,
                  code: 'InvalidRequestBody',
                },
              }
            : genericError(family, 400, now(), detail),
      });
      return;
    }

    const simReq: SimRequest = {
      method,
      path,
      params: matched.params,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      ...(token !== undefined ? { token } : {}),
    };
    let response: SimResponse;
    try {
      response = await matched.route.handler(simReq);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      response = { status: 500, body: genericError(family, 500, now(), `Simulator error: ${detail}`) };
    }
    finish(response);
  }

  private unauthorized(family: ErrorFamily, detail: string): SimResponse {
    const body =
      family === 'graph'
        ? genericError(family, 401, this.options.now(), detail)
        : genericError(
            family,
            401,
            this.options.now(),
            `Unauthorized (invalid or expired authorization header). ${detail}`,
          );
    if (family === 'graph') {
      const b = body as { error: { code: string } };
      b.error.code = 'InvalidAuthenticationToken';
    }
    return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body };
  }

  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) {
      this.send(res, { status: 403, body: { error: 'The control API answers loopback callers only.' } });
      return;
    }
    let rawBody: string;
    let body: unknown;
    try {
      rawBody = await this.readBody(req);
      body = this.parseBody(req, rawBody);
    } catch (err) {
      this.send(res, { status: 400, body: { error: err instanceof Error ? err.message : 'bad body' } });
      return;
    }
    const matched = this.match(this.controlRoutes, method, url.pathname);
    if (!('route' in matched)) {
      this.send(res, { status: 404, body: { error: `No control route ${method} ${url.pathname}.` } });
      return;
    }
    let response: SimResponse;
    try {
      response = await matched.route.handler({
        method,
        path: url.pathname,
        params: matched.params,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody,
      });
    } catch (err) {
      response = { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
    }
    this.send(res, response);
  }
}
