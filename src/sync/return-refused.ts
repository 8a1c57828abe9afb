import type { PandalchemyError } from '../errors/pandalchemy-error';
import { decodePlan } from '../plan/plan-json';
import type { OutboxEntry } from '../protocol/engine-api';
import type { RebaseConflict } from '../table/rebase';
import { returnEdits } from './return-edits';
import type { SyncHost } from './sync-host';
import type { RefusedPush } from './sync-options';

/**
 * Returns the edits of a push the server refused as pending edits of its tables (which hold the
 * server's rows again), and says what is contested: the refusal apps are told of.
 */
export async function returnRefused(
  host: SyncHost,
  entry: OutboxEntry,
  error: PandalchemyError,
): Promise<RefusedPush> {
  const plan = decodePlan(entry.plan);
  const conflicts: RebaseConflict[] = [];
  const tables: string[] = [];
  for (const name of entry.tables) {
    if (!host.hasTable(name)) continue;
    const table = await host.table(name);
    // Its own pending edits first take in the server's rows (they stay, as this device's).
    if (table.stale) conflicts.push(...(await table.refresh({ policy: 'keepLocal' })));
    conflicts.push(...returnEdits(table, plan, error));
    tables.push(name);
  }
  return { pushId: entry.id, error, conflicts, tables };
}
