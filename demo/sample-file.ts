import { sampleTables } from './sample-tables';

/**
 * The sample database as an SQLite file, built with sql.js in the page: the library creates tables
 * from data, but a sample worth exploring also has a foreign key, CHECK and UNIQUE constraints and
 * an index, which only SQL declares. The playground imports the file, as a user would import
 * theirs. sql.js is loaded on demand, so later visits never download it twice.
 */
export async function sampleFile(): Promise<Uint8Array> {
  const [{ default: initSqlJs }, { default: wasmUrl }] = await Promise.all([
    import('sql.js'),
    import('sql.js/dist/sql-wasm.wasm?url'),
  ]);
  const SQL = await initSqlJs({ locateFile: () => wasmUrl });
  const db = new SQL.Database();
  try {
    db.run('BEGIN');
    for (const table of sampleTables()) {
      db.run(table.ddl);
      const names = Object.keys(table.columns);
      const insert = db.prepare(
        `INSERT INTO ${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      );
      const columns = names.map((n) => table.columns[n]!);
      const rows = columns[0]?.length ?? 0;
      for (let r = 0; r < rows; r++) insert.run(columns.map((c) => c[r] ?? null));
      insert.free();
    }
    db.run('CREATE INDEX orders_by_customer ON orders (customer_id)');
    db.run('COMMIT');
    return db.export();
  } finally {
    db.close();
  }
}
