import type { CellValue, RowObject } from '../values/sql-value';
import { valuesEqual } from '../values/values-equal';
import { pendingChanges, type CollectedChanges, type SchemaChanges } from './collect-changes';
import { indexChanges } from './edits/index-edits';
import type { ColumnState } from './column-state';
import { ownCopies, ownCopy } from './own-copy';
import type { TableState } from './table-state';
import { setField } from '../values/set-field';

/** One changed row. */
export interface RowChange {
  readonly type: 'insert' | 'update' | 'delete';
  /**
   * The row's key: as stored for updates and deletes, as given for inserts (null where the
   * database will assign it).
   */
  readonly key: readonly CellValue[];
  /** For an update that changes the row's key: the new key. */
  readonly newKey?: readonly CellValue[];
  /** The columns concerned: changed ones for an update, given ones for an insert, all for a delete. */
  readonly columns: readonly string[];
  /** Values before (updates: changed columns only; deletes: the whole row). */
  readonly oldValues: RowObject | null;
  /** Values after (updates: changed columns only; inserts: the given columns). */
  readonly newValues: RowObject | null;
}

/** One schema change since the last push (net: an added then renamed column is one add). */
export type SchemaChange =
  | { readonly type: 'addColumn'; readonly column: string; readonly declaredType: string }
  | { readonly type: 'dropColumn'; readonly column: string }
  | { readonly type: 'renameColumn'; readonly from: string; readonly to: string }
  | {
      readonly type: 'retypeColumn';
      readonly column: string;
      readonly from: string;
      readonly to: string;
    }
  | {
      readonly type: 'createIndex';
      readonly index: string;
      readonly columns: readonly string[];
      readonly unique: boolean;
    }
  | { readonly type: 'dropIndex'; readonly index: string };

/** The column (or index) a schema change is about: a rename's old name, an index's name. */
export function schemaChangeColumn(s: SchemaChange): string {
  if (s.type === 'renameColumn') return s.from;
  return s.type === 'createIndex' || s.type === 'dropIndex' ? s.index : s.column;
}

/** Every pending change of a table. */
export interface TableChanges {
  readonly table: string;
  readonly schema: readonly SchemaChange[];
  readonly inserts: readonly RowChange[];
  readonly updates: readonly RowChange[];
  readonly deletes: readonly RowChange[];
}

/**
 * The pending changes of a table as row objects (see {@link RowChange}). Bytes and dates in them
 * are copies: changing them changes nothing in the table.
 */
export function rowChanges(
  state: TableState,
  changes: CollectedChanges = pendingChanges(state),
): TableChanges {
  const store = state.store;
  const storedRow = (row: number): RowObject => {
    const out: RowObject = {};
    store.names.forEach((n, i) => setField(out, n, ownCopy(store.get(row, i))));
    return out;
  };
  const schema = schemaChanges(state, changes.schema);
  const deletes = changes.deletes.map((row): RowChange => ({
    type: 'delete',
    key: ownCopies(store.keyOf(row)),
    columns: [...store.names],
    oldValues: storedRow(row),
    newValues: null,
  }));
  const updated = new Map<number, ColumnState[]>();
  for (const row of changes.rekeys) updated.set(row, []);
  for (const g of changes.updates) for (const row of g.rows) updated.set(row, [...g.columns]);
  const updates = [...updated.keys()]
    .sort((a, b) => a - b)
    .map((row): RowChange => {
      const key = ownCopies(store.keyOf(row));
      const newKey = ownCopies(state.currentKey(row));
      const keyChanged = !newKey.every((v, i) => valuesEqual(v, key[i]));
      const cols = [
        ...state.keyColumns.filter((c, i) => !valuesEqual(newKey[i], key[i])),
        ...updated.get(row)!,
      ];
      const oldValues: RowObject = {};
      const newValues: RowObject = {};
      for (const c of cols) {
        setField(oldValues, c.name, c.origin >= 0 ? ownCopy(store.get(row, c.origin)) : null);
        setField(newValues, c.name, ownCopy(state.value(row, c)));
      }
      return {
        type: 'update',
        key,
        ...(keyChanged ? { newKey } : {}),
        columns: cols.map((c) => c.name),
        oldValues,
        newValues,
      };
    });
  const inserts = changes.inserts.flatMap((g) =>
    g.rows.map((row): RowChange => {
      const newValues: RowObject = {};
      for (const c of g.columns) setField(newValues, c.name, ownCopy(state.value(row, c)));
      return {
        type: 'insert',
        key: ownCopies(state.currentKey(row)),
        columns: g.columns.map((c) => c.name),
        oldValues: null,
        newValues,
      };
    }),
  );
  return { table: state.name, schema, inserts, updates, deletes };
}

/** The pending schema changes of a table (net), as `rowChanges` reports them. */
export function schemaChanges(
  state: TableState,
  s: SchemaChanges = pendingChanges(state).schema,
): SchemaChange[] {
  const store = state.store;
  const declared = new Map(state.info.columns.map((c) => [c.name, c.declaredType]));
  const indexes = indexChanges(state);
  return [
    ...s.dropped.map((c) => ({ type: 'dropColumn' as const, column: store.names[c.origin]! })),
    ...s.renamed.map((c) => ({
      type: 'renameColumn' as const,
      from: store.names[c.origin]!,
      to: c.name,
    })),
    ...s.added.map((c) => ({
      type: 'addColumn' as const,
      column: c.name,
      declaredType: c.declaredType,
    })),
    ...s.retyped.map((c) => ({
      type: 'retypeColumn' as const,
      column: c.name,
      from: declared.get(store.names[c.origin]!) ?? '',
      to: c.declaredType,
    })),
    ...indexes.drops.map((index) => ({ type: 'dropIndex' as const, index })),
    ...indexes.creates.map((ix) => ({ type: 'createIndex' as const, ...ix })),
  ];
}
