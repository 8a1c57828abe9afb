import type { ColumnValues, DataStep, Guard } from '../plan/execution-plan';
import { isRowidColumn } from '../dialect/sqlite/sqlite-rowid';
import type { TableInfo } from '../schema/table-info';
import { isPlainTextColumn, isWellFormedText } from '../values/codec';
import type { ColumnKind } from '../values/column-kind';
import type { CellValue } from '../values/sql-value';
import { rowidRange } from './deleted-rows';
import type { TableTouch } from './table-touch';

/**
 * Thrown by a step whose guard, checked inside its statement, did not hold for some row (or the
 * row was not there). The push is rolled back and its guards are then read and compared one by
 * one: that names every conflict, or finds none where the statement's comparison was stricter.
 */
export class GuardMiss extends Error {
  constructor() {
    super('A guarded row did not match inside its statement.');
    this.name = 'GuardMiss';
  }
}

/**
 * The guarded data steps whose guard can be checked inside their own statements (`... WHERE id = ?
 * AND +"qty" IS ? COLLATE BINARY`) instead of by reading the rows first, with the same outcome:
 *
 * - the push is unlogged (nothing but its own statements changes rows) and has no schema step;
 * - the table is keyed by its rowid, the step addresses rows by integer rowids, moves no key, and
 *   its guard names the same rows and only columns the table has;
 * - no earlier step of the push wrote or deleted any of its rows (the guard is about the rows as
 *   they were before the push);
 * - every expected value compares in SQL exactly as the read-based check compares it (see
 *   {@link comparesInSql}).
 */
export function inlineGuardSteps(
  steps: readonly DataStep[],
  touchOf: (table: string) => TableTouch,
): Set<DataStep> {
  const out = new Set<DataStep>();
  if (!steps.some((s) => s.kind !== 'insert' && s.guard)) return out;
  // Per table, the rows earlier steps wrote or deleted: null once they cannot be told by rowid.
  const earlier = new Map<string, RowidSets | null>();
  for (const step of steps) {
    let before = earlier.get(step.table);
    if (before === undefined) earlier.set(step.table, (before = new RowidSets()));
    const touch = touchOf(step.table);
    const rows = touch.rowidKeyed ? rowidsOf(step, touch.info) : null;
    const moves =
      step.kind === 'update' &&
      (step.set.some((c) => step.key.includes(c)) ||
        step.set.some((c) => touch.info.key.columns.includes(c)));
    if (
      before &&
      rows &&
      step.kind !== 'insert' &&
      step.guard &&
      !moves &&
      sameRows(step.guard, step.key, step.keys) &&
      step.guard.columns.every((c) => hasColumn(touch.info, c)) &&
      comparesInSql(step.guard, step.count) &&
      !before.intersects(rows)
    )
      out.add(step);
    if (!before) continue;
    if (rows && !moves) before.add(rows);
    else earlier.set(step.table, null);
  }
  return out;
}

/**
 * Whether SQL finds a stored value equal to each expected value exactly when the read-based
 * check does (decode by column kind, then `valuesEqual`). The unary plus strips the column's
 * affinity, so no conversion happens on either side, and BINARY overrides the column's collation:
 * values then compare by storage class, numbers numerically, text and bytes byte by byte. That
 * matches for NULL, non-NaN numbers, BigInts (bound as integers, see `ExactStatement`: an
 * INTEGER and a REAL compare exactly, as `valuesEqual` compares them) outside a boolean column,
 * well-formed text and non-empty bytes, and booleans in a boolean column. Not for NaN (bound as
 * NULL), empty bytes, dates (stored as text, compared as Dates), a boolean anywhere else (bound as
 * 1 or 0), or a BigInt in a boolean column (1n matches the 1 that reads as true).
 */
function comparesInSql(guard: Guard, count: number): boolean {
  for (let c = 0; c < guard.expected.length; c++) {
    const kind = guard.kinds[c]!;
    const values = guard.expected[c]!;
    const dates = kind === 'date' || kind === 'datetime';
    if (values instanceof Float64Array) {
      if (dates || kind === 'boolean') return false;
      for (let i = 0; i < count; i++) if (values[i] !== values[i]) return false;
      continue;
    }
    if (!dates && kind !== 'boolean' && isPlainTextColumn(values, count)) continue;
    // One pass with the common types first: this runs over every guarded value of the push.
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (typeof v === 'string') {
        if (dates || kind === 'boolean' || !isWellFormedText(v)) return false;
      } else if (typeof v === 'number') {
        if (v !== v || kind === 'boolean' || dates) return false;
      } else if (v !== null && v !== undefined && !bindsExactly(kind, v)) return false;
    }
  }
  return true;
}

/** The rarer values: booleans (only in a boolean column), BigInts and bytes (not empty). */
function bindsExactly(kind: ColumnKind, v: CellValue): boolean {
  if (kind === 'date' || kind === 'datetime') return false;
  if (typeof v === 'boolean') return kind === 'boolean';
  if (typeof v === 'bigint') return kind !== 'boolean';
  return kind !== 'boolean' && v instanceof Uint8Array && v.length > 0;
}

function hasColumn(info: TableInfo, name: string): boolean {
  return isRowidColumn(info, name) || info.columns.some((c) => c.name === name);
}

/** Whether a guard is about the rows its step addresses: same key columns, same key values. */
function sameRows(guard: Guard, key: readonly string[], keys: readonly ColumnValues[]): boolean {
  if (guard.key.length !== key.length || guard.key.some((k, i) => k !== key[i])) return false;
  return keys.every((col, k) => {
    const other = guard.keys[k];
    if (other === col) return true;
    if (!other || other.length !== col.length) return false;
    for (let i = 0; i < col.length; i++) if (!Object.is(other[i], col[i])) return false;
    return true;
  });
}

/**
 * The rowids a step of a rowid-keyed table addresses (or, for an insert, gives), when they are
 * all safe integers; null otherwise (an insert that leaves rowids to SQLite).
 */
function rowidsOf(step: DataStep, info: TableInfo): ColumnValues | null {
  let col: ColumnValues | undefined;
  if (step.kind === 'insert') {
    const at = step.columns.indexOf(info.key.columns[0]!);
    col = at >= 0 ? step.values[at] : undefined;
  } else if (step.key.length === 1 && step.key[0] === info.key.columns[0]) {
    col = step.keys[0];
  }
  if (!col) return null;
  if (!(col instanceof Float64Array))
    for (let i = 0; i < step.count; i++) {
      const v = col[i];
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return null;
    }
  else for (let i = 0; i < step.count; i++) if (!Number.isSafeInteger(col[i])) return null;
  return col;
}

/** Sets of rowids, each with its range: most questions are answered without a lookup. */
class RowidSets {
  readonly #parts: { rowids: ColumnValues; min: number; max: number; set: Set<number> | null }[] =
    [];

  add(rowids: ColumnValues): void {
    if (!rowids.length) return;
    const [min, max] = rowidRange(rowids as ArrayLike<number>);
    this.#parts.push({ rowids, min, max, set: null });
  }

  intersects(rowids: ColumnValues): boolean {
    if (!rowids.length || !this.#parts.length) return false;
    const [min, max] = rowidRange(rowids as ArrayLike<number>);
    for (const p of this.#parts) {
      if (max < p.min || min > p.max) continue;
      p.set ??= new Set(p.rowids as Iterable<number>);
      for (let i = 0; i < rowids.length; i++) if (p.set.has(rowids[i] as number)) return true;
    }
    return false;
  }
}
