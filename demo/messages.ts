import {
  ConflictError,
  ForeignKeyError,
  isPandalchemyError,
  type ForeignKeyViolation,
  type RebaseConflict,
} from '../src/index';

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
  /** Lines to list under the detail (e.g. each contested edit, yours vs theirs). */
  readonly items?: readonly string[];
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
 * name the rows concerned so that the grid can show them. `deleted` tells whether a row is deleted by
 * the pending edits (a foreign-key message then says the push deletes it).
 *
 * @example
 * ```ts
 * try { await db.push(); } catch (e) { show(errorMessage(e, 'Push refused')); }
 * ```
 */
export function errorMessage(
  error: unknown,
  title: string,
  deleted: IsDeleted = () => false,
): Message {
  if (error instanceof ConflictError) {
    return {
      kind: 'error',
      title: `${title} (${error.code}): another tab changed ${error.conflicts.length} row(s) you edited`,
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
  if (error instanceof ForeignKeyError && error.violations.length) {
    return foreignKeyMessage(error, title, deleted);
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
        title: `${title} (${error.code}): the database refused it (${error.sqliteMessage ?? 'constraint failed'})`,
        // The library's message already says that nothing was written and what to fix.
        detail: `${error.message} Your edits are kept.`,
        rows,
      };
    }
    return {
      kind: 'error',
      title: `${title} (${error.code})`,
      detail: inUserTerms(error.message),
      rows,
    };
  }
  return {
    kind: 'error',
    title,
    detail: error instanceof Error ? error.message : String(error),
  };
}

/** Whether the row of `table` whose `columns` hold `values` is deleted by the pending edits. */
export type IsDeleted = (
  table: string,
  columns: readonly string[],
  values: readonly unknown[],
) => boolean;

/**
 * A push refused by a FOREIGN KEY: for each referenced row, which rows still point at it, in the
 * user's terms (a deleted customer that orders reference), with a Show link to every row.
 */
function foreignKeyMessage(error: ForeignKeyError, title: string, deleted: IsDeleted): Message {
  const groups = new Map<string, ForeignKeyViolation[]>();
  for (const v of error.violations) {
    const id = JSON.stringify([v.parent, v.parentColumns, formatKey(v.values)]);
    groups.set(id, [...(groups.get(id) ?? []), v]);
  }
  const sentences: string[] = [];
  const rows: RowLink[] = [];
  for (const group of groups.values()) {
    const v = group[0]!;
    const parent = `${v.parent} ${v.parentColumns.join(', ')} = ${formatKey(v.values)}`;
    const gone = deleted(v.parent, v.parentColumns, v.values);
    const referencing = group.map((r) => `${r.table} (${formatKey(r.key)})`).join(', ');
    sentences.push(
      gone
        ? `${parent} is deleted, but ${plural(group.length, 'row')} still reference it: ${referencing}`
        : `${referencing} ${group.length === 1 ? 'references' : 'reference'} ${parent}, which does not exist`,
    );
    if (gone)
      rows.push({ table: v.parent, key: v.values, label: `${v.parent} (${formatKey(v.values)})` });
    for (const r of group)
      rows.push({ table: r.table, key: r.key, label: `${r.table} (${formatKey(r.key)})` });
  }
  const first = error.violations[0]!;
  return {
    kind: 'error',
    title:
      groups.size === 1
        ? `${title} (${error.code}): ${sentences[0]}`
        : `${title} (${error.code}): rows of ${first.table} still reference rows of ${first.parent} that would be missing`,
    detail:
      `${sentences.join('. ')}. Nothing was written and your edits are kept: delete or change the ` +
      'referencing rows first, or undo the delete.',
    rows,
  };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The library's messages speak to programmers ("Pass { invalid: 'null' }"); where they name an
 * API option, the playground names the control that does the same.
 */
const USER_TERMS: readonly (readonly [RegExp, string])[] = [
  [
    /Pass \{ invalid: 'null' \} to set them to NULL or \{ invalid: 'keep' \} to convert them as SQLite would\./,
    'Under “Values the new type cannot hold”, choose “set them to NULL” or “keep them as SQLite would”.',
  ],
  // The SQL console runs queries through db.query().
  [/^query\(\) runs one read-only SELECT/, 'The console runs one read-only statement'],
  [/Use table edits and push\(\) to change data/, 'To change data, edit the tables and push'],
  [/use one query\(\) per statement/, 'run one statement at a time'],
  [/ \(db\.tables\(\) lists them\)/, ' (the sidebar lists the tables)'],
  [
    /use a new key, or update\(\) or upsert\(\) the row\./,
    'give the new row another key, or edit that row instead.',
  ],
];

/** A library message with API wording replaced by what a playground user does. */
export function inUserTerms(message: string): string {
  return USER_TERMS.reduce((m, [api, user]) => m.replace(api, user), message);
}

/** One contested edit as people read it: `customers (2) city: yours 'Munich', theirs 'Hamburg'`. */
export function yoursVersusTheirs(c: RebaseConflict): string {
  const where = `${c.table} (${formatKey(c.key)})`;
  const value = (row: Readonly<Record<string, unknown>> | null, column: string) =>
    row === null ? 'row deleted' : formatKey([row[column] ?? null]);
  const outcome = c.kept ? 'yours kept' : 'theirs taken';
  if (c.type === 'update' && c.columns.length) {
    const diffs = c.columns.map(
      (col) => `${col}: yours ${value(c.local, col)}, theirs ${value(c.remote, col)}`,
    );
    return `${where} ${diffs.join('; ')} (${outcome})`;
  }
  const theirs = c.remote === null ? 'the row is gone there' : 'the row was changed there';
  return `${where}: your ${c.type} (${theirs}; ${outcome})`;
}
