import { PandalchemyError } from '../errors/pandalchemy-error';
import { hasConstantDefault } from './column-defaults';
import { formatKey } from './format-key';
import { RestoreMutation } from './mutations';
import { ownCopies } from './own-copy';
import type { TableState } from './table-state';

/**
 * Refuses an operation that left two live rows holding one key: of the rows whose key it
 * `written`, the first that shares its key with another row. Checked when the operation ends,
 * not edit by edit, so that one call may swap or rotate keys.
 */
export function checkUniqueKeys(state: TableState, written: ReadonlySet<number>): void {
  for (const row of written) {
    if (!state.isLive(row) || !state.sharesKey(row)) continue;
    const key = state.currentKey(row);
    throw new PandalchemyError(
      'duplicate_key',
      `Table '${state.name}' already has a row with key ${formatKey(key)}: use a new key, or change or delete that row first (keys swapped in one call, such as setCells(), are fine).`,
      { table: state.name, key: ownCopies(key) },
    );
  }
}

/**
 * Keeps pending changes net by key, for `rows` an operation deleted, inserted or re-keyed: a
 * deleted stored row whose stored key a live row holds (an insert, or a key change, landed on it)
 * comes back holding that row's values, and that row goes instead. The database then sees an
 * UPDATE of the columns that differ rather than a DELETE and an INSERT, which would fire ON DELETE
 * CASCADE and wipe the row's children. Runs inside the operation, whose mutations it records.
 */
export function netKeys(state: TableState, rows: readonly number[]): void {
  const queue = [...rows];
  while (queue.length) {
    const x = queue.pop()!;
    if (x >= 0 && state.deleted.has(x)) {
      const holder = state.find(state.store.keyOf(x));
      if (holder !== undefined) takeOver(state, x, holder, queue);
    } else if (state.isLive(x)) {
      const key = state.currentKey(x);
      if (key.some((v) => v === null)) continue;
      const s = state.store.find(key);
      if (s >= 0 && s !== x && state.deleted.has(s)) takeOver(state, s, x, queue);
    }
  }
}

/** Deleted stored row `dead` comes back holding what live row `row` holds; `row` goes. */
function takeOver(state: TableState, dead: number, row: number, queue: number[]): void {
  const values = state.columns.map((c) =>
    // A column an insert left to a default only the database computes keeps its stored value.
    row < 0 && state.isUnset(row, c) && c.origin >= 0 && !hasConstantDefault(c)
      ? state.baseline(dead, c)
      : state.value(row, c),
  );
  state.remove(row);
  state.record(new RestoreMutation(dead));
  state.columns.forEach((c, i) => state.write(dead, c, values[i]!));
  // A stored row that went leaves its stored key free: another row may hold it now.
  if (row >= 0) queue.push(row);
}
