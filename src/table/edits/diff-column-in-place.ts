import type { ColumnKind } from '../../values/column-kind';
import { isWellFormedText } from '../../values/codec';
import type { CellValue } from '../../values/sql-value';
import { valuesEqual } from '../../values/values-equal';
import { checkValue } from '../check-value';
import type { ColumnState } from '../column-state';
import { ColumnValuesMutation } from '../mutations';
import type { ColumnArray } from '../row-store';
import { rowAt, type Snapshot } from '../snapshot';
import type { TableState } from '../table-state';
import { DENSE_SHARE, writeColumn } from '../write-column';
import { scanPlainColumn } from './scan-plain-column';

/** What a first, read-only pass over a column found. */
interface ColumnScan {
  /** Stored rows whose value changes. */
  changed: number;
  /** Every value of the result is already canonical, and equal values are identical. */
  adoptable: boolean;
  /** Every stored row's value of the result is a number (checked for numeric columns only). */
  numbers: boolean;
}

/** The first `n` values of `values`, numbers all, as a Float64Array. */
function numbersOf(values: ArrayLike<unknown>, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] as number;
  return out;
}

/**
 * Diffs a column of a transform's result that lines up with the snapshot position by position.
 *
 * A column changed in most rows becomes the column's new dense values. When every value of the
 * result is already in canonical form and not a number, the result's own array is adopted and
 * frozen rather than copied (freezing an array of strings or objects costs nothing, and then
 * nobody can write to it: Arquero never does, a tracked table neither, and a caller who kept the
 * result cannot change the tracked values through it). Copying is not free on these machines: a
 * fresh 8 MB array costs ~25 ms in page faults alone, ten times the comparison loop. Numbers go
 * to a Float64Array of their own (an array of numbers cannot be frozen cheaply). A column changed
 * in a few rows becomes a few cell edits.
 *
 * The common shapes (numbers over stored numbers, strings over stored texts) are settled by one
 * typed pass (`scanPlainColumn`); a column changed in every stored row is then counted as such,
 * without comparing it again. Anything else takes the general pass below, with the same result.
 */
export function diffColumnInPlace(
  state: TableState,
  snapshot: Snapshot,
  col: ColumnState,
  tCol: ArrayLike<unknown>,
  sCol: ArrayLike<unknown> | undefined,
): void {
  const n = snapshot.table.totalRows();
  const storeLength = snapshot.stored;
  const check = (a: unknown): CellValue => checkValue(state, col, a);
  const current = (i: number): CellValue => (sCol ? (sCol[i] as CellValue) : col.fill);
  // Dense values are by slot: positions are slots only when no stored row is hidden.
  const plain =
    snapshot.slots === null && sCol !== undefined
      ? scanPlainColumn(col.kind, tCol, sCol, storeLength)
      : null;
  if (plain !== null && (plain.changed === 0 || plain.changed >= storeLength * DENSE_SHARE)) {
    if (plain.values !== null) {
      const values = plain.values;
      const stored = Array.isArray(values) ? frozen(state, values as CellValue[]) : values;
      if (plain.changed === storeLength) state.assignColumn(col, stored, sCol!);
      else state.record(new ColumnValuesMutation(col, col.dense, col.cells, stored, new Map()));
    }
    writeInserted(state, snapshot, col, tCol, current);
    return;
  }
  const scan = scanColumn(col.kind, tCol, sCol, col.fill, storeLength, check);

  // Dense values are by slot: positions are slots only when no stored row is hidden.
  if (scan.changed === 0 || scan.changed < storeLength * DENSE_SHARE || snapshot.slots !== null) {
    const rows: number[] = [];
    const values: CellValue[] = [];
    for (let i = 0; i < n; i++) {
      const a = tCol[i];
      const b = current(i);
      if (a === b || valuesEqual(a as CellValue, b)) continue;
      rows.push(rowAt(snapshot, i));
      values.push(check(a));
    }
    if (rows.length) writeColumn(state, col, rows, values);
    return;
  }

  const numeric = col.kind === 'real' || col.kind === 'integer' || col.kind === 'numeric';
  const stored: ColumnArray =
    scan.adoptable && !numeric && Array.isArray(tCol) && tCol.length === storeLength
      ? frozen(state, tCol as CellValue[])
      : scan.adoptable && scan.numbers
        ? // Every value a canonical number: one block copy, no value compared again.
          numbersOf(tCol, storeLength)
        : canonicalCopy(col.kind, tCol, current, storeLength, check);
  state.record(new ColumnValuesMutation(col, col.dense, col.cells, stored, new Map()));
  writeInserted(state, snapshot, col, tCol, current);
}

/**
 * The result's array frozen, to be kept as dense values: the readonly type is the truth, dense
 * values are never written in place. A copy when it is a column the store writes to in place (a
 * result that holds the snapshot's own column under another name, as `assign` gives): freezing
 * that one would make the next push's write to the store throw.
 */
function frozen(state: TableState, values: CellValue[]): CellValue[] {
  const store = state.store;
  for (let c = 0; c < store.names.length; c++) {
    if (store.raw(c) === values) return Object.freeze(values.slice()) as CellValue[];
  }
  return Object.freeze(values) as CellValue[];
}

/** Rows inserted before the transform take their new values cell by cell. */
function writeInserted(
  state: TableState,
  snapshot: Snapshot,
  col: ColumnState,
  tCol: ArrayLike<unknown>,
  current: (i: number) => CellValue,
): void {
  const n = snapshot.table.totalRows();
  for (let i = snapshot.stored; i < n; i++) {
    const a = tCol[i];
    if (!valuesEqual(a as CellValue, current(i)))
      state.write(rowAt(snapshot, i), col, checkValue(state, col, a, true));
  }
}

/**
 * Counts the changed stored rows and finds whether the result's array can be adopted. The common
 * kinds have loops of their own that recognise canonical values without calling the full check
 * (which still runs for anything else, and throws for a value the column does not take).
 */
function scanColumn(
  kind: ColumnKind,
  tCol: ArrayLike<unknown>,
  sCol: ArrayLike<unknown> | undefined,
  fill: CellValue,
  storeLength: number,
  check: (a: unknown) => CellValue,
): ColumnScan {
  let changed = 0;
  let adoptable = true;
  let numbers = true;
  // Values the fast test does not settle: equal in another form, or in need of the full check.
  const slow = (a: unknown, b: CellValue): void => {
    if (valuesEqual(a as CellValue, b)) {
      adoptable = false;
      return;
    }
    const v = check(a);
    if (v !== a || (v === 0 && !Object.is(v, a))) adoptable = false;
    changed++;
  };
  const n = tCol.length;
  if (kind === 'text') {
    numbers = false;
    for (let i = 0; i < n; i++) {
      const a = tCol[i];
      const b = sCol ? (sCol[i] as CellValue) : fill;
      if (a === b) continue;
      // A well-formed string is canonical text, and differs from anything it is not identical to.
      if (typeof a === 'string' && isWellFormedText(a)) {
        if (i < storeLength) changed++;
      } else if (i < storeLength) slow(a, b);
      else adoptable &&= check(a) === a;
    }
  } else if (kind === 'real' || kind === 'integer' || kind === 'numeric') {
    const integer = kind !== 'real';
    for (let i = 0; i < n; i++) {
      const a = tCol[i];
      const b = sCol ? (sCol[i] as CellValue) : fill;
      if (typeof a !== 'number' && i < storeLength) numbers = false;
      if (a === b) {
        // 0 and -0 are equal: the current value stays, so the result's array is not taken as is.
        if (a === 0 && !Object.is(a, b)) adoptable = false;
        continue;
      }
      // A non-zero, non-NaN number (a safe integer where integers are stored) is canonical, and
      // differs from anything but a BigInt of the same value.
      if (
        typeof a === 'number' &&
        a === a &&
        a !== 0 &&
        (!integer || Number.isSafeInteger(a)) &&
        typeof b !== 'bigint'
      ) {
        if (i < storeLength) changed++;
      } else if (i < storeLength) slow(a, b);
      else adoptable &&= check(a) === a;
    }
  } else {
    numbers = false;
    for (let i = 0; i < n; i++) {
      const a = tCol[i];
      const b = sCol ? (sCol[i] as CellValue) : fill;
      if (a === b) {
        if (a === 0 && !Object.is(a, b)) adoptable = false;
        continue;
      }
      if (i < storeLength) slow(a, b);
      else adoptable &&= check(a) === a;
    }
  }
  return { changed, adoptable, numbers };
}

/**
 * The stored rows' new values in canonical form, keeping the current value where the result's is
 * equal in another form. Numbers stay in a Float64Array while every value is one.
 */
function canonicalCopy(
  kind: ColumnKind,
  tCol: ArrayLike<unknown>,
  current: (i: number) => CellValue,
  storeLength: number,
  check: (a: unknown) => CellValue,
): ColumnArray {
  const value = (i: number): CellValue => {
    const a = tCol[i];
    const b = current(i);
    return a === b || valuesEqual(a as CellValue, b) ? b : check(a);
  };
  if (kind === 'real' || kind === 'integer' || kind === 'numeric') {
    const typed = new Float64Array(storeLength);
    let i = 0;
    for (; i < storeLength; i++) {
      const v = value(i);
      if (typeof v !== 'number') break;
      typed[i] = v;
    }
    if (i === storeLength) return typed;
  }
  const out = new Array<CellValue>(storeLength);
  for (let i = 0; i < storeLength; i++) out[i] = value(i);
  return out;
}
