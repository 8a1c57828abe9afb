import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BaseRecord, DraftRecord } from './draft-record';

type DraftKey = [table: string, owner: string];

interface Schema extends DBSchema {
  drafts: { key: DraftKey; value: DraftRecord };
  bases: { key: DraftKey; value: BaseRecord };
}

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

/** A draft and the base it was made over. */
export interface SavedDraft {
  readonly draft: DraftRecord;
  /** Null when it is missing: the draft cannot be restored. */
  readonly base: BaseRecord | null;
}

/** Drafts of one database, a draft per table and tab session, each with its base. */
export class DraftStore {
  readonly #db: Promise<IDBPDatabase<Schema>>;

  constructor(name: string) {
    this.#db = openDB<Schema>(draftsStorageName(name), 1, {
      upgrade(db) {
        db.createObjectStore('drafts');
        db.createObjectStore('bases');
      },
    });
  }

  /** The open database, for callers that must write without awaiting in between. */
  ready(): Promise<IDBPDatabase<Schema>> {
    return this.#db;
  }

  /**
   * Saves a draft, and its base when given, in one transaction. Both records are made by the
   * caller just before: the structured clone of `put` copies them before this returns.
   */
  save(db: IDBPDatabase<Schema>, draft: DraftRecord, base: BaseRecord | null): Promise<void> {
    const tx = db.transaction(['drafts', 'bases'], 'readwrite', { durability: 'relaxed' });
    const key: DraftKey = [draft.table, draft.owner];
    void tx.objectStore('drafts').put(draft, key);
    if (base) void tx.objectStore('bases').put(base, key);
    return tx.done;
  }

  async get(table: string, owner: string): Promise<SavedDraft | null> {
    const db = await this.#db;
    const tx = db.transaction(['drafts', 'bases'], 'readonly');
    const [draft, base] = await Promise.all([
      tx.objectStore('drafts').get([table, owner]),
      tx.objectStore('bases').get([table, owner]),
    ]);
    await tx.done;
    return draft ? { draft, base: base ?? null } : null;
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
    const tx = db.transaction(['drafts', 'bases'], 'readwrite');
    const drafts = tx.objectStore('drafts');
    const bases = tx.objectStore('bases');
    const draft = await drafts.get([table, from]);
    const base = await bases.get([table, from]);
    if (!draft || !base) {
      await tx.done;
      return false;
    }
    await drafts.put({ ...draft, owner }, [table, owner]);
    await bases.put(base, [table, owner]);
    await drafts.delete([table, from]);
    await bases.delete([table, from]);
    await tx.done;
    return true;
  }

  async delete(table: string, owner: string): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(['drafts', 'bases'], 'readwrite', { durability: 'relaxed' });
    void tx.objectStore('drafts').delete([table, owner]);
    void tx.objectStore('bases').delete([table, owner]);
    await tx.done;
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
