import type { Logger } from '../../bot/http/logger';

/** A logger that keeps every line, to look for leaked secrets and for what was logged. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  readonly debug = this.#record('debug');
  readonly info = this.#record('info');
  readonly warn = this.#record('warn');
  readonly error = this.#record('error');

  /** Every line as one text. */
  text(): string {
    return this.lines.join('\n');
  }

  #record(level: string) {
    return (obj: Readonly<Record<string, unknown>>, msg: string): void => {
      this.lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
    };
  }
}
