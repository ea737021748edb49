/**
 * The application's error types. Every error the bot raises on purpose is an {@link AppError} with a typed
 * `code`; anything else reaching a handler boundary is a bug and is reported with a correlation id only.
 */

/** Codes of the errors the bot raises on purpose. */
export const ErrorCode = {
  config: 'config',
  commandParse: 'commandParse',
  validation: 'validation',
  unauthorized: 'unauthorized',
  notFound: 'notFound',
  conflict: 'conflict',
  upstream: 'upstream',
  badRequest: 'badRequest',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every deliberate error; `userMessage` is safe to show to a person. */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly userMessage: string = message,
  ) {
    super(message);
  }
}

/** One problem with one configuration variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** The configuration is invalid; `problems` names every bad variable at once. */
export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      ErrorCode.config,
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
  }
}

/** A chat command could not be parsed; the message shows the correct form. */
export class CommandParseError extends AppError {
  override readonly name = 'CommandParseError';
  constructor(message: string) {
    super(ErrorCode.commandParse, message);
  }
}

/** Input that fails validation (card data, CSV rows, values). */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(message: string) {
    super(ErrorCode.validation, message);
  }
}

/** The acting user may not do this. */
export class AuthorizationError extends AppError {
  override readonly name = 'AuthorizationError';
  constructor(message: string) {
    super(ErrorCode.unauthorized, message);
  }
}

/** A thing named by the user does not exist. */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super(ErrorCode.notFound, message);
  }
}

/** A concurrent change won, or the thing is in a state that forbids the operation. */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super(ErrorCode.conflict, message);
  }
}

/** A dependency (Defender, Graph, storage) failed; `upstreamCode` carries its own error code. */
export class UpstreamError extends AppError {
  override readonly name = 'UpstreamError';
  constructor(
    message: string,
    readonly service: string,
    readonly status?: number,
    readonly upstreamCode?: string,
  ) {
    super(ErrorCode.upstream, message);
  }
}
