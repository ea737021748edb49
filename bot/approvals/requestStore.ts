/**
 * Persists requests with optimistic concurrency: every change is read → applied → written back only if the
 * record still has the ETag it was read with. Of N simultaneous changes exactly one wins; the others re-read and
 * re-apply, and the state machine then refuses them if the state no longer allows them.
 */
import { ConflictError, NotFoundError } from '../errors';
import type { Stored, TableStore } from '../storage/tableStore';
import type { IndicatorRequest, RequestStatus } from './indicatorRequest';

const PARTITION = 'request';

export class RequestStore {
  constructor(
    private readonly table: TableStore<IndicatorRequest>,
    private readonly maxAttempts = 5,
  ) {}

  /** @throws ConflictError when a request with that id exists already. */
  async create(request: IndicatorRequest): Promise<IndicatorRequest> {
    return (await this.table.insert(PARTITION, request.id, request)).data;
  }

  async find(id: string): Promise<IndicatorRequest | undefined> {
    return (await this.table.get(PARTITION, normaliseId(id)))?.data;
  }

  /** @throws NotFoundError when there is no such request. */
  async get(id: string): Promise<IndicatorRequest> {
    const found = await this.find(id);
    if (!found) throw new NotFoundError(`There is no request ${id}.`);
    return found;
  }

  /**
   * Changes a request with `change`, which gets the current version and returns the next one (or throws to
   * refuse). Lost races are retried on the fresh version.
   * @throws NotFoundError, or whatever `change` throws, or ConflictError after too many lost races.
   */
  async update(
    id: string,
    change: (current: IndicatorRequest) => IndicatorRequest,
  ): Promise<IndicatorRequest> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.table.get(PARTITION, normaliseId(id));
      if (!stored) throw new NotFoundError(`There is no request ${id}.`);
      const next = change(stored.data);
      try {
        return (await this.table.replace(PARTITION, stored.rowKey, next, stored.etag)).data;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= this.maxAttempts) throw e;
      }
    }
  }

  /** Requests in the given states (all when none is given), newest first. */
  async list(statuses?: readonly RequestStatus[]): Promise<IndicatorRequest[]> {
    const all: Stored<IndicatorRequest>[] = await this.table.list(PARTITION);
    return all
      .map((s) => s.data)
      .filter((r) => !statuses || statuses.includes(r.status))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

function normaliseId(id: string): string {
  return id.trim().toUpperCase();
}
