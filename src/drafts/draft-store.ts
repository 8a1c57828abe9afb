import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { ArraySlice } from './big-arrays';
import type { DeltaRecord, DraftChunk, DraftHead, DraftRecord, HeadMeta } from './draft-record';

type DraftKey = [table: string, owner: string];
type ChunkKey = [table: string, owner: string, n: number];

interface Schema extends DBSchema {
  /** Heads, one per table and tab session (a store of version 1, which held whole drafts). */
  drafts: { key: DraftKey; value: DraftHead };
  /** The records of each draft: its base (0), then one delta per save. */
  chunks: { key: ChunkKey; value: DraftChunk };
}

const chunksOf = (table: string, owner: string): IDBKeyRange =>
  IDBKeyRange.bound([table, owner, 0], [table, owner, Infinity]);

/**
 * The IndexedDB database beside a Pandalchemy database's own that holds its drafts. A sibling, not
 * a store of that database: the worker owns that one and upgrading it would wait on every tab.
 */
export function draftsStorageName(name: string): string {
  return `pandalchemy-drafts:${name}`;
}

/** Deletes every draft of a database (with the database itself). */
export async function deleteDrafts(name: string): Promise<void> {
  await deleteDB(draftsStorageName(name));
}

/** Records of a draft read by one request (about 56 KB each at most). */
const READ_BATCH = 32;

/** How long an append makes and hands over records before it lets the page run. */
const SLICE_MS = 8;

/**
 * Drafts of one database, a draft per table and tab session: a head and its records. Every write
 * is one transaction (a crash keeps the draft as of the save before, never half of one).
 */
export class DraftStore {
  readonly #db: Promise<IDBPDatabase<Schema>>;
  /** @internal Sees every value handed to IndexedDB (tests count what a save writes). */
  observe: ((value: unknown) => void) | null = null;

  constructor(name: string) {
    this.#db = openDB<Schema>(draftsStorageName(name), 2, {
      upgrade(db, oldVersion) {
        // Version 1's whole drafts stay where they are: read as heads of an older format, they
        // are dropped with the usual warning.
        if (oldVersion < 1) db.createObjectStore('drafts');
        if (oldVersion < 2) db.createObjectStore('chunks');
      },
    });
  }

  /** The open database, for callers that must write without awaiting in between. */
  ready(): Promise<IDBPDatabase<Schema>> {
    return this.#db;
  }

  /**
   * Writes a draft whole: its base, then the records of its net changes (`parts`, made as they
   * are asked for), then its head, its earlier records deleted, in one transaction; resolves to
   * its count of records once stored. The base is made by the caller just before: the structured
   * clone of `put` copies it before this returns.
   */
  saveWhole(
    db: IDBPDatabase<Schema>,
    meta: HeadMeta,
    base: DraftRecord,
    parts: Iterable<ArraySlice | DeltaRecord>,
    busy?: { ms: number },
  ): Promise<number> {
    const tx = db.transaction(['drafts', 'chunks'], 'readwrite', { durability: 'relaxed' });
    const chunks = tx.objectStore('chunks');
    void chunks.delete(chunksOf(meta.table, meta.owner));
    this.observe?.(base);
    const t0 = performance.now();
    void chunks.put(base, [meta.table, meta.owner, 0]);
    if (busy) busy.ms += performance.now() - t0;
    return this.#write(tx, meta, 1, parts, busy);
  }

  /**
   * Appends a delta's records from the draft's record `first` on, then the head that counts them,
   * in one transaction; resolves to the draft's count of records once stored.
   */
  append(
    db: IDBPDatabase<Schema>,
    meta: HeadMeta,
    first: number,
    parts: Iterable<DeltaRecord>,
    /** Adds up how long making and handing over the records kept the page busy (ms). */
    busy?: { ms: number },
  ): Promise<number> {
    const tx = db.transaction(['drafts', 'chunks'], 'readwrite', { durability: 'relaxed' });
    return this.#write(tx, meta, first, parts, busy);
  }

  /**
   * Puts `parts` as the draft's records from `first` on, then the head that counts them. Records
   * are made (and cloned) one after another for about `SLICE_MS`, then the next waits until the
   * last one handed over is stored: a big save is many short tasks, never one long one, and
   * still one transaction (a request made from a request's callback keeps it open), without a
   * round trip to IndexedDB for every record.
   */
  async #write(
    tx: IDBPTransaction<Schema, ('drafts' | 'chunks')[], 'readwrite'>,
    meta: HeadMeta,
    first: number,
    parts: Iterable<ArraySlice | DeltaRecord>,
    busy?: { ms: number },
  ): Promise<number> {
    const done = tx.done;
    // A failed put aborts the transaction: `done` rejects, and this with it.
    done.catch(() => undefined);
    const chunks = tx.objectStore('chunks');
    let n = first;
    try {
      const records = parts[Symbol.iterator]();
      let slice = performance.now();
      for (; ; n++) {
        const t0 = performance.now();
        const part = records.next();
        if (part.done) break;
        const t1 = performance.now();
        this.observe?.(part.value);
        const t2 = performance.now();
        const stored = chunks.put(part.value, [meta.table, meta.owner, n]);
        const t3 = performance.now();
        // A failed put aborts the transaction: `done` says so (this one may not be awaited).
        stored.catch(() => undefined);
        if (busy) busy.ms += t1 - t0 + (t3 - t2);
        if (t3 - slice >= SLICE_MS) {
          await stored;
          slice = performance.now();
        }
      }
    } catch (e) {
      // Making a record failed after others were handed over: none of them may be stored (the
      // head, written last, would not count them). A failed put has aborted it already.
      try {
        tx.abort();
      } catch {
        // Aborted already: nothing of it is stored.
      }
      throw e;
    }
    const head: DraftHead = { ...meta, records: n };
    const t0 = performance.now();
    this.observe?.(head);
    void tx.objectStore('drafts').put(head, [head.table, head.owner]);
    if (busy) busy.ms += performance.now() - t0;
    await done;
    return n;
  }

  /** A draft's head and records (in order), read in one transaction; null when there is none. */
  async get(
    table: string,
    owner: string,
  ): Promise<{ head: DraftHead; chunks: DraftChunk[] } | null> {
    const db = await this.#db;
    const tx = db.transaction(['drafts', 'chunks'], 'readonly');
    const store = tx.objectStore('chunks');
    const [head, keys] = await Promise.all([
      tx.objectStore('drafts').get([table, owner]),
      store.getAllKeys(chunksOf(table, owner)),
    ]);
    // Read in batches, each a request of its own: the page decodes a request's values in one
    // task, and a draft written after a million-row change has a thousand records or more
    // (one getAll of them all was a task of 350-410 ms).
    const chunks: DraftChunk[] = [];
    for (let i = 0; head && i < keys.length; i += READ_BATCH) {
      const last = keys[Math.min(i + READ_BATCH, keys.length) - 1]!;
      chunks.push(...(await store.getAll(IDBKeyRange.bound(keys[i]!, last))));
    }
    await tx.done;
    return head ? { head, chunks } : null;
  }

  /** Owners and save times of a table's drafts (without their contents). */
  async owners(table: string): Promise<{ owner: string; savedAt: number }[]> {
    const db = await this.#db;
    const range = IDBKeyRange.bound([table, ''], [table, '\uffff']);
    const drafts = await db.getAll('drafts', range);
    return drafts.map((d) => ({ owner: String(d.owner), savedAt: Number(d.savedAt) }));
  }

  /**
   * Moves another session's draft of `table` to `owner`, in one transaction: of two sessions
   * taking it at once, one gets it. Returns whether it moved.
   */
  async take(table: string, from: string, owner: string): Promise<boolean> {
    const db = await this.#db;
    const tx = db.transaction(['drafts', 'chunks'], 'readwrite');
    const heads = tx.objectStore('drafts');
    const chunks = tx.objectStore('chunks');
    const head = await heads.get([table, from]);
    if (!head) {
      await tx.done;
      return false;
    }
    // In batches, as `get` reads: each batch's values are decoded and cloned in a task of its own.
    const keys = await chunks.getAllKeys(chunksOf(table, from));
    for (let i = 0; i < keys.length; i += READ_BATCH) {
      const last = keys[Math.min(i + READ_BATCH, keys.length) - 1]!;
      const batch = await chunks.getAll(IDBKeyRange.bound(keys[i]!, last));
      batch.forEach((c, k) => void chunks.put(c, [table, owner, i + k]));
    }
    void chunks.delete(chunksOf(table, from));
    void heads.put({ ...head, owner }, [table, owner]);
    void heads.delete([table, from]);
    await tx.done;
    return true;
  }

  async delete(table: string, owner: string): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(['drafts', 'chunks'], 'readwrite', { durability: 'relaxed' });
    void tx.objectStore('chunks').delete(chunksOf(table, owner));
    void tx.objectStore('drafts').delete([table, owner]);
    await tx.done;
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
