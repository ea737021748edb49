import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { startAzurite, type RunningAzurite } from '../../bot/local/azurite';
import { silentLogger } from '../../bot/logging';
import { AzureTableStore } from '../../bot/storage/tableStore';

describe('Azure Tables store against Azurite', function () {
  this.timeout(60000);
  let azurite: RunningAzurite;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'azurite-'));
    azurite = await startAzurite(dir, { ...process.env }, silentLogger());
  });
  after(async () => {
    await azurite?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const store = () =>
    AzureTableStore.fromConnectionString<{ n: number }>(azurite.connectionString, 'storetest');

  it('reads back what it inserted, with an ETag', async () => {
    const s = store();
    const inserted = await s.insert('p', 'a', { n: 1 });
    assert.ok(inserted.etag.length > 0);
    assert.deepEqual((await s.get('p', 'a'))?.data, { n: 1 });
  });

  it('refuses to insert a record that exists', async () => {
    const s = store();
    await s.insert('p', 'b', { n: 1 });
    await assert.rejects(s.insert('p', 'b', { n: 2 }), { name: 'ConflictError', code: 'conflict' });
  });

  it('refuses a replace with a stale ETag', async () => {
    const s = store();
    const first = await s.insert('p', 'c', { n: 1 });
    await s.replace('p', 'c', { n: 2 }, first.etag);
    await assert.rejects(s.replace('p', 'c', { n: 3 }, first.etag), {
      name: 'ConflictError',
      code: 'conflict',
    });
    assert.deepEqual((await s.get('p', 'c'))?.data, { n: 2 });
  });

  it('answers undefined for a missing record and lists a partition', async () => {
    const s = store();
    assert.equal(await s.get('p', 'missing'), undefined);
    await s.upsert("q'x", 'r1', { n: 5 });
    assert.deepEqual(
      (await s.list("q'x")).map((r) => r.data),
      [{ n: 5 }],
    );
  });

  it('deletes a record, and deleting it again is fine', async () => {
    const s = store();
    await s.upsert('p', 'd', { n: 1 });
    await s.delete('p', 'd');
    await s.delete('p', 'd');
    assert.equal(await s.get('p', 'd'), undefined);
  });

  it('stores and reads back a record larger than one 64 KiB table property', async () => {
    const s = AzureTableStore.fromConnectionString<{ text: string }>(azurite.connectionString, 'storetest');
    // ASCII but for a few characters: Azurite garbles multi-byte characters that straddle its network chunks.
    const text = `é${'x'.repeat(150_000)}ü`;
    await s.upsert('big', 'one', { text });
    assert.equal((await s.get('big', 'one'))?.data.text, text);
    const shorter = await s.get('big', 'one');
    await s.replace('big', 'one', { text: 'short' }, shorter?.etag ?? '');
    assert.equal((await s.get('big', 'one'))?.data.text, 'short');
  });

  it('refuses a record over the entity size limit with a clear error', async () => {
    const s = AzureTableStore.fromConnectionString<{ text: string }>(azurite.connectionString, 'storetest');
    await assert.rejects(s.upsert('big', 'two', { text: 'x'.repeat(2_000_000) }), {
      name: 'ValidationError',
      message: /too large to store/,
    });
  });

  it('answers a ping', async () => {
    await store().ping();
  });

  it('reports an unreachable storage account as an upstream error', async () => {
    const s = AzureTableStore.fromConnectionString<{ n: number }>(
      azurite.connectionString.replace(
        /TableEndpoint=http:\/\/127\.0\.0\.1:\d+/,
        'TableEndpoint=http://127.0.0.1:9',
      ),
      'storetest',
    );
    await assert.rejects(s.ping(), { name: 'UpstreamError', code: 'upstream' });
  });
});
