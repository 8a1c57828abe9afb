import type { ErrorCode } from './error-code';

/** Where an error happened, when it concerns a table, a row, a column or a plan step. */
export interface ErrorContext {
  /** The table concerned. */
  readonly table?: string;
  /** The column concerned. */
  readonly column?: string;
  /** The key of the row concerned, one value per key column. */
  readonly key?: readonly unknown[];
  /** The plan step that failed, e.g. `update` or `addColumn`. */
  readonly step?: string;
  /**
   * The field of a plan that is not well formed (`invalid_plan`), as a path such as
   * `steps[2].values[1]`.
   */
  readonly field?: string;
  /** SQLite's own message, when SQLite raised the error. */
  readonly sqliteMessage?: string;
  /** The constraint a database refused a write by, when it names it (PostgreSQL does). */
  readonly constraint?: string;
}

/** The plain, structured-clone-safe form of an error, used to cross the worker boundary. */
export interface SerializedError extends ErrorContext {
  readonly name: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly conflicts?: readonly ConflictDetail[];
  readonly violations?: readonly ForeignKeyViolation[];
}

/** One row that another writer changed since it was read. */
export interface ConflictDetail {
  readonly table: string;
  /** The key of the row, one value per key column. */
  readonly key: readonly unknown[];
  /** The columns whose stored values differ from what the edit was based on. */
  readonly columns: readonly string[];
  /** True when the row no longer exists. */
  readonly missing: boolean;
}

/**
 * The one error class of the library. `code` is stable; `message` says what happened and what to do.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof PandalchemyError && e.code === 'unknown_column') showColumns(); }
 * ```
 */
export class PandalchemyError extends Error implements ErrorContext {
  override readonly name: string = 'PandalchemyError';
  readonly code: ErrorCode;
  readonly table?: string;
  readonly column?: string;
  readonly key?: readonly unknown[];
  readonly step?: string;
  readonly field?: string;
  readonly sqliteMessage?: string;
  readonly constraint?: string;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    if (context.table !== undefined) this.table = context.table;
    if (context.column !== undefined) this.column = context.column;
    if (context.key !== undefined) this.key = context.key;
    if (context.step !== undefined) this.step = context.step;
    if (context.field !== undefined) this.field = context.field;
    if (context.sqliteMessage !== undefined) this.sqliteMessage = context.sqliteMessage;
    if (context.constraint !== undefined) this.constraint = context.constraint;
  }

  /** The clone-safe form of this error. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...contextOf(this),
    };
  }
}

/**
 * A push refused because other writers changed rows it was based on. Nothing was written.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConflictError) for (const c of e.conflicts) console.log(c.key, c.columns); }
 * ```
 */
export class ConflictError extends PandalchemyError {
  override readonly name = 'ConflictError';
  readonly conflicts: readonly ConflictDetail[];

  constructor(conflicts: readonly ConflictDetail[], message?: string) {
    const first = conflicts[0];
    super(
      'conflict',
      message ?? conflictMessage(conflicts),
      first ? { table: first.table, key: first.key } : {},
    );
    this.conflicts = conflicts;
  }

  override toJSON(): SerializedError {
    return { ...super.toJSON(), name: this.name, conflicts: this.conflicts };
  }
}

/**
 * The first three conflicts for a message, `t [1] (qty); t [2] (row gone)`, and how many more;
 * `columns`: whether each says its columns.
 */
export function conflictList(conflicts: readonly ConflictDetail[], columns = true): string {
  const shown = conflicts
    .slice(0, 3)
    .map(
      (c) =>
        `${c.table} ${JSON.stringify(c.key, bigintReplacer)}` +
        (!columns ? '' : c.missing ? ' (row gone)' : ` (${c.columns.join(', ')})`),
    )
    .join('; ');
  return shown + (conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '');
}

function conflictMessage(conflicts: readonly ConflictDetail[]): string {
  return (
    `Another writer changed ${conflicts.length} row(s) this push is based on: ${conflictList(conflicts)}. ` +
    'Nothing was written and your edits are kept: refresh() to rebase them, or push({ conflict: "overwrite" }).'
  );
}

/**
 * A row that references a row that does not exist: its table and key, the columns that reference
 * and their values, and the table and columns they reference. Values in stored form.
 */
export interface ForeignKeyViolation {
  /** The referencing table, and the key of its row (one value per key column). */
  readonly table: string;
  readonly key: readonly unknown[];
  /** The row's columns that reference the other table, and their values. */
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
  /** The referenced table and columns: no row of it holds `values` in them. */
  readonly parent: string;
  readonly parentColumns: readonly string[];
}

/**
 * A push refused because it would leave rows referencing rows that do not exist (a FOREIGN KEY
 * constraint): rows it inserts or changes that reference a missing row, or rows that still
 * reference a row it deletes or re-keys. `violations` names them (the first ones, up to 100);
 * `table` and `key` are the first referencing row's. Nothing was written.
 *
 * @example
 * ```ts
 * catch (e) {
 *   if (e instanceof ForeignKeyError)
 *     for (const v of e.violations) console.log(v.table, v.key, 'references', v.parent, v.values);
 * }
 * ```
 */
export class ForeignKeyError extends PandalchemyError {
  override readonly name = 'ForeignKeyError';
  readonly violations: readonly ForeignKeyViolation[];

  constructor(
    violations: readonly ForeignKeyViolation[],
    sqliteMessage: string,
    total = violations.length,
    message?: string,
  ) {
    const first = violations[0];
    super('constraint', message ?? foreignKeyMessage(violations, total), {
      ...(first ? { table: first.table, key: first.key } : {}),
      sqliteMessage,
    });
    this.violations = violations;
  }

  override toJSON(): SerializedError {
    return { ...super.toJSON(), name: this.name, violations: this.violations };
  }
}

function foreignKeyMessage(violations: readonly ForeignKeyViolation[], total: number): string {
  const text = (v: unknown): string => JSON.stringify(v, bigintReplacer);
  const shown = violations
    .slice(0, 3)
    .map(
      (v) =>
        `${v.table} row ${text(v.key)} references ${v.parent} (${v.parentColumns.join(', ')}) ` +
        `${text(v.values)}, which does not exist`,
    )
    .join('; ');
  const more = total > 3 ? `; and ${total - 3} more` : '';
  return (
    `SQLite refused the push (FOREIGN KEY constraint failed): ${shown}${more}. Nothing was ` +
    'written: give those rows existing references, or keep (or add) the rows they reference, and push again.'
  );
}

/** JSON.stringify replacer that prints BigInt values instead of throwing. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function contextOf(e: ErrorContext): ErrorContext {
  const out: { -readonly [K in keyof ErrorContext]: ErrorContext[K] } = {};
  if (e.table !== undefined) out.table = e.table;
  if (e.column !== undefined) out.column = e.column;
  if (e.key !== undefined) out.key = e.key;
  if (e.step !== undefined) out.step = e.step;
  if (e.field !== undefined) out.field = e.field;
  if (e.sqliteMessage !== undefined) out.sqliteMessage = e.sqliteMessage;
  if (e.constraint !== undefined) out.constraint = e.constraint;
  return out;
}

/** True for errors raised by this library (also after they crossed the worker boundary). */
export function isPandalchemyError(value: unknown): value is PandalchemyError {
  return value instanceof PandalchemyError;
}

/** Rebuilds a typed error from its serialized form (the inverse of `toJSON`). */
export function fromSerializedError(s: SerializedError): PandalchemyError {
  if (s.code === 'conflict' && s.conflicts) return new ConflictError(s.conflicts, s.message);
  if (s.code === 'constraint' && s.violations) {
    return new ForeignKeyError(s.violations, s.sqliteMessage ?? '', s.violations.length, s.message);
  }
  return new PandalchemyError(s.code, s.message, contextOf(s));
}

/** True when `value` has the shape of a serialized error. */
export function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
