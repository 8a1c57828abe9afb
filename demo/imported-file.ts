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
