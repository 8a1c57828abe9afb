import type { Query, TableSchema } from '../dialect/dialect';
import { postgresDialect as dialect } from '../dialect/postgres/postgres-dialect';
import type { PostgresValue } from '../dialect/postgres/postgres-types';
import type { ColumnValues, ExecutionPlan } from '../plan/execution-plan';
import { isSchemaStep } from '../plan/execution-plan';
import type { RunStatement } from '../postgres/postgres-client';
import type { TableEffect } from '../protocol/engine-api';
import { kindOf } from '../values/column-kind';
import { keyTokens } from '../values/key-hash';
import type { SqlValue } from '../values/sql-value';
import { stepKey, storedKeyForms, type StoredForm } from './stored-keys';

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

/** A row a push wrote, by its final key as stored. */
interface Written {
  /** Its key as stored. */
  readonly key: SqlValue[];
  /** Its key before the push, as stored; null for a row the push inserted. */
  readonly prior: SqlValue[] | null;
  /**
   * The key the pushing device's own copy has now, as its table holds what the plan gave (a
   * NUMERIC(6,2) key 2.555 there is 2.56 here); null when the plan gave none (an assigned key).
   */
  readonly given: SqlValue[] | null;
}

/** What one table's rows went through in a push, by final key. */
interface TableWrites {
  /** Rows written (inserted or updated), by final key. */
  readonly written: Map<string, Written>;
  /** Rows deleted, by key. */
  readonly deleted: Map<string, SqlValue[]>;
  reload: boolean;
}

/**
 * A key value as a device's table holds what a plan gave: SQLite's affinity makes text of an
 * integer or a number in an INTEGER or REAL column a number (`'1'` is 1).
 */
function deviceForm(declared: string | undefined, value: SqlValue): SqlValue {
  if (typeof value !== 'string' || declared === undefined) return value;
  const kind = kindOf(declared);
  const text = value.trim();
  if ((kind === 'integer' || kind === 'real') && /^[+-]?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : n;
  }
  if (kind === 'real' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  return value;
}

const sameKey = (a: readonly SqlValue[], b: readonly SqlValue[]): boolean =>
  tokenOf(a) === tokenOf(b);

/**
 * The rows each table's steps wrote and deleted, from the plan, named by their keys as stored
 * (`stored`; the keys PostgreSQL assigned), each with the key the pushing device holds it by.
 */
function writesOf(
  plan: ExecutionPlan,
  assignedKeys: ReadonlyMap<number, readonly (readonly unknown[])[]>,
  schemas: ReadonlyMap<string, TableSchema | null>,
  stored: StoredForm,
): Map<string, TableWrites> {
  const tables = new Map<string, TableWrites>();
  const of = (table: string): TableWrites => {
    let t = tables.get(table);
    if (!t) tables.set(table, (t = { written: new Map(), deleted: new Map(), reload: false }));
    return t;
  };
  for (const [index, step] of plan.steps.entries()) {
    const t = of(step.table);
    const schema = schemas.get(step.table);
    if (isSchemaStep(step)) {
      t.reload = true;
      continue;
    }
    // A table gone by the end of the push is reloaded whole: no rows to name.
    if (!schema) continue;
    const key = stepKey(step, schema);
    const asStored = (values: readonly SqlValue[]): SqlValue[] =>
      values.map((v, j) => stored(step.table, key[j]!, v));
    if (step.kind === 'update') {
      // The rows of one step move at once (keys swapped or rotated among them): each row's earlier
      // write is looked up under its old key before any row of the step takes its new key.
      const moves = Array.from({ length: step.count }, (_, i) => {
        const old = asStored(rowOf(step.keys, i));
        const sent = key.map((k, j) => {
          const at = step.set.indexOf(k);
          const v = at < 0 ? (step.keys[j]![i] ?? null) : (step.values[at]![i] ?? null);
          return deviceForm(at < 0 ? step.keyTypes[j] : step.types[at], v);
        });
        const earlier = t.written.get(tokenOf(old));
        return { old, key: asStored(sent), prior: earlier ? earlier.prior : old, given: sent };
      });
      for (const m of moves) t.written.delete(tokenOf(m.old));
      for (const m of moves) t.written.set(tokenOf(m.key), m);
      continue;
    }
    for (let i = 0; i < step.count; i++) {
      if (step.kind === 'delete') {
        const deleted = asStored(rowOf(step.keys, i));
        const gone = t.written.get(tokenOf(deleted));
        t.written.delete(tokenOf(deleted));
        // A row this push inserted and deleted again was never there for a device.
        if (gone?.prior === null) continue;
        const prior = gone?.prior ?? deleted;
        t.deleted.set(tokenOf(prior), prior);
        continue;
      }
      const assigned = assignedKeys.get(index)?.[i];
      const at = key.map((k) => step.columns.indexOf(k));
      const given = at.every((c) => c >= 0)
        ? at.map((c) => deviceForm(step.types[c], step.values[c]![i] ?? null))
        : null;
      const final = assigned
        ? (assigned.map((v) => (v === undefined ? null : v)) as SqlValue[])
        : asStored(at.map((c) => (c >= 0 ? (step.values[c]![i] ?? null) : null)));
      t.written.set(tokenOf(final), { key: final, prior: null, given: assigned ? null : given });
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
 *
 * Rows are named by their keys as stored, which other devices hold (they got them from the
 * server); the pushing device holds its rows by the keys it sent, so a new row's prior key is the
 * key it sent, and a row moved to a key PostgreSQL stored otherwise (2.555 in NUMERIC(6,2) is
 * 2.56) has the key it sent among `deleted` too: no device holds such a key but the sender.
 */
export async function commitEffects(
  run: RunStatement,
  plan: ExecutionPlan,
  assignedKeys: ReadonlyMap<number, readonly (readonly unknown[])[]>,
  /** Schemas the push already read after its schema steps (`AppliedPlan.schemas`). */
  known: ReadonlyMap<string, TableSchema | null> = new Map(),
): Promise<TableEffect[]> {
  const schemas = new Map<string, TableSchema | null>();
  for (const { table } of plan.steps) {
    if (schemas.has(table)) continue;
    schemas.set(
      table,
      known.has(table) ? known.get(table)! : await ask(run, dialect.introspect(table)),
    );
  }
  const stored = await storedKeyForms(run, plan, schemas);
  const effects: TableEffect[] = [];
  for (const [table, t] of writesOf(plan, assignedKeys, schemas, stored)) {
    const schema = schemas.get(table);
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
        if (w.given) t.deleted.set(tokenOf(w.given), w.given);
        return;
      }
      image.forEach((v, c) => values[c]!.push(v));
      const final = keyAt.map((c) => image[c] ?? null);
      // A new row's prior key is the key its device holds it by; with an assigned key, its key as
      // stored (an assigned key comes back from the driver in its own form, the image has it
      // stored). A moved row the sender holds by a key stored otherwise: that key goes.
      const prior = w.prior ?? w.given ?? final;
      prior.forEach((v, k) => priorKeys[k]!.push(v));
      if (w.prior && w.given && !sameKey(w.given, final) && !sameKey(w.given, w.prior))
        t.deleted.set(tokenOf(w.given), w.given);
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
