import type { Database } from '../src/index';
import { sampleFile } from './sample-file';

/**
 * Fills `db` with the sample database (customers, orders, stock), replacing what it holds. The
 * file is built with full SQL (foreign key, CHECK, UNIQUE) and imported, as a user imports theirs.
 */
export async function createSampleDatabase(db: Database): Promise<void> {
  await db.import(await sampleFile());
}
