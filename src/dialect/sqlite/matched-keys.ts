import type { ColumnValues } from '../../plan/execution-plan';
import type { TableInfo } from '../../schema/table-info';
import { isPlainTextColumn } from '../../values/codec';
import type { SqlValue } from '../../values/sql-value';
import { affinityOf, storedExactly, type Affinity } from './affinity';

const TWO_53 = 2 ** 53;

/** The keys as stored of rows found by the plan's keys (see {@link matchedKeys}). */
export interface MatchedKeys {
  /** Per key column, each row's key as stored (the plan's own column where unchanged). */
  readonly values: ColumnValues[];
  /** 1 where the row's key is told; null when every row's is. */
  readonly exact: Uint8Array | null;
}

/**
 * The keys as stored of the rows that `WHERE "k1" = ? AND ...` finds by the plan's `keys` (the
 * table's key columns), where the values alone tell them, so that the statement need not return
 * them (see `RowHook`). Null when no row's is.
 *
 * A row is told where each value is stored as given under its column's affinity (see
 * {@link storedExactly}): `=` applies the same conversion to it, and under BINARY collation only
 * a stored key equal to it then matches. Not where some other stored value compares equal but
 * reads otherwise: numbers and BigInts beyond 2^53 outside INTEGER and NUMERIC affinity (2^60
 * stored as an INTEGER reads as a BigInt, and equals the REAL 2^60), empty bytes (which sql.js may bind as
 * NULL), and any table whose text declares a collation (NOCASE finds 'A' by 'a'; a collation
 * anywhere in it counts, to be safe).
 */
export function matchedKeys(
  info: TableInfo,
  keys: readonly ColumnValues[],
  n: number,
): MatchedKeys | null {
  if (keys.length !== info.key.columns.length) return null;
  const affinities = keyAffinities(info, info.key.columns);
  if (!affinities) return null;
  let exact: Uint8Array | null = null;
  const fail = (i: number): void => {
    exact ??= new Uint8Array(n).fill(1);
    exact[i] = 0;
  };
  const values = keys.map((col, c) => {
    const affinity = affinities[c]!;
    if (col instanceof Float64Array) {
      // Numbers become text under TEXT affinity; -0 is stored as 0; whole numbers beyond 2^53
      // read as BigInts (or may match INTEGERs that do).
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        if (affinity === 'TEXT' || Object.is(v, -0) || !(Math.abs(v) < TWO_53)) fail(i);
      }
      return col;
    }
    if ((affinity === 'TEXT' || affinity === 'BLOB') && isPlainTextColumn(col, n)) return col;
    let out: SqlValue[] | null = null;
    for (let i = 0; i < n; i++) {
      const v = col[i] ?? null;
      const stored = toldKeyValue(affinity, v);
      if (stored === undefined) fail(i);
      else if (stored !== v) (out ??= col.slice(0, n))[i] = stored;
    }
    return out ?? col;
  });
  if (exact !== null && (exact as Uint8Array).every((e) => e === 0)) return null;
  return { values, exact };
}

/**
 * The affinities of key columns `names`, or null where no key of the table is told by its values
 * alone: a collation anywhere in its text (NOCASE finds 'A' by 'a'), or a column it lacks.
 */
export function keyAffinities(info: TableInfo, names: readonly string[]): Affinity[] | null {
  if (/\bCOLLATE\b/i.test(info.sql)) return null;
  const out: Affinity[] = [];
  for (const name of names) {
    const column = info.columns.find((c) => c.name === name);
    if (!column) return null;
    out.push(affinityOf(column.declaredType));
  }
  return out;
}

/**
 * A key value as stored, where `= ?` with it can find no other stored value (see
 * {@link matchedKeys}); undefined where it can.
 */
export function toldKeyValue(affinity: Affinity, v: SqlValue): SqlValue | undefined {
  const integral = affinity === 'INTEGER' || affinity === 'NUMERIC';
  const stored = storedExactly(affinity, v);
  if (
    stored === undefined ||
    ((typeof v === 'number' || typeof v === 'bigint') &&
      !integral &&
      !(Math.abs(Number(v)) < TWO_53)) ||
    (v instanceof Uint8Array && v.length === 0)
  )
    return undefined;
  return stored;
}
