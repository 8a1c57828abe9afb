import { deleteDB } from 'idb';
import { deleteDrafts } from '../drafts/draft-store';

/**
 * Deletes a database and everything stored for it. Close it in every tab first: the deletion
 * waits until no tab holds it open.
 *
 * @example
 * ```ts
 * await db.close();
 * await deleteDatabase('shop');
 * ```
 */
export async function deleteDatabase(name: string): Promise<void> {
  await deleteDB(`pandalchemy:${name}`);
  await deleteDrafts(name);
}
