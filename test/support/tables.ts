import * as aq from 'arquero';
import { trackedTable, type TrackedTable } from '../../src/index';

/** A small users table keyed by an INTEGER id. */
export function users(): TrackedTable {
  return trackedTable(
    aq.table({
      id: [1, 2, 3],
      name: ['Ada', 'Grace', 'Linus'],
      zip: ['04567', '10001', '94107'],
      score: [1.5, 2.5, null],
    }),
    {
      name: 'users',
      key: ['id'],
      types: { id: 'INTEGER', name: 'TEXT', zip: 'TEXT', score: 'REAL' },
    },
  );
}

/** A table with a composite key (region, code). */
export function places(): TrackedTable {
  return trackedTable(
    aq.table({ region: ['eu', 'eu', 'us'], code: [1, 2, 1], label: ['a', 'b', 'c'] }),
    {
      name: 'places',
      key: ['region', 'code'],
      types: { region: 'TEXT', code: 'INTEGER', label: 'TEXT' },
    },
  );
}

/** A table without a declared key (tracked by rowid). */
export function notes(): TrackedTable {
  return trackedTable(aq.table({ body: ['x', 'y'] }), { name: 'notes', types: { body: 'TEXT' } });
}

/** Rows of the current snapshot as objects. */
export function rowsOf(t: TrackedTable): Record<string, unknown>[] {
  return t.table().objects() as Record<string, unknown>[];
}
