import { createStore, type Store, type Table } from 'tinybase';
import {
  createIndexedDbPersister,
  type IndexedDbPersister,
} from 'tinybase/persisters/persister-indexed-db';
import { benchData } from '../data';
import { benchName } from '../engine-fixture';
import type { Peer } from './peer';

/**
 * TinyBase as a peer: a `Store` persisted in IndexedDB by `createIndexedDbPersister`, loaded with
 * `load()` and saved with `save()`, as its persistence guide shows (`startAutoSave()` calls the
 * same `save()` after each change). One row per bench row, keyed by its id; nine cells.
 */
export class TinyBasePeer implements Peer {
  readonly name = 'TinyBase 10 (IndexedDB persister)';
  readonly #name = benchName('tinybase');
  #store: Store | null = null;
  #persister: IndexedDbPersister | null = null;

  async create(rows: number): Promise<void> {
    const data = benchData(rows);
    const table: Table = {};
    const [, ...names] = data.names;
    for (let i = 0; i < rows; i++) {
      const row: Record<string, string | number> = {};
      names.forEach((n, c) => (row[n] = (data.columns[c + 1] as ArrayLike<string | number>)[i]!));
      table[String(i + 1)] = row;
    }
    const store = createStore().setTable('bench', table);
    const persister = createIndexedDbPersister(store, this.#name);
    await persister.save();
    await persister.destroy();
  }

  async load(): Promise<void> {
    this.#store = createStore();
    this.#persister = createIndexedDbPersister(this.#store, this.#name);
    await this.#persister.load();
  }

  async edit(ids: readonly number[], first: number): Promise<void> {
    const store = this.#store!;
    for (let i = 0; i < ids.length; i++) store.setCell('bench', String(ids[i]), 'qty', first + i);
  }

  async discard(): Promise<void> {
    // Nothing to do: the next round's edits set the same cells again, and the store has no
    // pending state of its own apart from its values.
  }

  async save(ids: readonly number[], first: number): Promise<void> {
    await this.edit(ids, first);
    await this.#persister!.save();
  }

  async unload(): Promise<void> {
    await this.#persister?.destroy();
    this.#persister = null;
    this.#store = null;
  }

  async destroy(): Promise<void> {
    await this.unload();
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.deleteDatabase(this.#name);
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
    });
  }
}
