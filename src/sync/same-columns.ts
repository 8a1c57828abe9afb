import type { ColumnKind } from '../values/column-kind';

/** A column as the device's table has it or as the server describes it. */
interface NamedColumn {
  readonly name: string;
  readonly kind: ColumnKind | string;
}

/**
 * Whether a local table has the columns of a server table: the same names, each of the same kind
 * (a column retyped on the server holds values the local one would convert).
 *
 * @example
 * ```ts
 * if (!sameColumns(local, load.columns)) await host.replaceLocalTable(createStepOf(load));
 * ```
 */
export function sameColumns(
  local: readonly NamedColumn[],
  server: readonly NamedColumn[],
): boolean {
  if (local.length !== server.length) return false;
  const kinds = new Map(local.map((c) => [c.name, c.kind]));
  return server.every((c) => kinds.get(c.name) === c.kind);
}

/**
 * Whether a commit's rows, with `columns`, fit the local table: it has exactly those columns (a
 * commit of deletes only names none, and fits).
 */
export function holdsColumns(local: readonly NamedColumn[], columns: readonly string[]): boolean {
  if (!columns.length) return true;
  if (columns.length !== local.length) return false;
  const names = new Set(local.map((c) => c.name));
  return columns.every((c) => names.has(c));
}
