import type { Guard } from './execution-plan';

/**
 * The part of a guard that `conflict: 'overwrite'` keeps: that each row is still there, whatever
 * it holds. An update of a row another writer deleted writes nothing, and the push would resolve
 * as if it had written it; refused as a conflict (the row gone), the edit is kept.
 */
export function existenceGuard(guard: Guard | null): Guard | null {
  if (!guard) return null;
  return { key: guard.key, keys: guard.keys, columns: [], kinds: [], expected: [] };
}
