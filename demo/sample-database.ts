import * as aq from 'arquero';
import { isStandIn, type PlaygroundDatabase } from './playground-database';
import { sampleFile } from './sample-file';
import { sampleTables } from './sample-tables';

/**
 * Fills `db` with the sample database (customers, orders, stock), replacing what it holds. The
 * file is built with full SQL (foreign key, CHECK, UNIQUE) and imported, as a user imports theirs.
 */
export async function createSampleDatabase(db: PlaygroundDatabase): Promise<void> {
  if (isStandIn(db)) {
    for (const name of db.tableNames()) await db.dropTable(name);
    for (const t of sampleTables()) {
      await db.createTable(t.name, aq.table(t.columns), {
        primaryKey: t.primaryKey,
        types: t.types,
      });
    }
    return;
  }
  await db.import(await sampleFile());
}
