/// <reference lib="webworker" />
import sqlite3InitModule, {
  type Database,
  type SAHPoolUtil,
  type Sqlite3Static,
} from '@sqlite.org/sqlite-wasm';
import * as Comlink from 'comlink';
import type { SqliteWasmApi } from './sqlite-wasm-api';

/**
 * A peer for the benchmarks: the official SQLite WASM build in a dedicated worker, on the
 * `opfs-sahpool` VFS (OPFS through sync access handles: no COOP/COEP needed), used through its
 * object-oriented API as its documentation shows.
 */
let sqlite3: Sqlite3Static | null = null;
let pool: SAHPoolUtil | null = null;
let db: Database | null = null;

const requirePool = (): SAHPoolUtil => {
  if (!pool) throw new Error('init() first');
  return pool;
};
const requireDb = (): Database => {
  if (!db) throw new Error('open() first');
  return db;
};

const api: SqliteWasmApi = {
  init: async () => {
    sqlite3 ??= await sqlite3InitModule();
    pool ??= await sqlite3.installOpfsSAHPoolVfs({});
  },
  importFile: async (file, bytes) => {
    await requirePool().importDb(file, bytes);
  },
  open: async (file) => {
    db = new (requirePool().OpfsSAHPoolDb)(file);
    db.exec('PRAGMA synchronous=FULL');
  },
  readAll: async () => {
    const stmt = requireDb().prepare('SELECT * FROM bench');
    try {
      const width = stmt.columnCount;
      const names = Array.from({ length: width }, (_, c) => stmt.getColumnName(c));
      const cols: unknown[][] = names.map(() => []);
      while (stmt.step()) for (let c = 0; c < width; c++) cols[c]!.push(stmt.get(c));
      const columns = cols.map((col) =>
        col.every((v) => typeof v === 'number') ? Float64Array.from(col as number[]) : col,
      );
      const out = { names, columns, length: cols[0]?.length ?? 0 };
      return Comlink.transfer(
        out,
        columns.filter((c) => c instanceof Float64Array).map((c) => c.buffer),
      );
    } finally {
      stmt.finalize();
    }
  },
  update: async (ids, first, commit) => {
    const d = requireDb();
    d.exec('BEGIN');
    const stmt = d.prepare('UPDATE bench SET qty = ? WHERE id = ?');
    try {
      for (let i = 0; i < ids.length; i++) stmt.bind([first + i, ids[i]!]).stepReset();
    } finally {
      stmt.finalize();
    }
    if (commit) d.exec('COMMIT');
  },
  updateOne: async (id, value) => {
    requireDb().exec({ sql: 'UPDATE bench SET qty = ? WHERE id = ?', bind: [value, id] });
  },
  rollback: async () => {
    requireDb().exec('ROLLBACK');
  },
  close: async () => {
    db?.close();
    db = null;
    pool?.pauseVfs();
  },
  remove: async (file) => {
    if (pool?.isPaused()) await pool.unpauseVfs();
    requirePool().unlink(file);
  },
};

Comlink.expose(api);
