import { PandalchemyError } from '../../errors/pandalchemy-error';
import { columnValuesOf } from '../../plan/column-values';
import type { ColumnDefault, RetypeChanges } from '../../plan/execution-plan';
import {
  checkDeclaredType,
  checkDefaultValue,
  checkIdentifier,
  identifierKey,
} from '../../dialect/sqlite/sqlite-text';
import { isRowidName } from '../../schema/rowid-name';
import { describeValue, encodeValue, normalizeValue } from '../../values/codec';
import { kindOf } from '../../values/column-kind';
import { retypeValue } from '../../dialect/sqlite/retype-value';
import { valuesEqual } from '../../values/values-equal';
import type { CellValue } from '../../values/sql-value';
import type { ColumnState } from '../column-state';
import { formatKey } from '../format-key';
import {
  AddColumnMutation,
  DropColumnMutation,
  RenameMutation,
  RetypeMutation,
  UNSET,
  type Slot,
  type TypeSnapshot,
} from '../mutations';
import { ownCopies } from '../own-copy';
import { indexOver } from './index-edits';
import type { TableState } from '../table-state';

/** How to declare a new column. */
export interface NewColumn {
  /** Declared SQLite type, e.g. 'INTEGER', 'TEXT', 'VARCHAR(20)', 'BOOLEAN', 'DATE'. */
  readonly type: string;
  /** Value of existing rows and of rows inserted without one (stored as the column's DEFAULT). */
  readonly default?: unknown;
  /** NOT NULL; needs a non-null default, as SQLite's ADD COLUMN requires. */
  readonly notNull?: boolean;
}

function keyColumnError(state: TableState, col: ColumnState, what: string): PandalchemyError {
  return new PandalchemyError(
    'key_column',
    `'${col.name}' is ${state.rowidColumn && col === state.keyColumns[0] ? 'the rowid' : 'a key column'} of '${state.name}': it cannot be ${what}, since rows are identified by it. Leave it as it is.`,
    { table: state.name, column: col.name },
  );
}

/** Refuses to drop or rename a column SQLite's ALTER TABLE cannot touch (see `isRowidName`). */
function checkAlterable(state: TableState, col: ColumnState, what: string): void {
  if (state.info.withoutRowid || !isRowidName(col.name)) return;
  throw new PandalchemyError(
    'key_column',
    `SQLite cannot ${what} column '${col.name}' of '${state.name}': it keeps the names rowid, ` +
      "_rowid_ and oid for the row id, and its ALTER TABLE refuses such a column ('rowid alias'). Leave it as it is.",
    { table: state.name, column: col.name },
  );
}

/** Checks a new name for a column (`self` when renaming it): SQLite ignores ASCII case in names. */
function checkFreeName(state: TableState, name: unknown, self?: ColumnState): string {
  const n = checkIdentifier(name, 'column');
  if (!state.info.withoutRowid && isRowidName(n)) {
    throw new PandalchemyError(
      'invalid_identifier',
      `${JSON.stringify(n)} cannot be a new column of '${state.name}': SQLite keeps the names rowid, ` +
        '_rowid_ and oid for the row id, and its ALTER TABLE refuses them. Choose another name.',
      { table: state.name, column: n },
    );
  }
  const key = identifierKey(n);
  const taken = state.columns.find((c) => c !== self && identifierKey(c.name) === key);
  if (taken) {
    const why = taken.name === n ? '' : ' (SQLite ignores ASCII case in names)';
    throw new PandalchemyError(
      'name_taken',
      `Table '${state.name}' already has a column '${taken.name}'${why}: choose another name.`,
      {
        table: state.name,
        column: n,
      },
    );
  }
  return n;
}

/** Adds a column (recorded as one mutation of the current operation); returns it. */
export function addColumnState(state: TableState, name: string, spec: NewColumn): ColumnState {
  const colName = checkFreeName(state, name);
  if (typeof spec !== 'object' || spec === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `Column '${colName}' needs a spec; got ${describeValue(spec)}. Pass one such as { type: 'TEXT' }.`,
      { table: state.name, column: colName },
    );
  }
  const declaredType = checkDeclaredType(spec.type);
  const kind = kindOf(declaredType);
  const context = { table: state.name, column: colName };
  const fill = normalizeValue(kind, spec.default, context);
  const notNull = spec.notNull === true;
  if (notNull && fill === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `Column '${colName}' is NOT NULL: SQLite adds such a column only with a default. Give it a non-null default, or leave NOT NULL out.`,
      { table: state.name, column: colName },
    );
  }
  const def: ColumnDefault | null =
    fill === null ? null : { value: checkDefaultValue(encodeValue(kind, fill), context) };
  const col: ColumnState = {
    id: state.newColumnId(),
    name: colName,
    declaredType,
    kind,
    notNull,
    defaultSql: null,
    fill,
    origin: -1,
    added: { default: def, fill },
    cells: new Map(),
    dense: null,
    base: null,
    dropped: false,
  };
  state.record(new AddColumnMutation(col, state.columns.length));
  return col;
}

/** Drops a column. */
export function dropColumn(state: TableState, name: string): void {
  const col = state.column(name);
  if (state.isKeyColumn(col)) throw keyColumnError(state, col, 'dropped');
  checkAlterable(state, col, 'drop');
  const index = indexOver(state, col);
  if (index !== null) {
    throw new PandalchemyError(
      'invalid_argument',
      `Index '${index}' of '${state.name}' covers column '${col.name}', and SQLite drops no indexed column: drop the index first (t.dropIndex('${index}')).`,
      { table: state.name, column: col.name },
    );
  }
  const stored = state.columns.filter((c) => !(state.rowidColumn && c === state.keyColumns[0]));
  if (stored.length === 1) {
    throw new PandalchemyError(
      'invalid_argument',
      `'${col.name}' is the last column of '${state.name}' and an SQLite table needs one: add another column first, or drop the table.`,
      { table: state.name, column: col.name },
    );
  }
  state.edit(
    'dropColumn',
    () => `drop column ${col.name}`,
    () => {
      state.record(new DropColumnMutation(col, state.columns.indexOf(col)));
    },
  );
}

/** Renames a column. */
export function renameColumn(state: TableState, from: string, to: string): void {
  const col = state.column(from);
  if (from === to) return;
  if (state.rowidColumn && col === state.keyColumns[0]) throw keyColumnError(state, col, 'renamed');
  checkAlterable(state, col, 'rename');
  const name = checkFreeName(state, to, col);
  state.edit(
    'renameColumn',
    () => `rename column ${from} to ${name}`,
    () => {
      state.record(new RenameMutation(col, from, name));
    },
  );
}

/** What to do with values that the new type cannot hold. */
export type InvalidValues = 'error' | 'null' | 'keep';

/** Options of a type change. */
export interface RetypeOptions {
  /**
   * Values the new type cannot hold (text 'abc' for INTEGER): `error` (default) refuses the change,
   * `null` sets them to NULL, `keep` keeps them as SQLite would.
   */
  readonly invalid?: InvalidValues;
}

/**
 * Changes a column's declared type. Values convert as SQLite converts them when the table is
 * rebuilt with the new type (affinity rules), so what the tracked table shows is what the
 * database will hold.
 */
export function retypeColumn(
  state: TableState,
  name: string,
  type: string,
  options: RetypeOptions = {},
): void {
  const col = state.column(name);
  if (state.isKeyColumn(col)) throw keyColumnError(state, col, 'given another type');
  if (options.invalid !== undefined && !['error', 'null', 'keep'].includes(options.invalid)) {
    throw new PandalchemyError(
      'invalid_argument',
      `{ invalid: ${JSON.stringify(options.invalid)} } is not an option of retypeColumn(): use 'error', 'null' or 'keep'.`,
      { table: state.name, column: col.name },
    );
  }
  if (col.origin < 0) {
    throw new PandalchemyError(
      'invalid_argument',
      `Column '${col.name}' was added since the last push: drop it and add it again with type ${String(type)}.`,
      { table: state.name, column: col.name },
    );
  }
  const declaredType = checkDeclaredType(type);
  if (declaredType === col.declaredType) return;
  const kind = kindOf(declaredType);
  const invalid = options.invalid ?? 'error';
  const n = state.store.length;
  const storedKind = state.store.kinds[col.origin]!;
  // What the table rebuild will hold: stored values converted once, from their stored type; and
  // the rows whose stored value the conversion alters (it does not convert back).
  const base = new Array<CellValue>(n);
  const altered: number[] = [];
  for (let r = 0; r < n; r++) {
    const to = retypeValue(state.store.get(r, col.origin), storedKind, declaredType);
    base[r] = to.value;
    if (!to.exact) altered.push(r);
  }
  const bad: number[] = [];
  // A value is valid when the new type holds it and it converts back to what it was.
  const check = (row: number, v: CellValue): CellValue => {
    const to = retypeValue(v, col.kind, declaredType);
    if (to.value === null || (to.exact && fits(kind, to.value))) return to.value;
    if (invalid === 'error') bad.push(row);
    return invalid === 'null' ? null : to.value;
  };
  // What the table shows: current values converted from their current type. Where that differs
  // from the rebuild (edited values, earlier type changes, values set to NULL) it is an edit.
  const cells = new Map<number, CellValue>();
  for (let r = 0; r < n; r++) {
    if (!state.isLive(r)) continue;
    const v = check(r, state.value(r, col));
    if (!valuesEqual(v, base[r])) cells.set(r, v);
  }
  const dense = null;
  const insertedValues = new Map<number, Slot>();
  const prevInserted = new Map<number, Slot>();
  for (const id of state.insertedIds()) {
    const unset = state.isUnset(id, col);
    prevInserted.set(id, unset ? UNSET : state.value(id, col));
    insertedValues.set(id, unset ? UNSET : check(id, state.value(id, col)));
  }
  if (bad.length) {
    const keys = bad.slice(0, 3).map((r) => formatKey(state.currentKey(r)));
    throw new PandalchemyError(
      'invalid_value',
      `${bad.length} value(s) of '${col.name}' cannot become ${declaredType} unchanged (rows ${keys.join(', ')}${bad.length > 3 ? ', ...' : ''}): ` +
        "the new type cannot hold them, or they would not convert back (as '01067' becomes 1067). Pass { invalid: 'null' } to set them to NULL or { invalid: 'keep' } to convert them as SQLite would.",
      { table: state.name, column: col.name, key: ownCopies(state.currentKey(bad[0]!)) },
    );
  }
  const prev: TypeSnapshot = {
    declaredType: col.declaredType,
    kind: col.kind,
    base: col.base,
    dense: col.dense,
    cells: col.cells,
    insertedValues: prevInserted,
  };
  const next: TypeSnapshot = { declaredType, kind, base, dense, cells, insertedValues };
  alteredRows.set(base, altered);
  state.edit(
    'retypeColumn',
    () => `change type of ${col.name} to ${declaredType}`,
    () => {
      state.record(new RetypeMutation(col, prev, next));
    },
  );
}

/** Stored rows whose value a pending type change alters, by the column's converted values. */
const alteredRows = new WeakMap<readonly CellValue[], readonly number[]>();

/**
 * The stored cells of a retyped column that the table rebuild alters (they do not convert back
 * to what they were), in stored form, for rows the push keeps: what a plan preview lists. Null
 * when the column's type did not change. `key`: the key column names when the retype runs.
 */
export function retypeChanges(
  state: TableState,
  col: ColumnState,
  key: readonly string[],
): RetypeChanges | null {
  const rows = col.base ? alteredRows.get(col.base)?.filter((r) => state.isLive(r)) : undefined;
  if (!rows || !col.base) return null;
  const store = state.store;
  const base = col.base;
  const storedKind = store.kinds[col.origin]!;
  return {
    key,
    keys: store.keyColumns.map((k) =>
      columnValuesOf(rows.length, (i) => encodeValue(store.kinds[k]!, store.get(rows[i]!, k))),
    ),
    before: columnValuesOf(rows.length, (i) =>
      encodeValue(storedKind, store.get(rows[i]!, col.origin)),
    ),
    after: columnValuesOf(rows.length, (i) => encodeValue(col.kind, base[rows[i]!]!)),
  };
}

function fits(kind: ColumnState['kind'], value: CellValue): boolean {
  try {
    normalizeValue(kind, value);
    return true;
  } catch {
    return false;
  }
}
