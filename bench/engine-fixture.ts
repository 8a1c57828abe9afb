import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { createWorker, engineClient } from '../src/client/engine-client';
import type { Engine } from '../src/db/database';
import { EngineCore } from '../src/engine/engine-core';
import type { SqlDatabase, SqlJs } from '../src/engine/sqlite';
import { soleCoordinator } from '../src/engine/storage';
import { IdbStorage } from '../src/persist/idb-storage';
import { BrowserCoordinator } from '../src/worker/browser-coordinator';
import { benchData, COLUMNS } from './data';

let sql: Promise<SqlJs> | undefined;

/** sql.js in the page, loaded once. */
export function loadSql(): Promise<SqlJs> {
  sql ??= initSqlJs({ locateFile: () => wasmUrl }) as unknown as Promise<SqlJs>;
  return sql;
}

const files = new Map<number, Uint8Array>();

/** An SQLite file holding the benchmark table with `rows` rows (built once per size). */
export async function benchFile(rows: number): Promise<Uint8Array> {
  const cached = files.get(rows);
  if (cached) return cached;
  const SQL = await loadSql();
  const db = new SQL.Database();
  const data = benchData(rows);
  db.run(
    `CREATE TABLE bench (${COLUMNS.map(([n, t]) => `"${n}" ${t}${n === 'id' ? ' PRIMARY KEY' : ''}`).join(', ')})`,
  );
  db.run('BEGIN');
  const stmt = db.prepare(`INSERT INTO bench VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const row = new Array<number | string>(COLUMNS.length);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < COLUMNS.length; c++)
      row[c] = (data.columns[c] as ArrayLike<number | string>)[i]!;
    stmt.run(row);
  }
  stmt.free();
  db.run('COMMIT');
  const bytes = db.export();
  db.close();
  files.set(rows, bytes);
  return bytes;
}

/** Rows that make a database of about `mb` megabytes (~108 bytes per row of the bench table). */
export function rowsForMegabytes(mb: number): number {
  return Math.max(1000, Math.round((mb * 1024 * 1024) / 108));
}

/** A fresh sql.js database holding `bytes`, in the page (for baselines). */
export async function openBytes(bytes: Uint8Array): Promise<SqlDatabase> {
  const SQL = await loadSql();
  const db = new SQL.Database(bytes);
  db.run('PRAGMA journal_mode=MEMORY');
  return db;
}

/**
 * The library's engine in the page (the worker runs exactly this code), so that it is measured in
 * the same thread as its baselines. `shared` gives it the cross-tab coordinator.
 */
export async function pageEngine(
  name: string,
  options: { persist: boolean; shared?: boolean },
): Promise<EngineCore> {
  const engine = new EngineCore({
    loadSql,
    storage: (n) => new IdbStorage(n),
    coordinator: (n) => (options.shared === false ? soleCoordinator : new BrowserCoordinator(n)),
  });
  await engine.open({ name, persist: options.persist, checkpointBytes: 1 << 30 });
  return engine;
}

/** A database name no other run uses. */
export function benchName(what: string): string {
  return `bench-${what}-${crypto.randomUUID()}`;
}

/**
 * The library's engine in its own worker, as `openDatabase` runs it: its own sql.js instance and
 * WebAssembly memory, which a baseline's database in the page does not share (sql.js keeps one
 * instance per realm).
 */
export async function workerEngine(name: string, options: { persist: boolean }): Promise<Engine> {
  const engine = engineClient(createWorker());
  await engine.open({ name, persist: options.persist, checkpointBytes: 1 << 30 });
  return engine;
}
