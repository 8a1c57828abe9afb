/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { EngineCore } from '../engine/engine-core';
import { IdbStorage } from '../persist/idb-storage';
import { BrowserCoordinator } from './browser-coordinator';
import { workerApi } from './worker-api';
import { loadSql } from './load-sql';

/**
 * The engine worker: sql.js, IndexedDB, Web Locks and BroadcastChannel wired into the engine core,
 * exposed through Comlink.
 */
const core = new EngineCore({
  loadSql: () => loadSql(wasmUrl),
  storage: (name, durability) => new IdbStorage(name, durability),
  coordinator: (name) => new BrowserCoordinator(name),
});

Comlink.expose(workerApi(core));
