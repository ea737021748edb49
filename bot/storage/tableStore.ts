/**
 * Durable records with optimistic concurrency: the interface the bot's stores are built on, and its Azure Tables
 * implementation. Each record is one entity whose `json` columns hold the data, so the schema can grow. A string
 * property holds at most 64 KiB (32K UTF-16 characters), so longer JSON is split over `json`, `json1`, `json2`…
 * up to the entity limit of 1 MiB.
 */
import { RestError, TableClient, type TableEntityResult } from '@azure/data-tables';
import { ConflictError, UpstreamError, ValidationError } from '../errors';

/** A record as read back, with the ETag that guards its next change. */
export interface Stored<T> {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly etag: string;
  readonly data: T;
}

/** A table of records of one kind. */
export interface TableStore<T> {
  get(partitionKey: string, rowKey: string): Promise<Stored<T> | undefined>;
  /** @throws ConflictError when the record exists already. */
  insert(partitionKey: string, rowKey: string, data: T): Promise<Stored<T>>;
  /** @throws ConflictError when the record changed since `etag` was read (or is gone). */
  replace(partitionKey: string, rowKey: string, data: T, etag: string): Promise<Stored<T>>;
  upsert(partitionKey: string, rowKey: string, data: T): Promise<Stored<T>>;
  list(partitionKey: string): Promise<Stored<T>[]>;
  delete(partitionKey: string, rowKey: string): Promise<void>;
  /** A cheap round trip for `/healthz`. */
  ping(): Promise<void>;
}

interface Entity {
  partitionKey: string;
  rowKey: string;
  json: string;
  [chunk: `json${number}`]: string;
}

/** Characters per property: 64 KiB of UTF-16 is 32,768 characters; stay below it. */
export const JSON_CHUNK_CHARS = 30_000;
/** Entities are at most 1 MiB; leave room for keys and system properties. */
export const MAX_RECORD_CHARS = 30 * JSON_CHUNK_CHARS;

/** The entity for a record: its JSON split over as many properties as it needs. */
export function toEntity(partitionKey: string, rowKey: string, data: unknown): Entity {
  const json = JSON.stringify(data);
  if (json.length > MAX_RECORD_CHARS) {
    throw new ValidationError(
      `This record is too large to store (${json.length} characters; the limit is ${MAX_RECORD_CHARS}).`,
    );
  }
  const entity: Entity = { partitionKey, rowKey, json: json.slice(0, JSON_CHUNK_CHARS) };
  for (let i = 1; i * JSON_CHUNK_CHARS < json.length; i++) {
    entity[`json${i}`] = json.slice(i * JSON_CHUNK_CHARS, (i + 1) * JSON_CHUNK_CHARS);
  }
  return entity;
}

/** The record's JSON, joined back from its properties. */
export function fromEntity(entity: Record<string, unknown>): string {
  let json = typeof entity.json === 'string' ? entity.json : '';
  for (let i = 1; typeof entity[`json${i}`] === 'string'; i++) json += entity[`json${i}`] as string;
  return json;
}

/** {@link TableStore} on Azure Table Storage (or Azurite locally). */
export class AzureTableStore<T> implements TableStore<T> {
  private ready?: Promise<void>;

  constructor(private readonly client: TableClient) {}

  /** Builds a store for one table from a storage connection string. */
  static fromConnectionString<T>(connectionString: string, tableName: string): AzureTableStore<T> {
    const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(connectionString);
    return new AzureTableStore<T>(
      TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: insecure }),
    );
  }

  private async table(): Promise<void> {
    this.ready ??= this.client.createTable().catch((e: unknown) => {
      this.ready = undefined;
      throw this.wrap(e);
    });
    return this.ready;
  }

  async get(partitionKey: string, rowKey: string): Promise<Stored<T> | undefined> {
    await this.table();
    try {
      return this.toStored(await this.client.getEntity<Entity>(partitionKey, rowKey));
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw this.wrap(e);
    }
  }

  async insert(partitionKey: string, rowKey: string, data: T): Promise<Stored<T>> {
    await this.table();
    try {
      const r = await this.client.createEntity<Entity>(toEntity(partitionKey, rowKey, data));
      return { partitionKey, rowKey, etag: r.etag ?? '', data };
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 409) {
        throw new ConflictError(`${this.client.tableName}/${partitionKey}/${rowKey} exists already`);
      }
      throw this.wrap(e);
    }
  }

  async replace(partitionKey: string, rowKey: string, data: T, etag: string): Promise<Stored<T>> {
    await this.table();
    try {
      const r = await this.client.updateEntity<Entity>(toEntity(partitionKey, rowKey, data), 'Replace', {
        etag,
      });
      return { partitionKey, rowKey, etag: r.etag ?? '', data };
    } catch (e) {
      if (e instanceof RestError && (e.statusCode === 412 || e.statusCode === 404)) {
        throw new ConflictError(`${this.client.tableName}/${partitionKey}/${rowKey} changed concurrently`);
      }
      throw this.wrap(e);
    }
  }

  async upsert(partitionKey: string, rowKey: string, data: T): Promise<Stored<T>> {
    await this.table();
    try {
      const r = await this.client.upsertEntity<Entity>(toEntity(partitionKey, rowKey, data), 'Replace');
      return { partitionKey, rowKey, etag: r.etag ?? '', data };
    } catch (e) {
      throw this.wrap(e);
    }
  }

  async list(partitionKey: string): Promise<Stored<T>[]> {
    await this.table();
    const out: Stored<T>[] = [];
    try {
      const escaped = partitionKey.replace(/'/g, "''");
      for await (const e of this.client.listEntities<Entity>({
        queryOptions: { filter: `PartitionKey eq '${escaped}'` },
      })) {
        out.push(this.toStored(e));
      }
    } catch (e) {
      throw this.wrap(e);
    }
    return out;
  }

  async delete(partitionKey: string, rowKey: string): Promise<void> {
    await this.table();
    try {
      await this.client.deleteEntity(partitionKey, rowKey);
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return;
      throw this.wrap(e);
    }
  }

  async ping(): Promise<void> {
    await this.table();
    try {
      const page = this.client
        .listEntities({ queryOptions: { select: ['PartitionKey'] } })
        .byPage({ maxPageSize: 1 });
      await page.next();
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private toStored(e: TableEntityResult<Entity>): Stored<T> {
    return {
      partitionKey: e.partitionKey ?? '',
      rowKey: e.rowKey ?? '',
      etag: e.etag,
      data: JSON.parse(fromEntity(e as unknown as Record<string, unknown>)) as T,
    };
  }

  private wrap(e: unknown): Error {
    if (e instanceof ConflictError || e instanceof ValidationError) return e;
    const status = e instanceof RestError ? e.statusCode : undefined;
    const code = e instanceof RestError ? e.code : undefined;
    return new UpstreamError(
      `Azure Tables (${this.client.tableName}) failed: ${code ?? String(e)}`,
      'storage',
      status,
      code,
    );
  }
}
