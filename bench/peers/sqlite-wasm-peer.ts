import * as Comlink from 'comlink';
import { benchFile } from '../engine-fixture';
import type { SqliteWasmApi } from '../workers/sqlite-wasm-api';
import type { Peer } from './peer';

/** A fresh worker running the official SQLite WASM build (see `sqlite-wasm-worker.ts`). */
export function startSqliteWasm(): { worker: Worker; api: Comlink.Remote<SqliteWasmApi> } {
  const worker = new Worker(new URL('../workers/sqlite-wasm-worker.ts', import.meta.url), {
    type: 'module',
    name: 'sqlite-wasm-peer',
  });
  return { worker, api: Comlink.wrap<SqliteWasmApi>(worker) };
}

let files = 0;

/**
 * `@sqlite.org/sqlite-wasm` as a peer: its own dedicated worker on the `opfs-sahpool` VFS with
 * `synchronous=FULL`; loading is a fresh worker opening the file and reading `SELECT *` into
 * arrays for the page; a save is the UPDATEs and their COMMIT.
 */
export class SqliteWasmPeer implements Peer {
  readonly name = 'SQLite WASM 3.54 (opfs-sahpool, synchronous=FULL)';
  readonly file = `/bench-${Date.now()}-${++files}.sqlite3`;
  #worker: { worker: Worker; api: Comlink.Remote<SqliteWasmApi> } | null = null;
  /** The table as the page holds it after `load()`. */
  data: Awaited<ReturnType<SqliteWasmApi['readAll']>> | null = null;

  get api(): Comlink.Remote<SqliteWasmApi> {
    return this.#worker!.api;
  }

  async create(rows: number): Promise<void> {
    const w = startSqliteWasm();
    try {
      await w.api.init();
      await w.api.importFile(this.file, await benchFile(rows));
      await w.api.close();
    } finally {
      w.worker.terminate();
    }
  }

  /** A fresh worker with the database open, nothing read yet. */
  async open(): Promise<void> {
    this.#worker = startSqliteWasm();
    await this.#worker.api.init();
    await this.#worker.api.open(this.file);
  }

  async load(): Promise<void> {
    await this.open();
    this.data = await this.api.readAll();
  }

  async edit(ids: readonly number[], first: number): Promise<void> {
    await this.api.update(ids, first, false);
  }

  async discard(): Promise<void> {
    await this.api.rollback();
  }

  async save(ids: readonly number[], first: number): Promise<void> {
    if (ids.length === 1) await this.api.updateOne(ids[0]!, first);
    else await this.api.update(ids, first, true);
  }

  async unload(): Promise<void> {
    if (!this.#worker) return;
    await this.#worker.api.close();
    this.#worker.worker.terminate();
    this.#worker = null;
    this.data = null;
  }

  async destroy(): Promise<void> {
    await this.unload();
    const w = startSqliteWasm();
    try {
      await w.api.init();
      await w.api.remove(this.file);
      await w.api.close();
    } finally {
      w.worker.terminate();
    }
  }
}
