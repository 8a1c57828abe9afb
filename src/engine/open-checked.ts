import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';
import { selectValue, type SqlDatabase, type SqlJs } from './sqlite';
import { messageOf } from './sqlite-error';
import { introspect } from './introspect';
import { quoteIdentifier } from '../dialect/quote-identifier';

const SQLITE_HEADER = 'SQLite format 3\0';

/** Opens bytes as a database, refusing anything that is not a sound SQLite file. */
export function openChecked(sql: SqlJs, bytes: Uint8Array): SqlDatabase {
  if (!(bytes instanceof Uint8Array)) {
    throw new PandalchemyError(
      'invalid_argument',
      `import() takes the file as a Uint8Array or ArrayBuffer; got ${describeValue(bytes)}. Pass the file's bytes.`,
    );
  }
  const header = new TextDecoder().decode(bytes.subarray(0, 16));
  if (bytes.byteLength < 100 || header !== SQLITE_HEADER) {
    throw new PandalchemyError(
      'not_sqlite',
      `That file is not an SQLite database (it does not start with "SQLite format 3"). Nothing changed.`,
    );
  }
  let db: SqlDatabase;
  try {
    db = new sql.Database(bytes);
  } catch (e) {
    throw new PandalchemyError(
      'corrupt',
      `That SQLite file cannot be opened: ${messageOf(e)}. Nothing changed.`,
      {
        sqliteMessage: messageOf(e),
      },
    );
  }
  let verdict: string;
  try {
    verdict = String(selectValue(db, 'PRAGMA quick_check'));
  } catch (e) {
    verdict = messageOf(e);
  }
  if (verdict !== 'ok') {
    db.close();
    throw new PandalchemyError(
      'corrupt',
      `That SQLite file is damaged (${verdict}). Nothing changed.`,
      { sqliteMessage: verdict },
    );
  }
  try {
    checkReadable(db);
  } catch (e) {
    db.close();
    throw new PandalchemyError(
      'unsupported',
      `That SQLite file has a table this build of SQLite cannot read (${messageOf(e)}): sql.js has no rtree or fts5 module, for one. Drop or rebuild that table (FTS4 works) and import the file again. Nothing changed.`,
      { sqliteMessage: messageOf(e) },
    );
  }
  return db;
}

/**
 * Reads every table's schema and prepares a read of its rows: a table of a module this SQLite
 * lacks fails here ("no such module"), before the file replaces anything, not at its first use.
 */
function checkReadable(db: SqlDatabase): void {
  for (const info of introspect(db)) {
    db.prepare(`SELECT * FROM main.${quoteIdentifier(info.name)} LIMIT 0`).free();
  }
}
