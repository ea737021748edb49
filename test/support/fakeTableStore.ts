import { ConflictError } from '../../bot/errors';
import type { Stored, TableStore } from '../../bot/storage/tableStore';

/** In-memory {@link TableStore} with real ETag semantics, for tests only. */
export class FakeTableStore<T> implements TableStore<T> {
  private readonly rows = new Map<string, Stored<T>>();
  private version = 0;

  private key(pk: string, rk: string): string {
    return `${pk}\u0000${rk}`;
  }

  private stamp(partitionKey: string, rowKey: string, data: T): Stored<T> {
    const stored = { partitionKey, rowKey, etag: `W/"${++this.version}"`, data: structuredClone(data) };
    this.rows.set(this.key(partitionKey, rowKey), stored);
    return stored;
  }

  get(pk: string, rk: string): Promise<Stored<T> | undefined> {
    return Promise.resolve(this.rows.get(this.key(pk, rk)));
  }

  insert(pk: string, rk: string, data: T): Promise<Stored<T>> {
    if (this.rows.has(this.key(pk, rk)))
      return Promise.reject(new ConflictError(`${pk}/${rk} exists already`));
    return Promise.resolve(this.stamp(pk, rk, data));
  }

  replace(pk: string, rk: string, data: T, etag: string): Promise<Stored<T>> {
    if (this.rows.get(this.key(pk, rk))?.etag !== etag) {
      return Promise.reject(new ConflictError(`${pk}/${rk} changed concurrently`));
    }
    return Promise.resolve(this.stamp(pk, rk, data));
  }

  upsert(pk: string, rk: string, data: T): Promise<Stored<T>> {
    return Promise.resolve(this.stamp(pk, rk, data));
  }

  list(pk: string): Promise<Stored<T>[]> {
    return Promise.resolve([...this.rows.values()].filter((r) => r.partitionKey === pk));
  }

  delete(pk: string, rk: string): Promise<void> {
    this.rows.delete(this.key(pk, rk));
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
