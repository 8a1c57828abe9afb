import type { RedoRecord } from '../../protocol/engine-api';

/** Whether a commit may have changed the schema: it ran DDL, or rebuilt a table. */
export function changesSchema(record: RedoRecord): boolean {
  return record.ddl.length > 0 || record.effects.some((e) => e.reload);
}
