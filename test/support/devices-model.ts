import * as aq from 'arquero';
import * as fc from 'fast-check';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database';
import type { DatabaseTable } from '../../src/db/database-table';

/*
 * The devices' model: random sequences on three devices (edits of the same few cells, pushes,
 * offline periods, rounds, devices closed and opened again, refused pushes taken back or pushed
 * again) against the one thing every sequence must reach: once all are online and synced, every
 * device holds exactly the server's rows (a new device's load), every outbox is empty, and each
 * refused push is reported once. In a solo sequence only device a edits: it must never be
 * refused, never conflict, and never show one of its pushed values undone when it takes in the
 * server's commits (its own pushes come back as commits, one run after a time offline).
 * Each device also has a local-only table, edited now and then and pushed with the synced one:
 * its edits stay local, and never make the server refuse a push. Where the world's server reads
 * small messages, an edit now and then is bigger than that: refused (`too_large`) without holding
 * up the pushes after it.
 *
 * Shared by the model test in Chromium (real worker and IndexedDB, a few sequences) and the one
 * in Node (the engine on in-memory storage over a real WebSocket: hundreds of sequences).
 */

export const MODEL_TOKENS = ['token-a', 'token-b', 'token-c'] as const;

export type ModelAction =
  | { kind: 'edit'; device: number; id: number; column: 'title' | 'n'; value: number }
  | { kind: 'localEdit'; device: number; value: number }
  | { kind: 'bigEdit'; device: number; id: number }
  | { kind: 'offline' | 'online' | 'round' | 'reopen'; device: number }
  | { kind: 'settle'; device: number; overwrite: boolean }
  | { kind: 'restartServer' };

/** Where the model runs: how a device opens, and the table every device syncs. */
export interface ModelWorld {
  readonly table: string;
  /**
   * Opens device `index` (its token `MODEL_TOKENS[index]`); `again`: the same device opened again
   * after it was closed (its storage, its outbox), else a new one.
   */
  open(index: number, again: boolean): Promise<Database>;
  /** The server's rows (`id`, `title`, `n`, by id), as a device shows them. */
  truth(): Promise<unknown[]>;
  /**
   * Stops the sync server and starts it again on the same address, where the world can (the
   * devices' connections close; they connect again). Absent: the action does nothing.
   */
  restartServer?(): Promise<void>;
  /** The server's `maxMessageBytes`, when small enough for a `bigEdit` to exceed it. */
  readonly maxMessageBytes?: number;
}

/** The local-only table of every device (not in `sync.tables`). */
const LOCAL_TABLE = 'model_local_prefs';

const device = fc.integer({ min: 0, max: 2 });

export const modelAction: fc.Arbitrary<ModelAction> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device,
      id: fc.integer({ min: 1, max: 4 }),
      column: fc.constantFrom('title' as const, 'n' as const),
      value: fc.integer({ min: 0, max: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('localEdit' as const),
      device,
      value: fc.integer({ min: 0, max: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bigEdit' as const),
      device,
      id: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), device }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('round' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), device }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('settle' as const), device, overwrite: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartServer' as const }) },
);

interface Device {
  db: Database;
  table: DatabaseTable;
  paused: boolean;
}

/**
 * `db.sync()`, failing with the device's status if it has not resolved in 60 s (a hang would
 * otherwise end as the test's timeout, saying nothing of where the device stood). A round cut by
 * the connection closing (a server restarting) rejects with `offline`, as documented: asked again,
 * as an app would.
 */
export async function synced(db: Database): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`sync() did not end in 60 s: ${JSON.stringify(db.syncStatus)}`)),
      60_000,
    );
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await Promise.race([db.sync(), stuck]);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'offline' || attempt >= 20) throw e;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Pushes a device's pending edits, taking in what it had not yet (its edits win locally). A server
 * commit taken in between the check and the push is another writer, as another tab's commit is:
 * the push is refused as a conflict, and taken again after a refresh.
 */
async function push(d: Device, solo = false): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (d.table.stale) await d.table.refresh({ policy: 'keepLocal' });
    if (!d.table.hasChanges) return;
    try {
      await d.db.push();
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'conflict' || attempt >= 5 || solo) throw e;
      await d.table.refresh({ policy: 'keepLocal' });
    }
  }
}

/** A database's stored rows of the model's table, by id. */
export async function committed(db: Database, table: string): Promise<unknown[]> {
  return (await db.query(`SELECT id, title, n FROM "${table}" ORDER BY id`)).objects();
}

/** Runs one sequence of the model in `world`, asserting what every sequence must reach. */
export async function runDevicesModel(
  world: ModelWorld,
  actions: readonly ModelAction[],
  solo: boolean,
): Promise<void> {
  const devices: Device[] = [];
  const refusedOn: { device: number; pushId: string; code: string }[] = [];
  // Solo: what device a pushed last into each cell, and what it showed that differs.
  const pushed = new Map<string, { id: number; column: string; value: unknown }>();
  const undone: string[] = [];
  const attach = async (i: number, again: boolean): Promise<Device> => {
    const db = await world.open(i, again);
    await synced(db);
    if (!db.tableNames().includes(LOCAL_TABLE))
      await db.createTable(LOCAL_TABLE, aq.table({ id: [0], v: [0] }), { primaryKey: 'id' });
    const d: Device = { db, table: await db.table(world.table), paused: false };
    db.on('refused', (r) => refusedOn.push({ device: i, pushId: r.pushId, code: r.error.code }));
    if (solo && i === 0) {
      db.on('change', (e) => {
        if (e.source !== 'remote') return;
        for (const cell of pushed.values()) {
          const shown = d.table.has(cell.id) ? d.table.get(cell.id, cell.column) : undefined;
          if (shown !== cell.value)
            undone.push(`${cell.id}.${cell.column}: ${String(shown)} for ${String(cell.value)}`);
        }
      });
    }
    return d;
  };
  try {
    devices.push(...(await Promise.all(MODEL_TOKENS.map((_, i) => attach(i, false)))));
    for (const a of actions) {
      if (a.kind === 'restartServer') {
        await world.restartServer?.();
        continue;
      }
      const index = solo && (a.kind === 'edit' || a.kind === 'localEdit') ? 0 : a.device;
      const d = devices[index]!;
      switch (a.kind) {
        case 'edit': {
          if (d.table.stale) await d.table.refresh({ policy: 'keepLocal' });
          const value = a.column === 'title' ? `v${a.value}` : a.value;
          if (d.table.has(a.id)) d.table.set(a.id, a.column, value);
          else d.table.insert({ id: a.id, [a.column]: value });
          // Noted before the push: the table shows the value from the edit on, and a server
          // commit can be taken in between the local commit and the push's promise resolving.
          if (solo) pushed.set(`${a.id}.${a.column}`, { id: a.id, column: a.column, value });
          await push(d, solo);
          break;
        }
        case 'localEdit': {
          // Pushed with the next edit's push (db.push() pushes every table with edits).
          const local = await d.db.table(LOCAL_TABLE);
          local.set(0, 'v', a.value);
          break;
        }
        case 'bigEdit': {
          // Solo sequences are never refused: no big edit there.
          if (solo || !world.maxMessageBytes) break;
          if (d.table.stale) await d.table.refresh({ policy: 'keepLocal' });
          const title = 'x'.repeat(world.maxMessageBytes);
          if (d.table.has(a.id)) d.table.set(a.id, 'title', title);
          else d.table.insert({ id: a.id, title });
          await push(d);
          break;
        }
        case 'offline':
          if (!d.paused) d.db.pauseSync();
          d.paused = true;
          break;
        case 'online':
          if (d.paused) d.db.resumeSync();
          d.paused = false;
          break;
        case 'round':
          if (!d.paused) await synced(d.db);
          break;
        case 'reopen':
          // Closed at any moment (its outbox waiting, pushes in flight), and opened again: it
          // sends what waited, and comes back online.
          await d.db.close();
          devices[index] = await attach(index, true);
          break;
        case 'settle':
          // Returned edits: take theirs, or push them again over the server's rows.
          if (a.overwrite) await push(d);
          else d.table.discard();
          break;
      }
    }
    for (const d of devices) {
      if (d.paused) d.db.resumeSync();
      d.paused = false;
    }
    // Until quiet: every outbox empty, every returned edit settled (taken back).
    for (let pass = 0; pass < 2; pass++) {
      for (const d of devices) {
        await synced(d.db);
        d.table.discard();
      }
    }
    for (const d of devices) await synced(d.db);
    const truth = await world.truth();
    for (const d of devices) {
      expect(d.db.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
      expect(await committed(d.db, world.table)).toEqual(truth);
      await d.table.refresh();
      expect(d.table.table().orderby('id').select('id', 'title', 'n').objects()).toEqual(truth);
    }
    const pushIds = new Set(refusedOn.map((r) => r.pushId));
    expect(pushIds.size).toBe(refusedOn.length);
    // A local-only table never reaches the server: a push that also writes it is not refused.
    expect(refusedOn.filter((r) => r.code === 'forbidden')).toEqual([]);
    if (solo) {
      expect(refusedOn).toEqual([]);
      expect(undone).toEqual([]);
    }
  } finally {
    for (const d of devices) await d.db.close();
  }
}
