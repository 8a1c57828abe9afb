import { describe, expect, it } from 'vitest';
import type { LogAfter } from '../../src/engine/storage';
import { PandalchemyError } from '../../src/errors/pandalchemy-error';
import { IdbStorage, deleteStorage } from '../../src/persist/idb-storage';
import type { RedoRecord } from '../../src/protocol/engine-api';

const record = (seq: number, pushId: string): RedoRecord => ({
  seq,
  pushId,
  ddl: [],
  effects: [],
  sequences: null,
  committedAt: 0,
});

/** The record a writer appends after what it read: the next commit after the last one it saw. */
const next =
  (pushId: string, seen: number[]) =>
  (log: LogAfter): { records: RedoRecord[] } => {
    const last = log.records.at(-1)?.seq ?? log.snapshotSeq;
    seen.push(last);
    return { records: [record(last + 1, pushId)] };
  };

/**
 * `appendAfter` on real IndexedDB: the log is read and the record appended in one transaction,
 * so writers on separate connections (as tabs are), started together, each read what the one
 * before appended; a write that throws stores nothing, and one that appends what a snapshot
 * covers is refused whole.
 */
describe('IndexedDB: reading the log and appending in one transaction', () => {
  it('writers started together each append after the one before: none lost, none twice', async () => {
    const name = `append-after-${crypto.randomUUID()}`;
    const writers = Array.from({ length: 6 }, () => new IdbStorage(name));
    await writers[0]!.append([record(1, 'first')]);
    const seen: number[] = [];
    await Promise.all(writers.map((w, i) => w.appendAfter(0, next(`w${i}`, seen), false)));
    const { records } = await writers[0]!.readLog(0);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(records.map((r) => r.pushId)).size).toBe(7);
    // Each writer read the log as the one before it left it.
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const w of writers) w.close();
    await deleteStorage(name);
  });

  it('stores nothing when the write throws or returns null, and rethrows its error as it is', async () => {
    const name = `append-after-${crypto.randomUUID()}`;
    const storage = new IdbStorage(name);
    await storage.append([record(1, 'first')]);
    const refused = new Error('the plan was refused');
    await expect(
      storage.appendAfter(
        1,
        () => {
          throw refused;
        },
        false,
      ),
    ).rejects.toBe(refused);
    await storage.appendAfter(1, () => null, false);
    expect((await storage.readLog(0)).records.map((r) => r.pushId)).toEqual(['first']);
    // The outbox change goes in the same transaction as the record.
    await storage.appendAfter(
      1,
      (log) => ({
        records: [record(log.records.length + 2, 'second')],
        outbox: { add: { id: 'second', seq: 2, plan: '{}', tables: ['t'] } },
      }),
      true,
    );
    expect((await storage.readOutbox()).entries.map((e) => e.id)).toEqual(['second']);
    expect((await storage.readLog(0)).records.map((r) => r.pushId)).toEqual(['first', 'second']);
    storage.close();
    await deleteStorage(name);
  });

  it('refuses, storing nothing, a record a snapshot covers or a seq another writer took', async () => {
    const name = `append-after-${crypto.randomUUID()}`;
    const storage = new IdbStorage(name);
    await storage.append([record(1, 'first'), record(2, 'second')]);
    await storage.writeSnapshot(new Uint8Array([1, 2, 3]), 2, ['first', 'second']);
    const covered = storage.appendAfter(0, () => ({ records: [record(2, 'late')] }), false);
    await expect(covered).rejects.toBeInstanceOf(PandalchemyError);
    const taken = storage.appendAfter(
      0,
      () => ({ records: [record(3, 'a'), record(3, 'b')] }),
      false,
    );
    // The request's own error says why, not the transaction's bare AbortError.
    await expect(taken).rejects.toMatchObject({
      code: 'storage',
      message: /ConstraintError|already exists|not unique/i,
    });
    const log = await storage.readLog(0);
    expect(log.snapshotSeq).toBe(2);
    expect(log.records).toEqual([]);
    storage.close();
    await deleteStorage(name);
  });
});
