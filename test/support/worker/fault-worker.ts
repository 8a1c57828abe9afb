/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { EngineCore } from '../../../src/engine/engine-core';
import { replayRecord } from '../../../src/engine/durable/replay-record';
import { IdbStorage } from '../../../src/persist/idb-storage';
import { BrowserCoordinator } from '../../../src/worker/browser-coordinator';
import { loadSql } from '../../../src/worker/load-sql';
import { workerApi } from '../../../src/worker/worker-api';
import { dump } from '../dump';
import type { FaultApi, IdbWrite } from './fault-api';
import { FaultState } from './fault-state';
import { faultySql } from './faulty-sql';
import { FaultyStorage } from './faulty-storage';

/**
 * The engine worker for tests: the product's engine and worker API, its parts wrapped so that a
 * test can make sql.js or IndexedDB fail or hang at a chosen point, plus the test's own methods
 * ({@link FaultApi}). Named `missing-wasm`, it looks for SQLite's WebAssembly where there is none.
 */
const faults = new FaultState();
const transactions: string[][] = [];
const idbWrites: IdbWrite[] = [];
recordIdbWrites(idbWrites);
const wasm =
  self.name === 'missing-wasm' ? new URL('/no-such-sql.wasm', self.location.href).href : wasmUrl;

const core = new EngineCore({
  loadSql: async () => faultySql(await loadSql(wasm), faults, transactions),
  storage: (name, durability) => new FaultyStorage(new IdbStorage(name, durability), faults),
  coordinator: (name) => new BrowserCoordinator(name),
});

const testApi: FaultApi = {
  setFault: async (fault) => faults.arm(fault),
  faultHit: async () => faults.hit,
  lastTransaction: async () => transactions[transactions.length - 1] ?? [],
  idbWrites: async () => idbWrites.splice(0),
  stored: async (name) => {
    const SQL = await loadSql(wasmUrl);
    const storage = new IdbStorage(name);
    try {
      const state = await storage.load();
      const db = new SQL.Database(state.snapshot);
      try {
        for (const record of state.records) replayRecord(db, record, true);
        return dump(db);
      } finally {
        db.close();
      }
    } finally {
      storage.close();
    }
  },
  crash: async () => self.close(),
};

/**
 * Records every readwrite IndexedDB transaction opened in this worker, with the durability it
 * asked for: observed as the transaction reports it, nothing about it changed.
 */
function recordIdbWrites(into: IdbWrite[]): void {
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<typeof open>
  ): IDBTransaction {
    const tx = open.apply(this, args);
    if (tx.mode === 'readwrite') {
      into.push({ stores: Array.from(tx.objectStoreNames).sort(), durability: tx.durability });
    }
    return tx;
  };
}

Comlink.expose({ ...workerApi(core), ...testApi });
