// The devices of `npm run bench:sync` (bench/sync.mjs drives them): databases opened with `sync`
// in this page, each its own IndexedDB database and worker, as separate devices would be.
import { openDatabase, type Database } from '../src/index';

interface Devices {
  open(name: string, url: string, token: string, table: string): Promise<number>;
  /** Edit one cell on device `from`, push, and time until device `to` shows it (ms per edit). */
  echo(from: string, to: string, table: string, edits: number): Promise<number[]>;
  /** Time to open a device and sync it to the server's head, with the rows it then holds. */
  openSynced(
    name: string,
    url: string,
    token: string,
    table: string,
  ): Promise<{ ms: number; openMs: number; rows: number }>;
  close(name: string): Promise<void>;
}

declare global {
  interface Window {
    __syncBench: Devices;
    __syncBenchReady: boolean;
  }
}

const open = new Map<string, Database>();

async function openDevice(name: string, url: string, token: string, table: string) {
  const db = await openDatabase(name, { sync: { url, token, tables: [table] } });
  open.set(name, db);
  await db.sync();
  return db;
}

function device(name: string): Database {
  const db = open.get(name);
  if (!db) throw new Error(`no device ${name}`);
  return db;
}

window.__syncBench = {
  async open(name, url, token, table) {
    const db = await openDevice(name, url, token, table);
    return (await db.table(table)).numRows;
  },
  async echo(from, to, table, edits) {
    const a = device(from);
    const b = device(to);
    const ta = await a.table(table);
    const tb = await b.table(table);
    const key = ta.table().get('id', 0) as number;
    const times: number[] = [];
    for (let i = 0; i < edits; i++) {
      const value = `echo ${i} ${Math.random()}`;
      const seen = new Promise<void>((resolve) => {
        const off = b.on('change', () => {
          if (tb.get(key, 'title') !== value) return;
          off();
          resolve();
        });
      });
      const t0 = performance.now();
      ta.set(key, 'title', value);
      await a.push();
      await seen;
      times.push(performance.now() - t0);
    }
    return times;
  },
  async openSynced(name, url, token, table) {
    const t0 = performance.now();
    const db = await openDatabase(name, { sync: { url, token, tables: [table] } });
    open.set(name, db);
    const t1 = performance.now();
    await db.sync();
    const t2 = performance.now();
    return { ms: t2 - t0, openMs: t1 - t0, rows: (await db.table(table)).numRows };
  },
  async close(name) {
    await open.get(name)?.close();
    open.delete(name);
  },
};
window.__syncBenchReady = true;
