import * as fc from 'fast-check';
import { afterEach, expect, inject, test } from 'vitest';
import { openDatabase, type Database, type DatabaseTable } from '../../src/index';

/*
 * Random sequences on three devices (edits of the same few cells, pushes, offline periods, rounds,
 * refused pushes taken back or pushed again) against the one thing every sequence must reach: once
 * all are online and synced, every device holds exactly the server's rows (a new device's load),
 * every outbox is empty, and each refused push is reported once. In a solo sequence only device a
 * edits: it must never be refused, never conflict, and never show one of its pushed values undone
 * when it takes in the server's commits (its own pushes come back as commits, one run after a time
 * offline).
 */

const url = inject('syncUrl');
const TABLE = 'model_notes';
const TOKENS = ['token-a', 'token-b', 'token-c'] as const;
/** Each run opens three devices in Chromium against the server: a few runs keep it lean. */
const RUNS = inject('syncModelRuns');
const SEED = inject('syncModelSeed');

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

type Action =
  | { kind: 'edit'; device: number; id: number; column: 'title' | 'n'; value: number }
  | { kind: 'offline' | 'online' | 'round'; device: number }
  | { kind: 'settle'; device: number; overwrite: boolean };

const device = fc.integer({ min: 0, max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
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
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), device }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('round' as const), device }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('settle' as const), device, overwrite: fc.boolean() }),
  },
);

interface Device {
  readonly db: Database;
  readonly table: DatabaseTable;
  paused: boolean;
}

async function openDevice(token: string): Promise<Device> {
  const name = `model-${token}-${Math.random().toString(36).slice(2)}`;
  const db = await openDatabase(name, { sync: { url, token, tables: [TABLE] } });
  open.push(db);
  await synced(db);
  return { db, table: await db.table(TABLE), paused: false };
}

/**
 * `db.sync()`, failing with the device's status if it has not resolved in 60 s (a hang would
 * otherwise end as the test's timeout, saying nothing of where the device stood).
 */
async function synced(db: Database): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`sync() did not end in 60 s: ${JSON.stringify(db.syncStatus)}`)),
      60_000,
    );
  });
  try {
    await Promise.race([db.sync(), stuck]);
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

async function committed(db: Database): Promise<unknown[]> {
  return (await db.query(`SELECT id, title, n FROM ${TABLE} ORDER BY id`)).objects();
}

test(
  'three devices, random edits, offline periods and refusals: all end with the server’s rows',
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 5, maxLength: 20 }),
        fc.boolean(),
        async (actions, solo) => {
          const devices = await Promise.all(TOKENS.map(openDevice));
          const refusedOn: { device: number; pushId: string }[] = [];
          devices.forEach((d, i) =>
            d.db.on('refused', (r) => refusedOn.push({ device: i, pushId: r.pushId })),
          );
          // Solo: what device a pushed last into each cell, and what it showed that differs.
          const pushed = new Map<string, { id: number; column: string; value: unknown }>();
          const undone: string[] = [];
          const soloDevice = devices[0]!;
          if (solo) {
            soloDevice.db.on('change', (e) => {
              if (e.source !== 'remote') return;
              for (const cell of pushed.values()) {
                const shown = soloDevice.table.has(cell.id)
                  ? soloDevice.table.get(cell.id, cell.column)
                  : undefined;
                if (shown !== cell.value)
                  undone.push(
                    `${cell.id}.${cell.column}: ${String(shown)} for ${String(cell.value)}`,
                  );
              }
            });
          }
          for (const a of actions) {
            const d = solo && a.kind === 'edit' ? soloDevice : devices[a.device]!;
            switch (a.kind) {
              case 'edit': {
                if (d.table.stale) await d.table.refresh({ policy: 'keepLocal' });
                const value = a.column === 'title' ? `v${a.value}` : a.value;
                if (d.table.has(a.id)) d.table.set(a.id, a.column, value);
                else d.table.insert({ id: a.id, [a.column]: value });
                await push(d, solo);
                if (solo) pushed.set(`${a.id}.${a.column}`, { id: a.id, column: a.column, value });
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
          for (let pass = 0; pass < 4; pass++) {
            for (const d of devices) {
              await synced(d.db);
              d.table.discard();
            }
          }
          for (const d of devices) await synced(d.db);
          const truth = await committed((await openDevice('token-a')).db);
          for (const d of devices) {
            expect(d.db.syncStatus).toMatchObject({ state: 'online', outbox: 0 });
            expect(await committed(d.db)).toEqual(truth);
            await d.table.refresh();
            expect(d.table.table().orderby('id').select('id', 'title', 'n').objects()).toEqual(
              truth,
            );
          }
          const pushIds = new Set(refusedOn.map((r) => r.pushId));
          expect(pushIds.size).toBe(refusedOn.length);
          if (solo) {
            expect(refusedOn).toEqual([]);
            expect(undone).toEqual([]);
          }
          for (const d of [...open]) await d.close();
          open.length = 0;
        },
      ),
      { numRuns: RUNS, endOnFailure: true, ...(SEED ? { seed: Number(SEED) } : {}) },
    );
  },
  Math.max(300_000, RUNS * 30_000),
);
