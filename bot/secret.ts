import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (password, client secret, connection string) that never prints itself: `String()`,
 * `JSON.stringify`, template literals and `util.inspect` all show `[redacted]`. Call {@link Secret.reveal}
 * only where the value is handed to the library that needs it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; never log the result. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
