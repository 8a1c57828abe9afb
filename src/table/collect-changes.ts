import { valuesEqual } from '../values/values-equal';
import type { ColumnState } from './column-state';
import type { TableState } from './table-state';
import { runAtOnce, type SlicedWork } from '../schedule/run-in-slices';

/** Net schema changes since the last push, derived from the column states. */
export interface SchemaChanges {
  /** Stored columns dropped (by their stored name). */
  readonly dropped: readonly ColumnState[];
  /** Stored columns whose name changed (stored name in `state.store.names[col.origin]`). */
  readonly renamed: readonly ColumnState[];
  /** Columns added since the last push (under their current name). */
  readonly added: readonly ColumnState[];
  /** Stored columns whose declared type changed. */
  readonly retyped: readonly ColumnState[];
}

/** Updated rows sharing one set of changed (non-key) columns. */
export interface UpdateGroup {
  readonly columns: readonly ColumnState[];
  readonly rows: readonly number[];
}

/** Inserted rows sharing one set of given columns. */
export interface InsertGroup {
  readonly columns: readonly ColumnState[];
  readonly rows: readonly number[];
}

/** Which rows and columns differ from the store: the row-level changes, by row number. */
export interface CollectedChanges {
  readonly schema: SchemaChanges;
  /** Stored rows deleted, ascending. */
  readonly deletes: readonly number[];
  /** Stored rows whose key changed, ascending. */
  readonly rekeys: readonly number[];
  readonly updates: readonly UpdateGroup[];
  readonly inserts: readonly InsertGroup[];
}

/** Net schema changes. */
export function collectSchema(state: TableState): SchemaChanges {
  const dropped: ColumnState[] = [];
  const renamed: ColumnState[] = [];
  const retyped: ColumnState[] = [];
  const byOrigin = new Map<number, ColumnState>();
  for (const col of state.droppedColumns) byOrigin.set(col.origin, col);
  for (const col of state.columns) if (col.origin >= 0) byOrigin.set(col.origin, col);
  const declared = new Map(state.info.columns.map((c) => [c.name, c.declaredType]));
  for (const [origin, col] of [...byOrigin].sort((a, b) => a[0] - b[0])) {
    const storedName = state.store.names[origin]!;
    if (col.dropped) {
      dropped.push(col);
      continue;
    }
    if (col.name !== storedName) renamed.push(col);
    const before = declared.get(storedName);
    if (before !== undefined && before !== col.declaredType) retyped.push(col);
  }
  const added = state.columns.filter((c) => c.origin < 0);
  return { dropped, renamed, added, retyped };
}

/** The declared types of a schema's columns by name (kept per schema object: schemas are frozen). */
const declaredTypes = new WeakMap<TableState['info'], ReadonlyMap<string, string>>();

/**
 * How many schema changes are pending (what {@link collectSchema} lists, counted): no allocation,
 * for `hasChanges` and `changeCounts()`.
 */
export function schemaChangeCount(state: TableState): number {
  let declared = declaredTypes.get(state.info);
  if (declared === undefined) {
    declared = new Map(state.info.columns.map((c) => [c.name, c.declaredType]));
    declaredTypes.set(state.info, declared);
  }
  let n = state.droppedColumns.size;
  for (const col of state.columns) {
    if (col.origin < 0) {
      n++;
      continue;
    }
    const storedName = state.store.names[col.origin]!;
    if (col.name !== storedName) n++;
    const before = declared.get(storedName);
    if (before !== undefined && before !== col.declaredType) n++;
  }
  return n;
}

/** The last collection of each table's changes, and the state it was made of. */
const collected = new WeakMap<
  TableState,
  {
    readonly version: number;
    readonly store: TableState['store'];
    readonly revision: number;
    readonly changes: CollectedChanges;
  }
>();

/**
 * {@link collectChanges}, made once per state of the pending edits: a push asks for them several
 * times on its way (`hasChanges`, the plan, the rebase after it), and each collection of a whole
 * assigned column walks every row.
 */
export function pendingChanges(state: TableState): CollectedChanges {
  return runAtOnce(pendingChangesSteps(state));
}

/** {@link pendingChanges} as sliced work (see `runInSlices`): a stretch of rows at a time. */
export function* pendingChangesSteps(state: TableState): SlicedWork<CollectedChanges> {
  const last = collected.get(state);
  if (
    last !== undefined &&
    last.version === state.version &&
    last.store === state.store &&
    last.revision === state.store.revision
  )
    return last.changes;
  const version = state.version;
  const store = state.store;
  const revision = store.revision;
  const changes = yield* collectSteps(state);
  collected.set(state, { version, store, revision, changes });
  return changes;
}

/**
 * Collects the row-level changes. Cost grows with the number of edited cells, plus one pass over
 * the table per column assigned as a whole.
 */
export function collectChanges(state: TableState): CollectedChanges {
  return runAtOnce(collectSteps(state));
}

function* collectSteps(state: TableState): SlicedWork<CollectedChanges> {
  const schema = collectSchema(state);
  const deletes = ascending(state.deleted, state.deleted.size);
  const keyCols = new Set(state.keyColumns);
  const changed = state.columns.filter((c) => c.cells.size > 0 || c.dense !== null);
  const rekeyed = new Set<number>();
  let updates: { columns: ColumnState[]; rows: number[] }[];
  const only = changed.length === 1 && !keyCols.has(changed[0]!) ? changed[0]! : null;
  if (only) {
    // One changed column (the common case): its changed rows, in order, are the one group.
    const found = yield* changedRows(state, only);
    const rows = ascending(found, found.length);
    updates = rows.length ? [{ columns: [only], rows }] : [];
  } else {
    updates = yield* groupRows(state, changed, keyCols, rekeyed);
  }
  const inserts = new Map<string, { columns: ColumnState[]; rows: number[] }>();
  const columns = state.columns;
  for (const row of state.insertedIds()) {
    let sig = '';
    for (const c of columns) if (!state.isUnset(row, c)) sig += `${c.id},`;
    const g = inserts.get(sig);
    if (g) g.rows.push(row);
    else inserts.set(sig, { columns: columns.filter((c) => !state.isUnset(row, c)), rows: [row] });
  }
  return {
    schema,
    deletes,
    rekeys: ascending(rekeyed, rekeyed.size),
    updates,
    inserts: [...inserts.values()],
  };
}

/**
 * Row numbers in ascending order (a typed-array sort: numeric, and several times faster). Rows
 * often come in order already (edits made down the table): then there is nothing to sort.
 */
function ascending(rows: Iterable<number>, size: number): number[] {
  // An array in order already (a whole column's changed rows, found down the slots) is kept.
  if (Array.isArray(rows) && isAscending(rows as number[])) return rows as number[];
  const sorted = new Float64Array(size);
  let i = 0;
  let inOrder = true;
  for (const r of rows) {
    if (i > 0 && r < sorted[i - 1]!) inOrder = false;
    sorted[i++] = r;
  }
  if (!inOrder) sorted.sort();
  const out = new Array<number>(sorted.length);
  for (let k = 0; k < sorted.length; k++) out[k] = sorted[k]!;
  return out;
}

function isAscending(rows: readonly number[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]! < rows[i - 1]!) return false;
  return true;
}

/**
 * Groups the changed rows of several columns by the set of columns that changed in each (rows of
 * a group ascending); rows whose key changed go to `rekeyed` instead.
 */
function* groupRows(
  state: TableState,
  changed: readonly ColumnState[],
  keyCols: ReadonlySet<ColumnState>,
  rekeyed: Set<number>,
): SlicedWork<{ columns: ColumnState[]; rows: number[] }[]> {
  // Most edited rows have one changed column: it is kept as is, an array only from the second.
  const perRow = new Map<number, ColumnState | ColumnState[]>();
  const mark = (row: number, col: ColumnState): void => {
    if (keyCols.has(col)) {
      rekeyed.add(row);
      return;
    }
    const cols = perRow.get(row);
    if (cols === undefined) perRow.set(row, col);
    else if (Array.isArray(cols)) cols.push(col);
    else perRow.set(row, [cols, col]);
  };
  for (const col of changed) for (const r of yield* changedRows(state, col)) mark(r, col);
  const order = new Map(state.columns.map((c, i) => [c, i]));
  const single = new Map<ColumnState, { columns: ColumnState[]; rows: number[] }>();
  const groups = new Map<string, { columns: ColumnState[]; rows: number[] }>();
  for (const row of ascending(perRow.keys(), perRow.size)) {
    const entry = perRow.get(row)!;
    if (!Array.isArray(entry)) {
      const g = single.get(entry);
      if (g) g.rows.push(row);
      else {
        const group = { columns: [entry], rows: [row] };
        single.set(entry, group);
        groups.set(String(entry.id), group);
      }
      continue;
    }
    const cols = entry.sort((a, b) => order.get(a)! - order.get(b)!);
    const sig = cols.map((c) => c.id).join(',');
    const g = groups.get(sig);
    if (g) g.rows.push(row);
    else groups.set(sig, { columns: cols, rows: [row] });
  }
  return [...groups.values()];
}

/** Rows compared between two pauses of sliced work. */
const STRETCH = 1 << 17;

/** Live stored rows whose value in `col` differs from the store's. */
function* changedRows(state: TableState, col: ColumnState): SlicedWork<number[]> {
  const out: number[] = [];
  if (col.dense && col.cells.size === 0) {
    // A whole column assigned: straight down its array and the one it is compared with (a
    // million rows: a call or two per row less is most of the time), liveness only where they
    // differ.
    const n = state.store.length;
    const dense = col.dense;
    const base = col.base ?? (col.origin >= 0 ? state.store.raw(col.origin) : null);
    const fill = col.fill;
    if (dense instanceof Float64Array && base instanceof Float64Array) {
      // Numbers differ unless equal or both NaN (see valuesEqual). Marked first, a stretch at a
      // time: an array grown by a million pushes costs more than the comparisons.
      const mark = new Uint8Array(n);
      const plain = state.deleted.size === 0 && !state.store.hasDead;
      let m = 0;
      for (let from = 0; from < n; from += STRETCH) {
        const to = Math.min(n, from + STRETCH);
        for (let r = from; r < to; r++) {
          const a = dense[r]!;
          const b = base[r]!;
          if (a !== b && (a === a || b === b) && (plain || state.isLive(r))) {
            mark[r] = 1;
            m++;
          }
        }
        yield;
      }
      const rows = new Array<number>(m);
      for (let r = 0, i = 0; i < m; r++) if (mark[r] === 1) rows[i++] = r;
      return rows;
    }
    for (let from = 0; from < n; from += STRETCH) {
      const to = Math.min(n, from + STRETCH);
      for (let r = from; r < to; r++) {
        const a = dense[r] ?? null;
        const b = base !== null ? (base[r] ?? null) : fill;
        if (a !== b && !valuesEqual(a, b) && state.isLive(r)) out.push(r);
      }
      yield;
    }
  } else if (col.dense) {
    const n = state.store.length;
    for (let r = 0; r < n; r++) {
      if (state.isLive(r) && !valuesEqual(state.value(r, col), state.baseline(r, col))) out.push(r);
      if ((r & (STRETCH - 1)) === STRETCH - 1) yield;
    }
  } else {
    for (const [r, v] of col.cells) {
      if (state.isLive(r) && !valuesEqual(v, state.baseline(r, col))) out.push(r);
    }
  }
  return out;
}
