import { ConflictError, isPandalchemyError } from '../src/index';

/** A row a message points at: the grid can scroll to it. */
export interface RowLink {
  readonly table: string;
  readonly key: readonly unknown[];
  readonly label: string;
}

/** Something the user can do about a message. */
export interface MessageAction {
  readonly label: string;
  readonly run: () => void;
}

/** What the message bar shows. */
export interface Message {
  readonly kind: 'success' | 'info' | 'warning' | 'error';
  readonly title: string;
  readonly detail?: string;
  readonly rows?: readonly RowLink[];
  readonly actions?: readonly MessageAction[];
}

/** A key as people read it: `1`, `'BER-1', '000042'`. */
export function formatKey(key: readonly unknown[]): string {
  return key
    .map((v) => (typeof v === 'string' ? `'${v}'` : v === null ? 'NULL' : String(v)))
    .join(', ');
}

/**
 * A message for an error raised by the library or the browser. Conflicts and constraint errors
 * name the rows concerned so that the grid can show them.
 *
 * @example
 * ```ts
 * try { await db.push(); } catch (e) { show(errorMessage(e, 'Push refused')); }
 * ```
 */
export function errorMessage(error: unknown, title: string): Message {
  if (error instanceof ConflictError) {
    return {
      kind: 'error',
      title: `${title}: another tab changed ${error.conflicts.length} row(s) you edited`,
      detail:
        'Nothing was written and your edits are kept. Refresh to take the other changes in (your ' +
        'contested edits are dropped, the others kept), or overwrite them with yours.',
      rows: error.conflicts.map((c) => ({
        table: c.table,
        key: c.key,
        label: `${c.table} (${formatKey(c.key)})${c.missing ? ': row deleted' : `: ${c.columns.join(', ')}`}`,
      })),
    };
  }
  if (isPandalchemyError(error)) {
    const where = error.table === undefined ? [] : [error.table];
    const rows =
      error.table !== undefined && error.key !== undefined
        ? [{ table: error.table, key: error.key, label: `${where[0]} (${formatKey(error.key)})` }]
        : [];
    if (error.code === 'constraint') {
      return {
        kind: 'error',
        title: `${title}: the database refused it (${error.sqliteMessage ?? 'constraint failed'})`,
        // The library's message already says that nothing was written and what to fix.
        detail: `${error.message} Your edits are kept.`,
        rows,
      };
    }
    return { kind: 'error', title: `${title} (${error.code})`, detail: error.message, rows };
  }
  return {
    kind: 'error',
    title,
    detail: error instanceof Error ? error.message : String(error),
  };
}
