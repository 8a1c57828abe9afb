import type { Query, TableSchema } from '../dialect/dialect';
import { postgresDialect as dialect } from '../dialect/postgres/postgres-dialect';
import type { PostgresValue } from '../dialect/postgres/postgres-types';
import type { ColumnValues, ExecutionPlan } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import type { RunStatement } from '../postgres/postgres-client';
import type { TableEffect } from '../protocol/engine-api';
import { keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';

async function ask<T>(run: RunStatement, query: Query<T, PostgresValue>): Promise<T> {
  const answers: (readonly (readonly SqlValue[])[])[] = [];
  for (let i = 0; i < query.runs; i++)
    answers.push((await run(query.sql, query.parameters(i))) as (readonly SqlValue[])[]);
  return query.read(answers);
}

/** A key's token, with integers compared by value whether they came as numbers or BigInts. */
function tokenOf(key: readonly SqlValue[]): string {
  return String(
    keyTokens(
      key.map((v) =>
        typeof v === 'bigint' && v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER
          ? Number(v)
          : v,
      ),
    ),
  );
}

const rowOf = (columns: readonly ColumnValues[], i: number): SqlValue[] =>
  columns.map((c) => c[i] ?? null);

/** What one table's rows went through in a push, by final key. */
interface TableWrites {
  /**
   * Rows written (inserted or updated): final key -> the key before the push, null for a new row
   * (its prior key is its key as stored).
   */
  readonly written: Map<string, { key: SqlValue[]; prior: SqlValue[] | null }>;
  /** Rows deleted, by key. */
  readonly deleted: Map<string, SqlValue[]>;
  reload: boolean;
}

/** The rows each table's steps wrote and deleted, from the plan (and the keys PostgreSQL assigned). */
function writesOf(
  plan: ExecutionPlan,
  assignedKeys: ReadonlyMap<number, readonly (readonly unknown[])[]>,
): Map<string, TableWrites> {
  const tables = new Map<string, TableWrites>();
  const of = (table: string): TableWrites => {
    let t = tables.get(table);
    if (!t) tables.set(table, (t = { written: new Map(), deleted: new Map(), reload: false }));
    return t;
  };
  for (const [index, step] of plan.steps.entries()) {
    const t = of(step.table);
    if (isSchemaStep(step)) {
      t.reload = true;
      continue;
    }
    if (step.kind === 'update') {
      // The rows of one step move at once (keys swapped or rotated among them): each row's earlier
      // write is looked up under its old key before any row of the step takes its new key.
      const moves = Array.from({ length: step.count }, (_, i) => {
        const old = rowOf(step.keys, i);
        const key = step.key.map((k, j) => {
          const at = step.set.indexOf(k);
          return at < 0 ? old[j]! : (step.values[at]![i] ?? null);
        });
        const earlier = t.written.get(tokenOf(old));
        return { old, key, prior: earlier ? earlier.prior : old };
      });
      for (const m of moves) t.written.delete(tokenOf(m.old));
      for (const m of moves) t.written.set(tokenOf(m.key), { key: m.key, prior: m.prior });
      continue;
    }
    for (let i = 0; i < step.count; i++) {
      if (step.kind === 'delete') {
        const key = rowOf(step.keys, i);
        const gone = t.written.get(tokenOf(key));
        t.written.delete(tokenOf(key));
        // A row this push inserted and deleted again was never there for a device.
        if (gone?.prior === null) continue;
        const prior = gone?.prior ?? key;
        t.deleted.set(tokenOf(prior), prior);
      } else {
        const assigned = assignedKeys.get(index)?.[i];
        const key = assigned
          ? (assigned.map((v) => (v === undefined ? null : v)) as SqlValue[])
          : step.key.map((k) => step.values[step.columns.indexOf(k)]![i] ?? null);
        t.written.set(tokenOf(key), { key, prior: null });
      }
    }
  }
  return tables;
}

/**
 * The effects of a push that `applyPlanIn` has just applied, read back inside its transaction: for
 * each table it touched, the full image of every row it wrote, as PostgreSQL stored it (defaults,
 * assigned keys, conversions), with the key each had before, and the keys of the rows it deleted.
 * The shape is the browser engine's (`TableEffect`, `rowids` null), so a device takes a server's
 * commit in as it takes in another tab's. A table whose schema changed is marked `reload`.
 */
export async function commitEffects(
  run: RunStatement,
  plan: ExecutionPlan,
  assignedKeys: ReadonlyMap<number, readonly (readonly unknown[])[]>,
  /** Schemas the push already read after its schema steps (`AppliedPlan.schemas`). */
  known: ReadonlyMap<string, TableSchema | null> = new Map(),
): Promise<TableEffect[]> {
  const effects: TableEffect[] = [];
  for (const [table, t] of writesOf(plan, assignedKeys)) {
    const schema: TableSchema | null = known.has(table)
      ? known.get(table)!
      : await ask(run, dialect.introspect(table));
    if (!schema) {
      effects.push(emptyEffect(table, [], true));
      continue;
    }
    const key = schema.key.columns;
    const names = schema.columns.map((c) => c.name);
    const writes = [...t.written.values()];
    const keyColumns = key.map((_, k) => writes.map((w) => w.key[k] ?? null));
    const images = writes.length ? await ask(run, dialect.readRows(schema, names, keyColumns)) : [];
    const values: SqlValue[][] = names.map(() => []);
    const priorKeys: SqlValue[][] = key.map(() => []);
    const keyAt = key.map((k) => names.indexOf(k));
    images.forEach((image, i) => {
      const w = writes[i]!;
      // Not there any more (a trigger or a cascade removed it): the device drops it too.
      if (!image) {
        if (w.prior) t.deleted.set(tokenOf(w.prior), w.prior);
        return;
      }
      image.forEach((v, c) => values[c]!.push(v));
      // A new row's prior key is its key as stored (an assigned key comes back from the driver
      // in its own form, and the image has it in stored form).
      const prior = w.prior ?? keyAt.map((c) => image[c] ?? null);
      prior.forEach((v, k) => priorKeys[k]!.push(v));
    });
    // Readers apply `deleted` before `upserts`: a key deleted and then taken again by a row of
    // the same push is in both, as the row that had it is gone.
    const deleted = [...t.deleted.values()];
    effects.push({
      table,
      reload: t.reload,
      dropped: false,
      key,
      deleted: { rowids: null, keys: key.map((_, k) => deleted.map((d) => d[k] ?? null)) },
      upserts: { rowids: null, columns: names, values, priorKeys },
    });
  }
  return effects;
}

function emptyEffect(table: string, key: readonly string[], dropped: boolean): TableEffect {
  return {
    table,
    reload: true,
    dropped,
    key,
    deleted: { rowids: null, keys: key.map(() => []) },
    upserts: { rowids: null, columns: [], values: [], priorKeys: key.map(() => []) },
  };
}
