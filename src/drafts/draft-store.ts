import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DraftRecord } from './draft-record';

type DraftKey = [table: string, owner: string];

interface Schema extends DBSchema {
  drafts: { key: DraftKey; value: DraftRecord };
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

/** Drafts of one database, a draft per table and tab session. */
export class DraftStore {
  readonly #db: Promise<IDBPDatabase<Schema>>;

  constructor(name: string) {
    this.#db = openDB<Schema>(draftsStorageName(name), 1, {
      upgrade(db) {
        db.createObjectStore('drafts');
      },
    });
  }

  /** The open database, for callers that must write without awaiting in between. */
  ready(): Promise<IDBPDatabase<Schema>> {
    return this.#db;
  }

  /**
   * Saves a draft. The record is made by the caller just before: the structured clone of `put`
   * copies it before this returns.
   */
  save(db: IDBPDatabase<Schema>, draft: DraftRecord): Promise<void> {
    const tx = db.transaction('drafts', 'readwrite', { durability: 'relaxed' });
    void tx.store.put(draft, [draft.table, draft.owner]);
    return tx.done;
  }

  async get(table: string, owner: string): Promise<DraftRecord | null> {
    return (await (await this.#db).get('drafts', [table, owner])) ?? null;
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
    const tx = db.transaction('drafts', 'readwrite');
    const draft = await tx.store.get([table, from]);
    if (!draft) {
      await tx.done;
      return false;
    }
    await tx.store.put({ ...draft, owner }, [table, owner]);
    await tx.store.delete([table, from]);
    await tx.done;
    return true;
  }

  async delete(table: string, owner: string): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction('drafts', 'readwrite', { durability: 'relaxed' });
    void tx.store.delete([table, owner]);
    await tx.done;
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
