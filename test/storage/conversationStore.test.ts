import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  ConversationStore,
  REFERENCE_REFRESH_MS,
  type ConversationRecord,
} from '../../bot/storage/conversationStore';
import { FakeTableStore } from '../support/fakeTableStore';

class CountingTable extends FakeTableStore<ConversationRecord> {
  upserts = 0;
  override upsert(pk: string, rk: string, data: ConversationRecord) {
    this.upserts++;
    return super.upsert(pk, rk, data);
  }
}

const record = (updatedAt: string, serviceUrl = 'https://smba.example/'): ConversationRecord => ({
  reference: {
    conversation: { id: '19:c@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' },
    serviceUrl,
  },
  conversationType: 'channel',
  tenantId: 't',
  updatedAt,
});

describe('conversation store', () => {
  it('writes an unchanged reference only once within the refresh period', async () => {
    const table = new CountingTable();
    const store = new ConversationStore(table);
    await store.save(record('2026-12-01T10:00:00Z'));
    await store.save(record('2026-12-01T10:05:00Z'));
    assert.equal(table.upserts, 1);
    assert.equal((await store.get('19:c@thread.tacv2'))?.reference.serviceUrl, 'https://smba.example/');
  });

  it('writes again when the reference changed', async () => {
    const table = new CountingTable();
    const store = new ConversationStore(table);
    await store.save(record('2026-12-01T10:00:00Z'));
    await store.save(record('2026-12-01T10:01:00Z', 'https://smba.example/emea/'));
    assert.equal(table.upserts, 2);
    assert.equal((await store.get('19:c@thread.tacv2'))?.reference.serviceUrl, 'https://smba.example/emea/');
  });

  it('refreshes an unchanged reference after the refresh period', async () => {
    const table = new CountingTable();
    const store = new ConversationStore(table);
    await store.save(record('2026-12-01T10:00:00Z'));
    await store.save(
      record(new Date(Date.parse('2026-12-01T10:00:00Z') + REFERENCE_REFRESH_MS).toISOString()),
    );
    assert.equal(table.upserts, 2);
  });
});
