import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply-plan';
import { replayRecord } from '../../src/engine/durable/replay-record';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { dump } from '../support/dump';
import { loadSql } from '../support/memory-storage';

const BIG = 2n ** 60n;

/**
 * Integers beyond 2^53 are read back as BigInts, which sql.js binds as their decimal text: a
 * column without INTEGER or NUMERIC affinity would keep that text. Replaying a record that holds
 * one must store the integer it was, in every statement replay runs.
 */
describe('replaying a record with integers beyond 2^53', () => {
  it.each([
    ['rows rewritten in full (the change log)', true],
    ['patches (no change log)', false],
  ])('stores them as integers, not text: %s', async (_, alwaysLog) => {
    const SQL = await loadSql();
    const open = (bytes?: Uint8Array): SqlDatabase => {
      const db = new SQL.Database(bytes);
      configureConnection(db, true);
      return db;
    };
    const db = open();
    // Untyped and REAL-free columns keep what they are given; the key of `w` is untyped too.
    db.run(`CREATE TABLE t (id INTEGER PRIMARY KEY, a, b TEXT, c NUMERIC)`);
    db.run(`CREATE TABLE u (k TEXT PRIMARY KEY, a, b TEXT)`);
    db.run(`INSERT INTO t VALUES (1, ${BIG}, 'x', ${BIG}), (${BIG}, ${BIG + 1n}, 'y', 1)`);
    db.run(`INSERT INTO u VALUES ('k', ${BIG}, 'x'), ('gone', ${BIG}, 'x')`);
    const snapshot = db.export();
    const plan: ExecutionPlan = {
      version: 2,
      steps: [
        {
          kind: 'delete',
          table: 'u',
          key: ['k'],
          keyTypes: [''],
          keys: [['gone']],
          count: 1,
          guard: null,
        },
        {
          kind: 'update',
          table: 't',
          key: ['id'],
          keyTypes: [''],
          keys: [[1, BIG]],
          set: ['b'],
          types: [''],
          values: [['changed', 'changed too']],
          count: 2,
          guard: null,
        },
        {
          kind: 'update',
          table: 'u',
          key: ['k'],
          keyTypes: [''],
          keys: [['k']],
          set: ['b'],
          types: [''],
          values: [['changed']],
          count: 1,
          guard: null,
        },
      ],
    };
    const applied = applyPlan(db, plan, { conflict: 'fail', alwaysLog });
    const replayed = open(snapshot);
    replayRecord(
      replayed,
      structuredClone({ seq: 1, pushId: 'p', committedAt: 0, ...applied }),
      true,
    );
    const types = (d: SqlDatabase) =>
      selectRows(d, 'SELECT typeof(a), typeof(c) FROM t ORDER BY id').concat(
        selectRows(d, 'SELECT typeof(a), typeof(b) FROM u ORDER BY k'),
      );
    expect(types(db)).toEqual([
      ['integer', 'integer'],
      ['integer', 'integer'],
      ['integer', 'text'],
    ]);
    expect(types(replayed)).toEqual(types(db));
    expect(dump(replayed)).toBe(dump(db));
    db.close();
    replayed.close();
  });
});
