import type { Dialect, TableSchema } from '../dialect';
import type { PostgresColumn } from './postgres-column';
import { kindOfPostgresType, type PostgresValue } from './postgres-types';

/**
 * Reads a table's columns, declared types, primary key (in its order), defaults and whether the
 * key is assigned by the database (identity or serial); null when there is no such table.
 */
export const postgresIntrospect: Dialect<TableSchema, PostgresValue>['introspect'] = (table) => {
  return {
    sql: `SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
coalesce((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
  WHERE k.attnum = a.attnum), 0)::text,
(a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')::text,
CASE WHEN a.attidentity = '' THEN pg_get_expr(d.adbin, d.adrelid) END
FROM pg_attribute a
LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass(quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`,
    runs: 1,
    parameters: () => [table],
    read(answers) {
      const rows = answers[0] ?? [];
      if (!rows.length) return null;
      let autoAssigned = false;
      const columns: PostgresColumn[] = rows.map((r) => {
        const primaryKey = Number(r[3]);
        if (primaryKey > 0 && String(r[4]) === 'true') autoAssigned = true;
        return {
          name: String(r[0]),
          declaredType: String(r[1]),
          kind: kindOfPostgresType(String(r[1])),
          notNull: String(r[2]) === 'true',
          primaryKey,
          defaultSql: r[5] == null ? null : String(r[5]),
        };
      });
      const key = columns
        .filter((c) => c.primaryKey > 0)
        .sort((a, b) => a.primaryKey - b.primaryKey)
        .map((c) => c.name);
      return {
        name: table,
        columns,
        key: { kind: 'primary', columns: key, autoAssigned: autoAssigned && key.length === 1 },
      };
    },
  };
};
