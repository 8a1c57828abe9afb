import * as aq from 'arquero';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Durability } from '../../src/index';
import { startFaultWorker, stopFaultWorkers } from '../support/fault-worker-client';
import type { IdbWrite } from '../support/worker/fault-api';

/**
 * What IndexedDB is asked for when a push resolves as durable: the test worker records every
 * readwrite transaction the engine opens, as the transaction reports its durability.
 */

afterEach(stopFaultWorkers);

/** Creates a table, pushes an edit, checkpoints by hand and by policy: every kind of write. */
async function writesOf(options: { durability?: Durability }): Promise<readonly IdbWrite[]> {
  const { worker, faults } = startFaultWorker();
  // A checkpoint is due after every push: the automatic (staged) snapshot write runs too.
  const db = await openDatabase(`durable-${crypto.randomUUID()}`, {
    worker,
    checkpointBytes: 1,
    ...options,
  });
  await db.createTable('t', aq.table({ id: [1, 2], v: ['a', 'b'] }), { primaryKey: 'id' });
  const t = await db.table('t');
  t.set(1, 'v', 'changed');
  await db.push();
  await db.checkpoint();
  const writes = await faults.idbWrites();
  await db.close();
  return writes;
}

/** The kinds of write seen: redo append (meta+log), staged snapshot (chunks), snapshot switch. */
const kinds = (writes: readonly IdbWrite[]): string[] =>
  [...new Set(writes.map((w) => w.stores.join('+')))].sort();

describe('durability of IndexedDB writes', () => {
  it('commits redo-log appends and snapshot writes strict by default', async () => {
    const writes = await writesOf({});
    expect(kinds(writes)).toEqual(['chunks', 'chunks+log+meta', 'log+meta']);
    expect(writes.map((w) => w.durability)).toEqual(writes.map(() => 'strict'));
  });

  it("commits them relaxed when the database is opened with durability: 'relaxed'", async () => {
    const writes = await writesOf({ durability: 'relaxed' });
    expect(kinds(writes)).toEqual(['chunks', 'chunks+log+meta', 'log+meta']);
    expect(writes.map((w) => w.durability)).toEqual(writes.map(() => 'relaxed'));
  });

  it('refuses a durability that is neither strict nor relaxed', async () => {
    await expect(
      openDatabase(`durable-${crypto.randomUUID()}`, {
        durability: 'eventual' as Durability,
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: /'strict'.*'relaxed'/ });
  });
});
