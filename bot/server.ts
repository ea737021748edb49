/**
 * Builds the restify server (`POST /api/messages`, `GET /healthz`) without listening, so tests can start it on a
 * port of their choosing.
 */
import restify from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Logger } from './logging';

/** One dependency reported by `/healthz`. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<string | void>;
}

/** Result of one health check. */
export interface HealthStatus {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly bot: ActivityHandler;
  readonly health: readonly HealthCheck[];
  readonly logger: Logger;
  readonly version: string;
  /** How long one health check may take before it counts as failed. */
  readonly healthTimeoutMs?: number;
}

/** Runs every health check with a timeout; never throws. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs: number,
): Promise<HealthStatus[]> {
  return Promise.all(
    checks.map(async (c): Promise<HealthStatus> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const detail = await Promise.race([
          c.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { name: c.name, ok: true, ...(detail ? { detail } : {}) };
      } catch (e) {
        return { name: c.name, ok: false, detail: e instanceof Error ? e.message : String(e) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Builds the HTTP server. */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'defender-ioc-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || typeof (body as { type?: unknown }).type !== 'string') {
      res.json(400, {
        error: { code: 'BadRequest', message: 'The body must be a Bot Framework activity with a type.' },
      });
      return;
    }
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

  server.get('/healthz', async (_req, res) => {
    const checks = await runHealthChecks(deps.health, deps.healthTimeoutMs ?? 3000);
    const ok = checks.every((c) => c.ok);
    // /healthz answers anyone: it names each dependency and whether it is healthy, and keeps the details (error
    // texts with tenant or client ids) for the log and /status.
    for (const c of checks.filter((x) => !x.ok))
      deps.logger.warn({ check: c.name, detail: c.detail }, 'health check failed');
    res.json(ok ? 200 : 503, {
      status: ok ? 'ok' : 'degraded',
      version: deps.version,
      checks: checks.map((c) => ({ name: c.name, ok: c.ok })),
    });
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error, next: () => void) => {
    deps.logger.warn({ method: req.method, path: req.path(), err: err.message }, 'request failed');
    next();
  });
  return server;
}
