/**
 * Quotes an identifier as standard SQL does (SQLite and PostgreSQL alike): always double-quoted,
 * inner quotes doubled, so that any name, however hostile, is one identifier and never SQL.
 *
 * @example
 * ```ts
 * quoteIdentifier('my "col"') // '"my ""col"""'
 * ```
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
