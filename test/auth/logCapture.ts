/**
 * Captures the JSON lines of a real pino logger (`createLogger(level, capture.stream)`) so tests can read what
 * was logged, and search the raw text for things that must never appear.
 */
import { Writable } from 'node:stream';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

export class LogCapture {
  private text = '';

  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done: () => void): void => {
      this.text += chunk.toString();
      done();
    },
  });

  /** Everything written so far, as one string. */
  raw(): string {
    return this.text;
  }

  /** Every complete line, parsed. */
  lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogLine);
  }

  /** Lines whose message is `msg`. */
  withMessage(msg: string): LogLine[] {
    return this.lines().filter((l) => l.msg === msg);
  }
}
