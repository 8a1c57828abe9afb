import type { ColumnValues, Guard } from '../plan/execution-plan';
import { columnValuesOf } from '../plan/column-values';
import type { TableDiff } from '../plan/table-diff';
import { encodeValue } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue, SqlValue } from '../values/sql-value';
import { ownCopy } from './own-copy';
import { pendingChangesSteps, type CollectedChanges } from './collect-changes';
import { indexChanges } from './edits/index-edits';
import { retypeChanges } from './edits/schema-edits';
import type { ColumnState } from './column-state';
import type { ColumnArray } from './row-store';
import type { TableState } from './table-state';
import { runAtOnce, runInSlices, type SlicedWork } from '../schedule/run-in-slices';

/** The stored form of a value for a plan: bytes copied, as the plan is handed out. */
function planValue(kind: ColumnKind, value: CellValue | undefined): SqlValue {
  return ownCopy(encodeValue(kind, value));
}

/** Rows gathered between two pauses of sliced work. */
const STRETCH = 1 << 17;

/**
 * The stored values of `rows` in one column. A numeric column stays numeric: a Float64Array, so
 * that ten thousand deleted rows guarded on five REAL columns do not box fifty thousand doubles.
 */
function* storedValues(
  column: ColumnArray,
  rows: readonly number[],
): SlicedWork<CellValue[] | Float64Array> {
  const n = rows.length;
  if (column instanceof Float64Array) {
    const out = new Float64Array(n);
    for (let from = 0; from < n; from += STRETCH) {
      const to = Math.min(n, from + STRETCH);
      for (let i = from; i < to; i++) out[i] = column[rows[i]!]!;
      yield;
    }
    return out;
  }
  const out = new Array<CellValue>(n);
  for (let from = 0; from < n; from += STRETCH) {
    const to = Math.min(n, from + STRETCH);
    for (let i = from; i < to; i++) out[i] = ownCopy(column[rows[i]!] ?? null);
    yield;
  }
  return out;
}

/**
 * `rows`' values gathered from a numeric array (every value stored as itself: a number's stored
 * form is the number), or null when a row is not a stored one.
 */
function* gather(source: Float64Array, rows: readonly number[]): SlicedWork<Float64Array | null> {
  const n = rows.length;
  const out = new Float64Array(n);
  for (let from = 0; from < n; from += STRETCH) {
    const to = Math.min(n, from + STRETCH);
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      if (r < 0) return null;
      out[i] = source[r]!;
    }
    yield;
  }
  return out;
}

/** The Float64Array every stored row of `col` takes its current value from, or null. */
function numericSource(state: TableState, col: ColumnState): Float64Array | null {
  if (col.cells.size > 0) return null;
  const src = col.dense ?? col.base ?? (col.origin >= 0 ? state.store.raw(col.origin) : null);
  return src instanceof Float64Array ? src : null;
}

/**
 * The net changes of a tracked table in plan terms: stored values, names as SQL will see them,
 * guards holding the stored values each update and delete is based on.
 */
export function diffTable(state: TableState, changes?: CollectedChanges): TableDiff {
  return runAtOnce(diffSteps(state, changes));
}

/**
 * {@link diffTable} in slices (see `runInSlices`): a column of a million rows gathered, or a stretch
 * of rows compared, at a time. `push()` builds its plan this way.
 */
export function diffTableSliced(
  state: TableState,
  budgetMs?: number,
  pause?: () => Promise<void>,
): Promise<TableDiff> {
  return runInSlices(diffSteps(state), undefined, budgetMs, pause);
}

/** The work of {@link diffTable}, pausing after each column gathered. */
function* diffSteps(state: TableState, given?: CollectedChanges): SlicedWork<TableDiff> {
  const changes = given ?? (yield* pendingChangesSteps(state));
  const store = state.store;
  const keyBefore = store.keyColumns.map((i) => store.names[i]!);
  const keyAfter = state.keyColumns.map((c) => c.name);
  function* storedKeys(rows: readonly number[]): SlicedWork<ColumnValues[]> {
    const out: ColumnValues[] = [];
    for (const k of store.keyColumns) {
      const raw = store.raw(k);
      out.push(
        (raw instanceof Float64Array ? yield* gather(raw, rows) : null) ??
          columnValuesOf(rows.length, (i) => planValue(store.kinds[k]!, store.get(rows[i]!, k))),
      );
      yield;
    }
    return out;
  }
  function* current(
    rows: readonly number[],
    cols: readonly ColumnState[],
  ): SlicedWork<ColumnValues[]> {
    // Inserted rows (an insert group holds only those) are looked up once, not once per column.
    const inserted = rows.every((r) => r < 0) ? rows.map((r) => state.inserted.get(r)) : null;
    const out: ColumnValues[] = [];
    for (const c of cols) {
      const numeric = inserted ? null : numericSource(state, c);
      out.push(
        (numeric !== null ? yield* gather(numeric, rows) : null) ??
          columnValuesOf(
            rows.length,
            inserted
              ? (i) => {
                  const v = inserted[i]?.values[c.id];
                  return planValue(c.kind, v !== undefined ? v : c.fill);
                }
              : (i) => planValue(c.kind, state.value(rows[i]!, c)),
          ),
      );
      yield;
    }
    return out;
  }
  function* guardOf(rows: readonly number[], origins: readonly number[]): SlicedWork<Guard> {
    const keys = yield* storedKeys(rows);
    const expected: (CellValue[] | Float64Array)[] = [];
    for (const o of origins) {
      expected.push(yield* storedValues(store.raw(o), rows));
      yield;
    }
    return {
      key: keyBefore,
      keys,
      columns: origins.map((o) => store.names[o]!),
      kinds: origins.map((o) => store.kinds[o]!),
      expected,
    };
  }

  const nonKeyOrigins = store.names.map((_, i) => i).filter((i) => !store.keyColumns.includes(i));
  const s = changes.schema;
  const indexes = indexChanges(state);
  const deletes = changes.deletes.length
    ? {
        keys: yield* storedKeys(changes.deletes),
        guard: yield* guardOf(changes.deletes, nonKeyOrigins),
      }
    : null;
  const rekeys = changes.rekeys.length
    ? {
        keys: yield* storedKeys(changes.rekeys),
        newKeys: yield* current(changes.rekeys, state.keyColumns),
        guard: yield* guardOf(changes.rekeys, []),
      }
    : null;
  const updates: TableDiff['updates'][number][] = [];
  for (const g of changes.updates) {
    updates.push({
      set: g.columns.map((c) => c.name),
      types: g.columns.map((c) => c.declaredType),
      keys: yield* current(g.rows, state.keyColumns),
      values: yield* current(g.rows, g.columns),
      guard: yield* guardOf(
        g.rows,
        g.columns.filter((c) => c.origin >= 0).map((c) => c.origin),
      ),
    });
  }
  const inserts: TableDiff['inserts'][number][] = [];
  for (const g of changes.inserts) {
    inserts.push({
      columns: g.columns.map((c) => c.name),
      types: g.columns.map((c) => c.declaredType),
      values: yield* current(g.rows, g.columns),
      count: g.rows.length,
    });
  }
  return {
    table: state.name,
    keyBefore,
    keyAfter,
    keyTypes: state.keyColumns.map((c) => c.declaredType),
    drops: s.dropped.map((c) => store.names[c.origin]!),
    renames: s.renamed.map((c) => ({ from: store.names[c.origin]!, to: c.name })),
    adds: s.added.map((c) => ({
      name: c.name,
      declaredType: c.declaredType,
      notNull: c.notNull,
      default: c.added!.default,
    })),
    retypes: s.retyped.map((c) => {
      const changes = retypeChanges(state, c, keyAfter);
      return { column: c.name, declaredType: c.declaredType, ...(changes ? { changes } : {}) };
    }),
    ...(indexes.drops.length ? { indexDrops: indexes.drops } : {}),
    ...(indexes.creates.length ? { indexCreates: indexes.creates } : {}),
    deletes,
    rekeys,
    updates,
    inserts,
  };
}
