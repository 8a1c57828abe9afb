import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { IdbStorage, deleteStorage, storageName } from '../../src/persist/idb-storage';

const randomBytes = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
};

/** Whether two byte arrays hold the same bytes (expect's deep equality is slow on megabytes). */
const same = (a: Uint8Array | null, b: Uint8Array): boolean =>
  a !== null && a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);

describe('IndexedDB snapshot', () => {
  it('writes the snapshot as one Blob and reads back exactly its bytes', async () => {
    const name = `snap-${crypto.randomUUID()}`;
    const storage = new IdbStorage(name);
    const first = randomBytes(2 ** 20 + 17);
    const second = randomBytes(2 ** 19 + 5);
    await storage.writeSnapshot(first, 1, ['p1']);
    expect(same((await storage.load()).snapshot, first)).toBe(true);
    await storage.writeSnapshot(second, 2, ['p1', 'p2']);
    const state = await storage.load();
    expect(same(state.snapshot, second)).toBe(true);
    expect(state.snapshotSeq).toBe(2);
    storage.close();
    // The older generation is gone: one value holds the snapshot.
    const idb = await openDB(storageName(name));
    const values = await idb.getAll('chunks');
    idb.close();
    expect(values.length).toBe(1);
    expect(values[0]).toBeInstanceOf(Blob);
    await deleteStorage(name);
  });

  it('loads a snapshot stored as byte chunks by earlier versions, and its redo log', async () => {
    const name = `snap-${crypto.randomUUID()}`;
    const storage = new IdbStorage(name);
    // Let the storage create its stores, then write what earlier versions wrote.
    await storage.load();
    const bytes = randomBytes(2 * 65536 + 1000);
    const idb = await openDB(storageName(name));
    const tx = idb.transaction(['meta', 'chunks'], 'readwrite');
    const chunk = 65536;
    for (let i = 0; i < 3; i++)
      await tx.objectStore('chunks').put(bytes.slice(i * chunk, (i + 1) * chunk), [7, i]);
    await tx
      .objectStore('meta')
      .put({ gen: 7, seq: 4, chunks: 3, bytes: bytes.byteLength, pushIds: ['old'] }, 'head');
    await tx.done;
    idb.close();
    await storage.append([
      { seq: 5, pushId: 'p5', ddl: [], effects: [], sequences: null, committedAt: 0 },
    ]);
    const state = await storage.load();
    expect(same(state.snapshot, bytes)).toBe(true);
    expect(state.snapshotSeq).toBe(4);
    expect(state.pushIds).toEqual(['old']);
    expect(state.records.map((r) => r.seq)).toEqual([5]);
    // The next checkpoint replaces the chunks by one Blob.
    await storage.writeSnapshot(bytes, 5, ['old', 'p5']);
    expect(same((await storage.load()).snapshot, bytes)).toBe(true);
    storage.close();
    await deleteStorage(name);
  });
});
