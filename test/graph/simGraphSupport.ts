/**
 * Test support for the Graph and devices parts: an in-memory RouteTable that calls handlers directly, a fixed
 * indicator view and a builder for indicators.
 */
import type {
  IndicatorView,
  RouteOptions,
  RouteTable,
  SimHandler,
  SimIndicator,
  SimResponse,
  SimulatorPartDeps,
} from '../../simulator/contracts';

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: SimHandler;
  readonly options: RouteOptions;
}

/** A RouteTable that records routes and invokes them without HTTP. */
export class InMemoryRoutes implements RouteTable {
  readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: SimHandler, options: RouteOptions): void {
    this.routes.push({ method, pattern, handler, options });
  }

  find(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const want = route.pattern.split('/');
      const got = path.split('/');
      if (want.length !== got.length) continue;
      const params: Record<string, string> = {};
      if (
        want.every((segment, i) => {
          if (segment.startsWith(':')) {
            params[segment.slice(1)] = decodeURIComponent(got[i] ?? '');
            return true;
          }
          return segment === got[i];
        })
      ) {
        return { route, params };
      }
    }
    return undefined;
  }

  async call(method: string, pathAndQuery: string, body?: unknown): Promise<SimResponse> {
    const url = new URL(pathAndQuery, 'https://sim.test');
    const found = this.find(method, url.pathname);
    if (found === undefined) throw new Error(`no route ${method} ${url.pathname}`);
    return found.route.handler({
      method,
      path: url.pathname,
      params: found.params,
      query: url.searchParams,
      headers: { host: 'sim.test' },
      body,
      rawBody: body === undefined ? '' : JSON.stringify(body),
    });
  }
}

/** An indicator view over a mutable list. */
export class ListIndicators implements IndicatorView {
  items: SimIndicator[] = [];
  listActive(): readonly SimIndicator[] {
    return this.items;
  }
}

let nextId = 1;

/** An indicator with defaults (Block, alerting, all devices). */
export function indicator(
  overrides: Partial<SimIndicator> & Pick<SimIndicator, 'indicatorValue' | 'indicatorType'>,
): SimIndicator {
  nextId += 1;
  return {
    id: String(nextId),
    action: 'Block',
    title: `Indicator ${nextId}`,
    description: 'test indicator',
    severity: 'Medium',
    generateAlert: true,
    expirationTime: null,
    rbacGroupNames: [],
    creationTimeDateTimeUtc: '2026-11-30T00:00:00Z',
    createdBy: 'test',
    ...overrides,
  };
}

/** Deps with a settable clock. */
export function makeDeps(indicators: IndicatorView, start = new Date('2026-12-01T10:00:00Z')) {
  const clock = { now: start };
  const deps: SimulatorPartDeps = {
    indicators,
    now: () => clock.now,
    tenantId: '00000000-0000-0000-0000-0000000000001',
    switches: { mobileAlerts: false },
  };
  return { deps, clock };
}
