import type { DataStep } from '../../plan/execution-plan';
import { isRowidName } from '../../schema/rowid-name';
import type { TableInfo } from '../../schema/table-info';
import { matchedKeys } from './matched-keys';
import { isRowidKeyed } from './sqlite-rowid';

/**
 * Which rows of a data step the SQLite engine runs without RETURNING, where the statement would
 * otherwise end in it, when nothing but the push's own statements writes rows (no trigger, no
 * REPLACE, no foreign-key action that writes): the update hook then tells each row's rowid (see
 * the engine's `RowHook`), and the plan's keys tell the key as stored where they can (see
 * {@link matchedKeys}). `all`: every row; a Uint8Array: 1 for each such row; null: none. Only
 * for tables whose rowid is not their key; not for an update that moves keys, nor an insert that
 * names the rowid. (A table holding rowids beyond 2^53, which the hook cannot tell, keeps
 * RETURNING throughout.)
 */
export function toldRows(step: DataStep, info: TableInfo): 'all' | Uint8Array | null {
  if (info.withoutRowid || isRowidKeyed(info)) return null;
  if (step.kind === 'insert') return step.columns.some((c) => isRowidName(c)) ? null : 'all';
  if (step.kind === 'update' && step.set.some((c) => step.key.includes(c))) return null;
  const keys = matchedKeys(info, step.keys, step.count);
  return keys === null ? null : (keys.exact ?? 'all');
}
