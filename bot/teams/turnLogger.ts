/**
 * Per-turn correlation: a middleware that gives every turn a correlation id and a child logger bound to it, and
 * logs one line per turn with what happened, never what was said.
 */
import { randomUUID } from 'node:crypto';
import { INVOKE_RESPONSE_KEY, teamsGetTenant, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logging';

/** `turnState` key of the turn's correlation id (a string). */
export const CORRELATION_ID_KEY = Symbol('correlationId');
/** `turnState` key of the turn's child {@link Logger}. */
export const TURN_LOGGER_KEY = Symbol('turnLogger');

/** What the middleware needs besides the logger; tests inject both. */
export interface TurnLoggerOptions {
  /** Milliseconds from some fixed point (`performance.now` by default). */
  readonly now?: () => number;
  readonly newId?: () => string;
}

/**
 * The botbuilder middleware. Add it first (`adapter.use(new TurnLogger(logger))`) so that every later middleware
 * and handler can call {@link turnLoggerOf} and {@link correlationIdOf}.
 * @remarks The turn line carries the activity type, invoke name, channel, conversation type, tenant, the invoke
 * status when there is one, whether the turn threw, and its duration — never text, values, attachments or
 * headers, which may hold indicator values or secrets pasted by mistake.
 */
export class TurnLogger implements Middleware {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    private readonly logger: Logger,
    options: TurnLoggerOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.newId = options.newId ?? randomUUID;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const correlationId = this.newId();
    const log = this.logger.child({ correlationId });
    context.turnState.set(CORRELATION_ID_KEY, correlationId);
    context.turnState.set(TURN_LOGGER_KEY, log);
    const started = this.now();
    let failed = false;
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const a = context.activity;
      const invokeStatus = invokeStatusOf(context);
      log.info(
        {
          activityType: a.type,
          ...(a.type === 'invoke' && a.name ? { activityName: a.name } : {}),
          channelId: a.channelId,
          conversationType: a.conversation?.conversationType,
          tenantId: teamsGetTenant(a)?.id ?? a.conversation?.tenantId,
          ...(invokeStatus === undefined ? {} : { invokeStatus }),
          ...(failed ? { failed } : {}),
          durationMs: Math.round(this.now() - started),
        },
        'turn',
      );
    }
  }
}

/** The turn's child logger, or `fallback` outside a turn that went through {@link TurnLogger}. */
export function turnLoggerOf(context: TurnContext, fallback: Logger): Logger {
  const log: unknown = context.turnState.get(TURN_LOGGER_KEY);
  return isLogger(log) ? log : fallback;
}

/** The turn's correlation id; a fresh one when the turn did not go through {@link TurnLogger}. */
export function correlationIdOf(context: TurnContext): string {
  const id: unknown = context.turnState.get(CORRELATION_ID_KEY);
  return typeof id === 'string' ? id : randomUUID();
}

/** The status of the invoke response the turn wrote (botbuilder keeps it under `INVOKE_RESPONSE_KEY`). */
function invokeStatusOf(context: TurnContext): number | undefined {
  const response: unknown = context.turnState.get(INVOKE_RESPONSE_KEY);
  if (typeof response !== 'object' || response === null) return undefined;
  const status = (response as { value?: { status?: unknown } }).value?.status;
  return typeof status === 'number' ? status : undefined;
}

function isLogger(v: unknown): v is Logger {
  return typeof v === 'object' && v !== null && typeof (v as { info?: unknown }).info === 'function';
}
