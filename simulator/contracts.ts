/**
 * Types shared by the parts of the simulator (HTTP core, Entra, Defender, Graph, devices).
 * The simulator imports nothing from `bot/`: it implements the documented behaviour on its own.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Token audiences the simulator's Entra issues and its APIs demand. */
export const AUDIENCE = {
  defender: 'https://api.securitycenter.microsoft.com',
  graph: 'https://graph.microsoft.com',
} as const;

/** Claims of a verified access token. */
export interface VerifiedToken {
  readonly aud: string;
  readonly tid: string;
  readonly appid: string;
  readonly roles: readonly string[];
  readonly exp: number;
}

/** One parsed HTTP request as a route handler sees it. */
export interface SimRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/indicators/12`. */
  readonly path: string;
  /** Values of `:name` segments of the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the form fields as an object for `application/x-www-form-urlencoded`. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Present when the route demanded a token and it verified. */
  readonly token?: VerifiedToken;
}

/** What a handler answers; `body` is sent as JSON unless it is a string. */
export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** Options of a route: which token audience and which app roles (any of them) it demands. */
export interface RouteOptions {
  readonly audience?: string;
  readonly anyRole?: readonly string[];
  /** Name of the rate-limit bucket and fault-injection target, e.g. `defender.submit`, `graph.alerts`. */
  readonly endpoint: string;
}

/** Where the parts register their routes. Patterns use `:name` segments: `/api/indicators/:id`. */
export interface RouteTable {
  add(method: string, pattern: string, handler: SimHandler, options: RouteOptions): void;
}

/** Device platforms the simulator knows. */
export type SimOsPlatform = 'Windows' | 'macOS' | 'Linux' | 'iOS' | 'Android';

/** An indicator as the Defender part stores it (the documented entity, reference §1). */
export interface SimIndicator {
  readonly id: string;
  readonly indicatorValue: string;
  readonly indicatorType: string;
  readonly action: string;
  readonly title: string;
  readonly description: string;
  readonly severity: string | null;
  readonly generateAlert: boolean;
  readonly expirationTime: string | null;
  readonly rbacGroupNames: readonly string[];
  readonly creationTimeDateTimeUtc: string;
  readonly createdBy: string;
}

/** Read access to the Defender part's active indicators, for device visits and hunting. */
export interface IndicatorView {
  listActive(now: Date): readonly SimIndicator[];
}

/** What a part of the simulator gets when it registers its routes. */
export interface SimulatorPartDeps {
  readonly indicators: IndicatorView;
  readonly now: () => Date;
  readonly tenantId: string;
  /** Mutable switches the control API may flip. */
  readonly switches: { mobileAlerts: boolean };
}

/** A part of the simulator (Graph, devices): registers routes, can be reset by the control API. */
export type RegisterPart = (routes: RouteTable, deps: SimulatorPartDeps) => { reset(): void };
