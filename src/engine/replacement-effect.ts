import { PandalchemyError } from '../errors/pandalchemy-error';
import type { ColumnValues } from '../plan/execution-plan';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import type { ReplacementRows, TableEffect } from '../protocol/engine-api';
import type { TableInfo } from '../schema/table-info';
import type { SqlValue } from '../values/sql-value';
import { selectRows, type SqlDatabase } from './sqlite';

/**
 * The effect that replaces every row of a table with `rows` (a sync server's rows of it): every
 * local key not among them deleted, every row given written whole. `reload: true`, as readers
 * cannot tell which rows changed. Replayed like any redo record's effect.
 */
export function replacementEffect(
  db: SqlDatabase,
  info: TableInfo,
  rows: ReplacementRows,
): TableEffect {
  if (info.key.kind !== 'primary') {
    throw new PandalchemyError(
      'key_column',
      `Table '${info.name}' has no primary key: a synced table needs one (the server's tables do).`,
      { table: info.name },
    );
  }
  const key = info.key.columns;
  const at = key.map((k) => rows.columns.indexOf(k));
  if (at.some((i) => i < 0)) {
    throw new PandalchemyError(
      'invalid_message',
      `The server's rows of '${info.name}' lack its key column(s) ${key.join(', ')}: the local table and the server's differ; recreate the local one.`,
      { table: info.name },
    );
  }
  const n = rows.values[0]?.length ?? 0;
  const finalKeys: ColumnValues[] = at.map((c) => rows.values[c]!);
  const kept = new Set<string>();
  for (let i = 0; i < n; i++) kept.add(keyText(finalKeys.map((k) => k[i] ?? null)));
  const local = selectRows(db, `SELECT ${key.map(q).join(', ')} FROM ${q(info.name)}`);
  const gone = local.filter((r) => !kept.has(keyText(r)));
  return {
    table: info.name,
    reload: true,
    dropped: false,
    key,
    deleted: { rowids: null, keys: key.map((_, c) => gone.map((r) => r[c]!)) },
    upserts: { rowids: null, columns: rows.columns, values: rows.values, priorKeys: finalKeys },
  };
}

/** A key's identity: exact for integers beyond 2^53 (BigInt), bytes and text alike. */
function keyText(values: readonly SqlValue[]): string {
  return values
    .map((v) =>
      v instanceof Uint8Array
        ? `b:${Array.from(v).join(',')}`
        : `${typeof v}:${typeof v === 'bigint' ? v.toString() : String(v)}`,
    )
    .join('\u0000');
}
