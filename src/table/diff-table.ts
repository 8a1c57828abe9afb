import type { Guard } from '../plan/execution-plan';
import { columnValuesOf } from '../plan/column-values';
import type { TableDiff } from '../plan/table-diff';
import { encodeValue } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue, SqlValue } from '../values/sql-value';
import { ownCopy } from './own-copy';
import { pendingChanges, type CollectedChanges } from './collect-changes';
import { indexChanges } from './edits/index-edits';
import { retypeChanges } from './edits/schema-edits';
import type { ColumnState } from './column-state';
import type { ColumnArray } from './row-store';
import type { TableState } from './table-state';

/** The stored form of a value for a plan: bytes copied, as the plan is handed out. */
function planValue(kind: ColumnKind, value: CellValue | undefined): SqlValue {
  return ownCopy(encodeValue(kind, value));
}

/**
 * The stored values of `rows` in one column. A numeric column stays numeric: a Float64Array, so
 * that ten thousand deleted rows guarded on five REAL columns do not box fifty thousand doubles.
 */
function storedValues(column: ColumnArray, rows: readonly number[]): CellValue[] | Float64Array {
  const n = rows.length;
  if (column instanceof Float64Array) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = column[rows[i]!]!;
    return out;
  }
  const out = new Array<CellValue>(n);
  for (let i = 0; i < n; i++) out[i] = ownCopy(column[rows[i]!] ?? null);
  return out;
}

/**
 * `rows`' values gathered from a numeric array (every value stored as itself: a number's stored
 * form is the number), or null when a row is not a stored one.
 */
function gather(source: Float64Array, rows: readonly number[]): Float64Array | null {
  const n = rows.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r < 0) return null;
    out[i] = source[r]!;
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
export function diffTable(
  state: TableState,
  changes: CollectedChanges = pendingChanges(state),
): TableDiff {
  const store = state.store;
  const keyBefore = store.keyColumns.map((i) => store.names[i]!);
  const keyAfter = state.keyColumns.map((c) => c.name);
  const storedKeys = (rows: readonly number[]) =>
    store.keyColumns.map((k) => {
      const raw = store.raw(k);
      return (
        (raw instanceof Float64Array ? gather(raw, rows) : null) ??
        columnValuesOf(rows.length, (i) => planValue(store.kinds[k]!, store.get(rows[i]!, k)))
      );
    });
  const current = (rows: readonly number[], cols: readonly ColumnState[]) => {
    // Inserted rows (an insert group holds only those) are looked up once, not once per column.
    const inserted = rows.every((r) => r < 0) ? rows.map((r) => state.inserted.get(r)) : null;
    return cols.map((c) => {
      const numeric = inserted ? null : numericSource(state, c);
      return (
        (numeric !== null ? gather(numeric, rows) : null) ??
        columnValuesOf(
          rows.length,
          inserted
            ? (i) => {
                const v = inserted[i]?.values[c.id];
                return planValue(c.kind, v !== undefined ? v : c.fill);
              }
            : (i) => planValue(c.kind, state.value(rows[i]!, c)),
        )
      );
    });
  };
  const guardOf = (rows: readonly number[], origins: readonly number[]): Guard => ({
    key: keyBefore,
    keys: storedKeys(rows),
    columns: origins.map((o) => store.names[o]!),
    kinds: origins.map((o) => store.kinds[o]!),
    expected: origins.map((o) => storedValues(store.raw(o), rows)),
  });

  const nonKeyOrigins = store.names.map((_, i) => i).filter((i) => !store.keyColumns.includes(i));
  const s = changes.schema;
  const indexes = indexChanges(state);
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
    deletes: changes.deletes.length
      ? { keys: storedKeys(changes.deletes), guard: guardOf(changes.deletes, nonKeyOrigins) }
      : null,
    rekeys: changes.rekeys.length
      ? {
          keys: storedKeys(changes.rekeys),
          newKeys: current(changes.rekeys, state.keyColumns),
          guard: guardOf(changes.rekeys, []),
        }
      : null,
    updates: changes.updates.map((g) => ({
      set: g.columns.map((c) => c.name),
      types: g.columns.map((c) => c.declaredType),
      keys: current(g.rows, state.keyColumns),
      values: current(g.rows, g.columns),
      guard: guardOf(
        g.rows,
        g.columns.filter((c) => c.origin >= 0).map((c) => c.origin),
      ),
    })),
    inserts: changes.inserts.map((g) => ({
      columns: g.columns.map((c) => c.name),
      types: g.columns.map((c) => c.declaredType),
      values: current(g.rows, g.columns),
      count: g.rows.length,
    })),
  };
}
