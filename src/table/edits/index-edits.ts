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
      },
    ]),
  );
}

/** The indexes the table will have once pushed, by name (ASCII case ignored, as SQLite does). */
function currentIndexes(state: TableState): Map<string, CurrentIndex> {
  const out = storedIndexes(state);
  for (const e of state.indexEdits) {
    if (e.kind === 'drop') out.delete(identifierKey(e.name));
    else out.set(identifierKey(e.name), { ...e, origin: 'c' });
  }
  return out;
}

const same = (a: CurrentIndex, b: CurrentIndex): boolean =>
  a.name === b.name &&
  a.unique === b.unique &&
  a.columns.length === b.columns.length &&
  a.columns.every((c, i) => c !== null && c === b.columns[i]);

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
  const now = currentIndexes(state);
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
