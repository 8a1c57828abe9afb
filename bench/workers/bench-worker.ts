/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { EngineCore } from '../../src/engine/engine-core';
import { configureConnection, type SqlDatabase } from '../../src/engine/sqlite';
import { IdbStorage } from '../../src/persist/idb-storage';
import { BrowserCoordinator } from '../../src/worker/browser-coordinator';
import { loadSql } from '../../src/worker/load-sql';
import { workerApi } from '../../src/worker/worker-api';
import { applyByHand } from './hand-written-loop';
import type { LoopApi } from './loop-api';

/**
 * The engine worker of the benchmarks: the product's engine and worker API, exactly as
 * `openDatabase` runs them, plus the baselines ({@link LoopApi}) in the same worker, on the same
 * sql.js, with the same connection settings, so that library and baseline differ only in what
 * they do.
 */
const core = new EngineCore({
  loadSql: () => loadSql(wasmUrl),
  storage: (name, durability) => new IdbStorage(name, durability),
  coordinator: (name) => new BrowserCoordinator(name),
});

let db: SqlDatabase | null = null;
let idb: IDBPDatabase | null = null;
let idbName = '';
let puts = 0;

const requireDb = (): SqlDatabase => {
  if (!db) throw new Error('loopOpen() first');
  return db;
};
const requireIdb = (): IDBPDatabase => {
  if (!idb) throw new Error('logOpen() first');
  return idb;
};

async function put(value: unknown, durability: 'strict' | 'relaxed'): Promise<void> {
  const tx = requireIdb().transaction('log', 'readwrite', { durability });
  await tx.store.put(value, ++puts);
  await tx.done;
}

const loopApi: LoopApi = {
  loopOpen: async (bytes) => {
    db?.close();
    const SQL = await loadSql(wasmUrl);
    db = new SQL.Database(bytes);
    configureConnection(db, true);
  },
  loopApply: async (plan, guarded) => {
    const t0 = performance.now();
    applyByHand(requireDb(), plan, guarded);
    return performance.now() - t0;
  },
  loopAndPut: async (plan, durability) => {
    applyByHand(requireDb(), plan, false);
    await put(plan.steps, durability);
  },
  logOpen: async (name) => {
    idb?.close();
    idbName = name;
    idb = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('log') });
  },
  exportAndPut: async (durability) => {
    const t0 = performance.now();
    const bytes = requireDb().export();
    await put(bytes, durability);
    return performance.now() - t0;
  },
  loopClose: async () => {
    db?.close();
    db = null;
    idb?.close();
    idb = null;
    if (idbName) await deleteDB(idbName);
    idbName = '';
  },
};

Comlink.expose({ ...workerApi(core), ...loopApi });
