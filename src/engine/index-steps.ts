import type { CreateIndexStep, DropIndexStep } from '../plan/execution-plan';
import { quoteIdentifier as q } from '../dialect/quote-identifier';
import { identifierKey } from '../dialect/sqlite/sqlite-text';
import { bigintReplacer, PandalchemyError } from '../errors/pandalchemy-error';
import { findTable } from './introspect';
import { selectRows, type SqlDatabase } from './sqlite';
import type { SqlValue } from '../values/sql-value';
import { messageOf } from './sqlite-error';

/** Rows named in the error of a UNIQUE index that existing rows violate. */
const ROWS_NAMED = 10;

/**
 * Checks an index step against the database before it runs, so that each way it can fail has its
 * own typed error: the table or a column missing, the name taken, the index unknown.
 */
export function checkIndexStep(db: SqlDatabase, step: CreateIndexStep | DropIndexStep): void {
  const info = findTable(db, step.table);
  const context = { table: step.table, step: step.kind };
  if (!info) {
    throw new PandalchemyError(
      'unknown_table',
      `Table ${JSON.stringify(step.table)} does not exist, so index ${JSON.stringify(step.index)} cannot be ${step.kind === 'createIndex' ? 'created on' : 'dropped from'} it: check the table's name (db.tableNames() lists them).`,
      context,
    );
  }
  const [found] = selectRows(
    db,
    'SELECT type, tbl_name, sql FROM sqlite_schema WHERE name = ? COLLATE NOCASE',
    [step.index],
  );
  if (step.kind === 'createIndex') {
    for (const column of step.columns) {
      if (!info.columns.some((c) => identifierKey(c.name) === identifierKey(column))) {
        throw new PandalchemyError(
          'unknown_column',
          `Index ${JSON.stringify(step.index)} names column ${JSON.stringify(column)}, which table '${step.table}' does not have (${info.columns.map((c) => c.name).join(', ')}): index its columns.`,
          { ...context, column },
        );
      }
    }
    if (found) {
      throw new PandalchemyError(
        'name_taken',
        `The database already has ${String(found[0])} ${JSON.stringify(step.index)}${found[0] === 'index' ? ` (on '${String(found[1])}')` : ''}: index names are shared by every table, so choose another name.`,
        context,
      );
    }
    return;
  }
  if (!found || found[0] !== 'index' || found[1] !== step.table) {
    throw new PandalchemyError(
      'unknown_index',
      `Table '${step.table}' has no index ${JSON.stringify(step.index)}: db.tables() lists each table's indexes.`,
      context,
    );
  }
  if (found[2] === null) {
    throw new PandalchemyError(
      'invalid_argument',
      `Index ${JSON.stringify(step.index)} of '${step.table}' belongs to its PRIMARY KEY or a UNIQUE constraint, and goes only with the table: it cannot be dropped alone.`,
      context,
    );
  }
}

/**
 * The error for a UNIQUE index that rows of its table violate: the rows that share values of the
 * index's columns, named by key (NULLs never collide in a UNIQUE index). Null when the failure was
 * something else.
 */
export function uniqueIndexError(
  db: SqlDatabase,
  step: CreateIndexStep,
  e: unknown,
): PandalchemyError | null {
  const message = messageOf(e);
  if (!step.unique || !/UNIQUE constraint failed/i.test(message)) return null;
  const info = findTable(db, step.table);
  if (!info) return null;
  const cols = step.columns.map(q).join(', ');
  // The rowid is read by the name that exposes it, which no column shadows (see `freeRowidName`).
  const keys = info.key.kind === 'rowid' ? [info.key.columns[0]!] : info.key.columns.map(q);
  const rows = selectRows(
    db,
    `SELECT ${keys.join(', ')} FROM ${q(step.table)} WHERE (${cols}) IN (SELECT ${cols} FROM ${q(step.table)} WHERE ${step.columns.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${cols} HAVING count(*) > 1) ORDER BY ${cols}, ${keys.join(', ')} LIMIT ${ROWS_NAMED + 1}`,
  );
  const named = rows.slice(0, ROWS_NAMED).map(keyText);
  const more = rows.length > ROWS_NAMED ? ', ...' : '';
  return new PandalchemyError(
    'constraint',
    `UNIQUE index ${JSON.stringify(step.index)} cannot be created on '${step.table}': rows ${named.join(', ')}${more} share values of ${step.columns.join(', ')}. Change or delete rows so that no two share them, then push again.`,
    {
      table: step.table,
      step: step.kind,
      ...(rows[0] ? { key: rows[0] } : {}),
      sqliteMessage: message,
    },
    e,
  );
}

/** A key as messages show it: `5`, `'ab'`, `(1, 'x')`. */
function keyText(key: readonly SqlValue[]): string {
  const parts = key.map((v) =>
    typeof v === 'string'
      ? `'${v}'`
      : v instanceof Uint8Array
        ? `${v.length} bytes`
        : JSON.stringify(v, bigintReplacer).replace(/^"(-?\d+)n"$/, '$1'),
  );
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`;
}
