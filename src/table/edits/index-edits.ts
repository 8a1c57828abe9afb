import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { CreateIndexStep } from '../../plan/execution-plan';
import { checkIdentifier, identifierKey } from '../../dialect/sqlite/sqlite-text';
import { nameForMessage } from '../../errors/name-for-message';
import { describeValue } from '../../values/codec';
import type { ColumnState } from '../column-state';
import type { Mutation } from '../mutations';
import type { TableState } from '../table-state';

/** Options of `createIndex`. */
export interface IndexOptions {
  /** No two rows may share values of the index's columns (NULLs aside). */
  readonly unique?: boolean;
}

/** A pending index change, in the order made. Columns are their states: renames follow them. */
export type IndexEdit =
  | {
      readonly kind: 'create';
      readonly name: string;
      readonly columns: readonly ColumnState[];
      readonly unique: boolean;
    }
  | { readonly kind: 'drop'; readonly name: string };

/** An index as the table will have it: stored (`origin` as SQLite says) or pending. */
interface CurrentIndex {
  readonly name: string;
  /** Null where a stored index covers something that is not a column of the table. */
  readonly columns: readonly (ColumnState | null)[];
  readonly unique: boolean;
  readonly origin: 'c' | 'u' | 'pk';
  /**
   * Whether `createIndex` makes this index as it is: plain columns, ascending, default collation,
   * every row. A stored index with an expression, a collation, a direction or a WHERE clause is
   * not, and one created in its place is a change.
   */
  readonly plain: boolean;
}

/**
 * One index change recorded in the operation log (undone by taking it back off the list).
 * Exported for drafts, which save and restore it.
 */
export class IndexEditMutation implements Mutation {
  constructor(readonly edit: IndexEdit) {}
  undo(state: TableState): void {
    state.indexEdits.pop();
    state.version++;
  }
  redo(state: TableState): void {
    state.indexEdits.push(this.edit);
    state.version++;
  }
}

/** The stored indexes of the table, their columns as column states. */
function storedIndexes(state: TableState): Map<string, CurrentIndex> {
  const byStoredName = new Map<string, ColumnState>();
  for (const c of [...state.columns, ...state.droppedColumns]) {
    if (c.origin >= 0) byStoredName.set(state.store.names[c.origin]!, c);
  }
  return new Map(
    state.info.indexes.map((ix) => [
      identifierKey(ix.name),
      {
        name: ix.name,
        columns: ix.columns.map((c) => byStoredName.get(c) ?? null),
        unique: ix.unique,
        origin: ix.origin,
        plain: isPlain(ix.sql, ix.columns),
      },
    ]),
  );
}

/** The indexes the table will have once pushed, by name (ASCII case ignored, as SQLite does). */
function currentIndexes(
  state: TableState,
  stored: ReadonlyMap<string, CurrentIndex> = storedIndexes(state),
): Map<string, CurrentIndex> {
  // The stored indexes' own objects: one left alone is the same object on both sides.
  const out = new Map(stored);
  for (const e of state.indexEdits) {
    if (e.kind === 'drop') out.delete(identifierKey(e.name));
    else out.set(identifierKey(e.name), { ...e, origin: 'c', plain: true });
  }
  return out;
}

/**
 * Whether a stored index's SQL is what `createIndex` would make of its columns. Read from the
 * text: a word of these anywhere (even inside a quoted name) only makes a replacement under the
 * same name count as a change, which drops and creates it again; none is missed.
 */
function isPlain(sql: string | null, columns: readonly string[]): boolean {
  if (columns.some((c) => c === '')) return false;
  return sql === null || !/\b(WHERE|COLLATE|DESC|ASC)\b/i.test(sql);
}

/** Whether two indexes are one: the same object, or plain ones alike. */
const same = (a: CurrentIndex, b: CurrentIndex): boolean =>
  a === b ||
  (a.plain &&
    b.plain &&
    a.name === b.name &&
    a.unique === b.unique &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c !== null && c === b.columns[i]));

/**
 * The net index changes: indexes to drop (stored ones gone or changed) and to create (new or
 * changed), columns under their names after the push's renames. An index dropped and created
 * again as it was is no change.
 */
export function indexChanges(state: TableState): {
  readonly drops: readonly string[];
  readonly creates: readonly Omit<CreateIndexStep, 'kind' | 'table'>[];
} {
  if (!state.indexEdits.length) return { drops: [], creates: [] };
  const stored = storedIndexes(state);
  const now = currentIndexes(state, stored);
  const drops: string[] = [];
  for (const [key, ix] of stored) {
    const after = now.get(key);
    if (!after || !same(ix, after)) drops.push(ix.name);
  }
  const creates = [...now]
    .filter(([key, ix]) => {
      const before = stored.get(key);
      return !before || !same(before, ix);
    })
    .map(([, ix]) => ({
      index: ix.name,
      columns: ix.columns.map((c) => c!.name),
      unique: ix.unique,
    }));
  return { drops, creates };
}

/** How many index changes are pending, net (nothing to count when no index was edited). */
export function indexChangeCount(state: TableState): number {
  if (!state.indexEdits.length) return 0;
  const net = indexChanges(state);
  return net.drops.length + net.creates.length;
}

/** The pending index that covers `col`, if any: its column cannot be dropped before it is. */
export function indexOver(state: TableState, col: ColumnState): string | null {
  for (const ix of currentIndexes(state).values()) if (ix.columns.includes(col)) return ix.name;
  return null;
}

/** Creates an index on the table as a pending edit. */
export function createIndex(
  state: TableState,
  name: string,
  columns: string | readonly string[],
  options: IndexOptions = {},
): void {
  const index = checkIdentifier(name, 'index');
  const context = { table: state.name };
  const list = typeof columns === 'string' ? [columns] : columns;
  if (!Array.isArray(list) || !list.length) {
    throw new PandalchemyError(
      'invalid_argument',
      `createIndex() takes a column name or a non-empty array of names; got ${describeValue(columns)}.`,
      context,
    );
  }
  const cols = list.map((c: string) => state.column(c));
  if (new Set(cols).size !== cols.length) {
    throw new PandalchemyError(
      'invalid_argument',
      `Index ${nameForMessage(index)} lists a column twice: list each once.`,
      context,
    );
  }
  if (state.rowidColumn && cols.includes(state.keyColumns[0]!)) {
    throw new PandalchemyError(
      'key_column',
      `'${state.keyColumns[0]!.name}' is the rowid of '${state.name}': SQLite finds rows by it already, and an index cannot name it. Index other columns.`,
      { ...context, column: state.keyColumns[0]!.name },
    );
  }
  const taken = currentIndexes(state).get(identifierKey(index));
  if (taken) {
    throw new PandalchemyError(
      'name_taken',
      `Table '${state.name}' already has an index ${nameForMessage(taken.name)}: choose another name (index names are shared by every table of the database).`,
      context,
    );
  }
  const unique = options.unique === true;
  state.edit(
    'createIndex',
    () =>
      `create ${unique ? 'unique ' : ''}index ${index} on ${cols.map((c) => c.name).join(', ')}`,
    () =>
      state.record(new IndexEditMutation({ kind: 'create', name: index, columns: cols, unique })),
  );
}

/** Drops an index of the table (one made by CREATE INDEX) as a pending edit. */
export function dropIndex(state: TableState, name: string): void {
  const ix = typeof name === 'string' ? currentIndexes(state).get(identifierKey(name)) : undefined;
  if (!ix) {
    throw new PandalchemyError(
      'unknown_index',
      `Table '${state.name}' has no index ${nameForMessage(String(name))}: t.info.indexes lists its stored indexes.`,
      { table: state.name },
    );
  }
  if (ix.origin !== 'c') {
    throw new PandalchemyError(
      'invalid_argument',
      `Index ${nameForMessage(ix.name)} of '${state.name}' belongs to its ${ix.origin === 'pk' ? 'PRIMARY KEY' : 'UNIQUE constraint'}, and goes only with the table: it cannot be dropped alone.`,
      { table: state.name },
    );
  }
  state.edit(
    'dropIndex',
    () => `drop index ${ix.name}`,
    () => state.record(new IndexEditMutation({ kind: 'drop', name: ix.name })),
  );
}
