/**
 * What the playground makes of a file a user imports: an SQLite database replaces the database, a
 * CSV file becomes a new table named after the file.
 */

/** Whether `bytes` start with the SQLite file header. */
export function isSqliteFile(bytes: Uint8Array): boolean {
  const magic = 'SQLite format 3\0';
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

/** Whether a file's name says it is an SQLite database (`.sqlite`, `.sqlite3`, `.db`). */
export function hasSqliteName(fileName: string): boolean {
  return /\.(sqlite3?|db)$/i.test(fileName);
}

/**
 * A table name for a file, free among `taken`: `Sales 2024.csv` -> `sales_2024`, then
 * `sales_2024_2`.
 */
export function tableNameFor(fileName: string, taken: readonly string[]): string {
  const base =
    fileName
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .replace(/^(?=\d)/, 't_') || 'imported';
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * The key of a CSV table: its first column when that is named `id` (the common convention);
 * otherwise none, and rows are keyed by SQLite's rowid.
 */
export function csvPrimaryKey(csv: string): string | undefined {
  const end = csv.search(/\r?\n/);
  const first = (end < 0 ? csv : csv.slice(0, end)).split(',')[0]?.trim().replace(/"/g, '');
  return first?.toLowerCase() === 'id' ? first : undefined;
}
