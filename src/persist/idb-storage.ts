import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { idbError } from './idb-error';
import type { Appended, LogAfter, StagedSnapshot, Storage, StoredState } from '../engine/storage';
import { PandalchemyError } from '../errors/pandalchemy-error';
import type {
  Durability,
  OutboxEntry,
  OutboxState,
  OutboxWrite,
  ProgressCallback,
  RedoRecord,
} from '../protocol/engine-api';

/** The snapshot's head: which chunks hold it and what it covers. */
interface Head {
  /** Generation of the chunks (a checkpoint writes a new one and deletes the old). */
  readonly gen: number;
  readonly seq: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly pushIds: readonly string[];
}

interface Schema extends DBSchema {
  /**
   * `head`: the snapshot's; `serverSeq`: the last sync server commit taken in; `followed`: the
   * synced tables whose server commits up to it are all taken in.
   */
  meta: { key: 'head' | 'serverSeq' | 'followed'; value: Head | number | string[] };
  /**
   * The snapshot: one Blob (written since the snapshot became a Blob), or the 4 MiB byte chunks of
   * earlier versions, which still load.
   */
  chunks: { key: [number, number]; value: Blob | Uint8Array };
  log: { key: number; value: RedoRecord };
  /** The sync outbox (version 2): local pushes waiting for a server's final answer. */
  outbox: { key: string; value: OutboxEntry };
}

type Store = 'meta' | 'chunks' | 'log' | 'outbox';

/** The IndexedDB database that holds a Pandalchemy database called `name`. */
export function storageName(name: string): string {
  return `pandalchemy:${name}`;
}

function storageError(e: unknown, what: string): PandalchemyError {
  return idbError(
    e,
    what,
    'free space (or checkpoint to shrink the log) and try again. Nothing was lost.',
  );
}

/**
 * Snapshot + redo log in IndexedDB, through `idb`. Each method is one IndexedDB transaction, so
 * each happens completely or not at all, whatever happens to the page meanwhile. Every write asks
 * for `durability` (default `strict`): with `strict`, a write resolves once the browser has flushed
 * it to disk; left unasked, Chromium commits `relaxed`, before the flush.
 */
export class IdbStorage implements Storage {
  readonly #db: Promise<IDBPDatabase<Schema>>;
  readonly #write: IDBTransactionOptions;

  constructor(name: string, durability: Durability = 'strict') {
    this.#write = { durability };
    this.#db = openDB<Schema>(storageName(name), 2, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('meta');
          db.createObjectStore('chunks');
          db.createObjectStore('log', { keyPath: 'seq' });
        }
        if (oldVersion < 2) db.createObjectStore('outbox', { keyPath: 'id' });
      },
    });
  }

  async load(onProgress?: ProgressCallback): Promise<StoredState> {
    try {
      const db = await this.#db;
      const tx = db.transaction(['meta', 'chunks', 'log'], 'readonly');
      const head = (await tx.objectStore('meta').get('head')) as Head | undefined;
      const parts = head
        ? await tx
            .objectStore('chunks')
            .getAll(IDBKeyRange.bound([head.gen, 0], [head.gen, Infinity]))
        : [];
      const seq = head?.seq ?? 0;
      const records = await tx.objectStore('log').getAll(IDBKeyRange.lowerBound(seq, true));
      await tx.done;
      let snapshot: Uint8Array | null = null;
      if (head) {
        if (parts.length !== head.chunks)
          throw new PandalchemyError('corrupt', `Snapshot chunk ${parts.length} is missing.`);
        // A Blob stays readable after its transaction: its bytes are read from disk only now.
        snapshot = await joined(parts, head.bytes, onProgress);
      }
      return { snapshot, snapshotSeq: seq, records, pushIds: head?.pushIds ?? [] };
    } catch (e) {
      throw storageError(e, 'loading the database');
    }
  }

  async readLog(afterSeq: number): Promise<LogAfter> {
    try {
      const db = await this.#db;
      const tx = db.transaction(['meta', 'log'], 'readonly');
      const head = (await tx.objectStore('meta').get('head')) as Head | undefined;
      const records = await tx.objectStore('log').getAll(IDBKeyRange.lowerBound(afterSeq, true));
      await tx.done;
      return { snapshotSeq: head?.seq ?? 0, records };
    } catch (e) {
      throw storageError(e, 'reading the redo log');
    }
  }

  async append(records: readonly RedoRecord[], outbox?: OutboxWrite): Promise<void> {
    try {
      const tx = (await this.#db).transaction(stores(!!outbox), 'readwrite', this.#write);
      const head = (await tx.objectStore('meta').get('head')) as Head | undefined;
      await appendIn(tx, head, { records, outbox });
    } catch (e) {
      throw storageError(e, 'saving the push');
    }
  }

  async appendAfter(
    afterSeq: number,
    write: (log: LogAfter) => Appended | null,
    withOutbox: boolean,
  ): Promise<void> {
    let tx: AppendTx | undefined;
    let head: Head | undefined;
    let records: RedoRecord[];
    try {
      tx = (await this.#db).transaction(stores(withOutbox), 'readwrite', this.#write);
      // Both reads go at once: the log's does not wait for the head's answer.
      const [h, r] = await Promise.all([
        tx.objectStore('meta').get('head'),
        tx.objectStore('log').getAll(IDBKeyRange.lowerBound(afterSeq, true)),
      ]);
      head = h as Head | undefined;
      records = r;
    } catch (e) {
      if (tx) abort(tx);
      throw storageError(e, 'reading the redo log');
    }
    let appended: Appended | null;
    try {
      // Still within the transaction: the reads' answers are being handled, nothing awaited.
      appended = write({ snapshotSeq: head?.seq ?? 0, records });
    } catch (e) {
      abort(tx);
      throw e;
    }
    if (appended?.outbox && !withOutbox) {
      abort(tx);
      throw new PandalchemyError('internal', 'An outbox change was appended without its store.');
    }
    try {
      await appendIn(tx, head, appended ?? { records: [] });
    } catch (e) {
      throw storageError(e, 'saving the push');
    }
  }

  async readOutbox(): Promise<OutboxState> {
    try {
      const db = await this.#db;
      const tx = db.transaction(['meta', 'outbox'], 'readonly');
      const serverSeq = (await tx.objectStore('meta').get('serverSeq')) as number | undefined;
      const followed = (await tx.objectStore('meta').get('followed')) as string[] | undefined;
      const entries = await tx.objectStore('outbox').getAll();
      await tx.done;
      return {
        entries: entries.sort((a, b) => a.seq - b.seq),
        serverSeq: serverSeq ?? null,
        followed: followed ?? null,
      };
    } catch (e) {
      throw storageError(e, 'reading the sync outbox');
    }
  }

  async stageSnapshot(bytes: Uint8Array, onProgress?: ProgressCallback): Promise<StagedSnapshot> {
    try {
      const db = await this.#db;
      const id = newGeneration();
      // The chunks store alone: appends (meta and log) go on while this big write runs.
      const tx = db.transaction('chunks', 'readwrite', this.#write);
      onProgress?.({ phase: 'checkpoint', done: 0, total: bytes.byteLength });
      await tx.store.put(snapshotBlob(bytes), [id, 0]);
      await tx.done;
      onProgress?.({ phase: 'checkpoint', done: bytes.byteLength, total: bytes.byteLength });
      return { id, bytes: bytes.byteLength };
    } catch (e) {
      throw storageError(e, 'writing a snapshot');
    }
  }

  async commitSnapshot(
    staged: StagedSnapshot,
    seq: number,
    pushIds: readonly string[],
  ): Promise<{ bytesWritten: number; recordsDropped: number } | null> {
    try {
      const db = await this.#db;
      const tx = db.transaction(['meta', 'chunks', 'log'], 'readwrite', this.#write);
      const head = (await tx.objectStore('meta').get('head')) as Head | undefined;
      const chunks = tx.objectStore('chunks');
      const parts = await chunks.count(generation(staged.id));
      if ((head && head.seq >= seq) || parts !== 1) {
        // Another writer's snapshot is as new, or dropped these bytes: keep what is stored.
        if (parts) await chunks.delete(generation(staged.id));
        await tx.done;
        return null;
      }
      const recordsDropped = await switchSnapshot(tx, staged.id, staged.bytes, seq, pushIds);
      await tx.done;
      return { bytesWritten: staged.bytes, recordsDropped };
    } catch (e) {
      throw storageError(e, 'writing a snapshot');
    }
  }

  async writeSnapshot(
    bytes: Uint8Array,
    seq: number,
    pushIds: readonly string[],
    onProgress?: ProgressCallback,
  ): Promise<{ bytesWritten: number; recordsDropped: number }> {
    try {
      const db = await this.#db;
      const tx = db.transaction(['meta', 'chunks', 'log'], 'readwrite', this.#write);
      const gen = newGeneration();
      onProgress?.({ phase: 'checkpoint', done: 0, total: bytes.byteLength });
      await tx.objectStore('chunks').put(snapshotBlob(bytes), [gen, 0]);
      onProgress?.({ phase: 'checkpoint', done: bytes.byteLength, total: bytes.byteLength });
      const recordsDropped = await switchSnapshot(tx, gen, bytes.byteLength, seq, pushIds);
      await tx.done;
      return { bytesWritten: bytes.byteLength, recordsDropped };
    } catch (e) {
      throw storageError(e, 'writing a snapshot');
    }
  }

  close(): void {
    void this.#db.then((db) => db.close()).catch(() => undefined);
  }
}

/** Deletes a database's storage. Every tab must have closed it first. */
export async function deleteStorage(name: string): Promise<void> {
  await deleteDB(storageName(name), {
    blocked() {
      // Waits: the deletion completes once the other tabs close their connections.
    },
  });
}

type WriteTx = IDBPTransaction<Schema, ('meta' | 'chunks' | 'log')[], 'readwrite'>;
type AppendTx = IDBPTransaction<Schema, Store[], 'readwrite'>;

/** The stores an append writes: the sync outbox's too when it changes it. */
function stores(withOutbox: boolean): Store[] {
  return withOutbox ? ['meta', 'log', 'outbox'] : ['meta', 'log'];
}

/**
 * Appends within `tx`, whose snapshot head is `head`, and commits it; resolves once it is stored.
 * Every request goes at once and the commit is asked for at once, without a round trip to the
 * browser's storage per request: any request that fails aborts the whole transaction.
 */
async function appendIn(tx: AppendTx, head: Head | undefined, appended: Appended): Promise<void> {
  const { records, outbox } = appended;
  const first = records[0]?.seq ?? Infinity;
  if (head && first <= head.seq) {
    abort(tx);
    throw new PandalchemyError(
      'storage',
      `Commit ${first} is already covered by a snapshot: another writer got there first. Nothing was saved: push again.`,
    );
  }
  const requests: Promise<unknown>[] = [];
  // `add` refuses a sequence number another writer took: two writers never both land.
  for (const record of records) requests.push(tx.objectStore('log').add(record));
  if (outbox) {
    // The same transaction: a crash keeps the commit and its outbox change, or neither.
    const entries = tx.objectStore('outbox');
    if (outbox.add) requests.push(entries.put(outbox.add));
    for (const id of outbox.settle ?? []) requests.push(entries.delete(id));
    if (outbox.serverSeq !== undefined)
      requests.push(tx.objectStore('meta').put(outbox.serverSeq, 'serverSeq'));
    if (outbox.followed !== undefined)
      requests.push(tx.objectStore('meta').put([...outbox.followed], 'followed'));
  }
  // A failed request aborts the whole transaction; its error says why (`done`'s does not).
  let failed: unknown = null;
  for (const r of requests) r.catch((e: unknown) => (failed ??= e));
  tx.commit();
  try {
    await tx.done;
  } catch (e) {
    throw failed ?? e;
  }
}

/** Aborts `tx`, which the caller reports as failed: its `done` rejecting says nothing more. */
function abort(tx: AppendTx): void {
  tx.done.catch(() => undefined);
  try {
    tx.abort();
  } catch {
    // It had already finished or aborted by itself.
  }
}

/**
 * A generation number no other writer picks, in any tab: staged snapshots of two tabs must never
 * share their key. Time in ms times 2^10 plus a random part stays below 2^53.
 */
function newGeneration(): number {
  return Date.now() * 1024 + Math.floor(Math.random() * 1024);
}

/** The keys of one generation's parts. */
function generation(gen: number): IDBKeyRange {
  return IDBKeyRange.bound([gen, 0], [gen, Infinity]);
}

/**
 * One Blob: Chromium keeps it in a file of its own and reads it back several times faster than
 * byte arrays, which it deserializes value by value (70 MB: ~0.4 s against ~1-2 s).
 */
function snapshotBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}

/**
 * Within `tx`: generation `gen` (`bytes` bytes, already stored) becomes the snapshot as of `seq`;
 * every other generation goes (older snapshots, and bytes staged by checkpoints that never
 * committed), and so does every record up to `seq`. Resolves to the records dropped.
 */
async function switchSnapshot(
  tx: WriteTx,
  gen: number,
  bytes: number,
  seq: number,
  pushIds: readonly string[],
): Promise<number> {
  await tx.objectStore('meta').put({ gen, seq, chunks: 1, bytes, pushIds: [...pushIds] }, 'head');
  const chunks = tx.objectStore('chunks');
  // Keys are [gen, part]: [gen] sorts before every part of gen, [gen, Infinity] after them.
  await chunks.delete(IDBKeyRange.upperBound([gen], true));
  await chunks.delete(IDBKeyRange.lowerBound([gen, Infinity], true));
  const log = tx.objectStore('log');
  const covered = IDBKeyRange.upperBound(seq);
  const recordsDropped = await log.count(covered);
  await log.delete(covered);
  return recordsDropped;
}

/** The snapshot's bytes from its parts in key order: one Blob, or byte chunks of earlier versions. */
async function joined(
  parts: readonly (Blob | Uint8Array)[],
  bytes: number,
  onProgress?: ProgressCallback,
): Promise<Uint8Array> {
  if (parts.length === 1 && parts[0] instanceof Blob) {
    onProgress?.({ phase: 'load', done: 0, total: bytes });
    const whole = new Uint8Array(await parts[0].arrayBuffer());
    onProgress?.({ phase: 'load', done: bytes, total: bytes });
    return whole;
  }
  const snapshot = new Uint8Array(bytes);
  let offset = 0;
  for (const part of parts) {
    const chunk = part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
    snapshot.set(chunk, offset);
    offset += chunk.byteLength;
    onProgress?.({ phase: 'load', done: offset, total: bytes });
  }
  return snapshot;
}
