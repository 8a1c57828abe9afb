import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { engineClient } from '../src/client/engine-client';
import type { Engine } from '../src/db/database-state';
import { introspect } from '../src/engine/introspect';
import type { SqlJs } from '../src/engine/sqlite';
import type { EngineOpenOptions } from '../src/protocol/engine-api';
import type { TableInfo } from '../src/schema/table-info';
import { shapeColumns, shapeCreateSql, shapeData, type KeyShape } from './key-shapes';
import type { LoopApi } from './workers/loop-api';
import { withExactTextDecoder } from '../src/values/exact-text-decoder';

let sql: Promise<SqlJs> | undefined;

/** sql.js in the page, loaded once (to build the benchmark files). */
export function loadSql(): Promise<SqlJs> {
  sql ??= withExactTextDecoder(() =>
    initSqlJs({ locateFile: () => wasmUrl }),
  ) as unknown as Promise<SqlJs>;
  return sql;
}

const files = new Map<string, Uint8Array>();

/** An SQLite file holding a shape's bench table with `rows` rows (built once per shape and size). */
export async function shapeFile(shape: KeyShape, rows: number): Promise<Uint8Array> {
  const id = `${shape}:${rows}`;
  const cached = files.get(id);
  if (cached) return cached;
  const SQL = await loadSql();
  const db = new SQL.Database();
  const data = shapeData(shape, rows);
  const width = shapeColumns(shape).length;
  db.run(shapeCreateSql(shape));
  db.run('BEGIN');
  const stmt = db.prepare(`INSERT INTO bench VALUES (${Array(width).fill('?').join(', ')})`);
  const row = new Array<number | string>(width);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < width; c++) row[c] = (data.columns[c] as ArrayLike<number | string>)[i]!;
    stmt.run(row);
  }
  stmt.free();
  db.run('COMMIT');
  const bytes = db.export();
  db.close();
  files.set(id, bytes);
  return bytes;
}

/** The dense-key bench table's file (`id` 1..rows). */
export function benchFile(rows: number): Promise<Uint8Array> {
  return shapeFile('dense', rows);
}

/** A shape's table as the engine describes it (read from SQLite, as the engine reads it). */
export async function shapeInfo(shape: KeyShape): Promise<TableInfo> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  try {
    db.run(shapeCreateSql(shape));
    return introspect(db)[0]!;
  } finally {
    db.close();
  }
}

/** Rows that make a database of about `mb` megabytes (~108 bytes per row of the bench table). */
export function rowsForMegabytes(mb: number): number {
  return Math.max(1000, Math.round((mb * 1024 * 1024) / 108));
}

/** A database name no other run uses. */
export function benchName(what: string): string {
  return `bench-${what}-${crypto.randomUUID()}`;
}

/** The bench worker: the library's engine, and the baselines beside it (see `bench-worker.ts`). */
export interface BenchWorker {
  /** Pass it to `openDatabase(name, { worker })`; the database terminates it when closed. */
  readonly worker: Worker;
  /** The baselines, run in the same worker as the engine. */
  readonly loop: Comlink.Remote<LoopApi>;
}

/** Starts a bench worker. */
export function startBenchWorker(): BenchWorker {
  const worker = new Worker(new URL('./workers/bench-worker.ts', import.meta.url), {
    type: 'module',
    name: 'pandalchemy-bench',
  });
  return { worker, loop: Comlink.wrap<LoopApi>(worker) };
}

/**
 * The library's engine in a bench worker, as `openDatabase` runs it (its own sql.js instance and
 * WebAssembly memory), with the baselines beside it. Checkpoint settings are the product's
 * defaults unless `options` says otherwise.
 */
export async function workerEngine(
  name: string,
  options: Omit<EngineOpenOptions, 'name'>,
): Promise<{ engine: Engine; loop: Comlink.Remote<LoopApi> }> {
  const { worker, loop } = startBenchWorker();
  const engine = engineClient(worker);
  await engine.open({ name, ...options });
  return { engine, loop };
}
