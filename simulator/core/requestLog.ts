/**
 * A log of the requests the simulator answered, for tests to count calls and throttled answers.
 */

/** One answered (or dropped) request. */
export interface RequestLogEntry {
  readonly seq: number;
  /** ISO time from the simulator's clock when the request arrived. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** Endpoint name of the matched route; `null` when no route matched. */
  readonly endpoint: string | null;
  /** HTTP status; 0 when the connection was dropped on purpose. */
  readonly status: number;
  readonly dropped: boolean;
  /** `appid` of the verified token, when the route demanded one and it verified. */
  readonly appid?: string;
}

/** What to count. */
export interface RequestFilter {
  readonly endpoint?: string;
  readonly method?: string;
  readonly status?: number;
}

/** The request log. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  /** Appends an entry. */
  record(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.entries.push({ seq: this.seq, ...entry });
    if (this.entries.length > 50_000) this.entries.splice(0, 10_000);
  }

  /** Entries, oldest first, optionally filtered. */
  list(filter: RequestFilter = {}): readonly RequestLogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  /** How many entries match. */
  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  /** Empties the log. */
  clear(): void {
    this.entries = [];
  }
}
