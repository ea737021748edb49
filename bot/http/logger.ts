/**
 * The logger shape the HTTP clients accept: pino's `(object, message)` signature, so a pino logger (or a child
 * of one) can be passed as is, and tests can pass a recorder.
 */

/** A structured log function: fields first, message second. */
export type LogFn = (obj: Readonly<Record<string, unknown>>, msg: string) => void;

/** The subset of pino's logger the clients use. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => undefined;

/** A logger that drops everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
