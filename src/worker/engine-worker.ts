/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { EngineCore } from '../engine/engine-core';
import type { SqlJs } from '../engine/sqlite';
import { PandalchemyError, type SerializedError } from '../errors/pandalchemy-error';
import { IdbStorage } from '../persist/idb-storage';
import type { ColumnarData, EngineApi, ProgressCallback } from '../protocol/engine-api';
import { packColumns } from '../protocol/packed-text';
import { BrowserCoordinator } from './browser-coordinator';

/**
 * The engine worker: sql.js, IndexedDB, Web Locks and BroadcastChannel wired into the engine core,
 * exposed through Comlink. Errors cross as plain serialized errors so that their code and context
 * survive; the client turns them back into typed errors.
 */
const core = new EngineCore({
  loadSql: () => initSqlJs({ locateFile: () => wasmUrl }) as unknown as Promise<SqlJs>,
  storage: (name) => new IdbStorage(name),
  coordinator: (name) => new BrowserCoordinator(name),
});

function serialize(e: unknown): SerializedError {
  if (e instanceof PandalchemyError) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  return new PandalchemyError('internal', `The engine failed unexpectedly: ${message}.`).toJSON();
}

async function run<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    // A plain object, not an Error: Comlink would keep only an Error's message.
    throw serialize(e);
  }
}

/** Table data moves to the main thread packed, its buffers transferred rather than copied. */
function transferred(data: ColumnarData): ColumnarData {
  const packed = packColumns(data);
  return Comlink.transfer(packed.data, packed.transfer);
}

/**
 * Sends a table in chunks as they are read, so that the main thread unpacks one while the next is
 * read. Chunks travel on the callback's own port: the answer waits for the last of them, as it
 * could otherwise overtake it.
 */
async function streamTable(
  table: string,
  onProgress: ProgressCallback | undefined,
  onChunk: (chunk: ColumnarData) => void | Promise<void>,
): Promise<ColumnarData> {
  const deliveries: Promise<void>[] = [];
  const result = await core.readTable(table, onProgress, (chunk) => {
    deliveries.push(Promise.resolve(onChunk(transferred(chunk))));
  });
  await Promise.all(deliveries);
  return result;
}

const api: EngineApi = {
  open: (options, onProgress) => run(core.open(options, onProgress)),
  state: () => run(core.state()),
  readTable: (table, onProgress, onChunk) =>
    run(
      onChunk
        ? streamTable(table, onProgress, onChunk)
        : core.readTable(table, onProgress).then(transferred),
    ),
  readRows: (table, keys) => run(core.readRows(table, keys).then(transferred)),
  query: (sql, params) => run(core.query(sql, params).then(transferred)),
  apply: (plan, options, onProgress) => run(core.apply(plan, options, onProgress)),
  hasCommitted: (pushId) => run(core.hasCommitted(pushId)),
  importDatabase: (bytes, onProgress) => run(core.importDatabase(bytes, onProgress)),
  exportDatabase: () =>
    run(
      core.exportDatabase().then((bytes) => Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer])),
    ),
  checkpoint: (onProgress) => run(core.checkpoint(onProgress)),
  commitsSince: (seq) => run(core.commitsSince(seq)),
  onRemoteCommit: (callback) => run(core.onRemoteCommit(callback)),
  close: () => run(core.close()),
  setFault: (fault) => run(core.setFault(fault)),
  faultHit: () => run(core.faultHit()),
};

Comlink.expose(api);
