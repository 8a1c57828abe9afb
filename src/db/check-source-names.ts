import { PandalchemyError } from '../errors/pandalchemy-error';
import { nameForMessage } from '../errors/name-for-message';

/**
 * Refuses the column names of a source that no table can take as they are, before any table is
 * built from it: a name given twice (`name_taken`: Arquero keeps one column under it and the other
 * column's values would be lost without a word), and `__proto__` (`invalid_identifier`: an Arquero
 * table keeps its columns in an object, where that name sets the object's prototype instead).
 * Other names of `Object.prototype` members (`constructor`, `valueOf`...) are fine.
 *
 * @example
 * ```ts
 * checkSourceNames(['id', 'v', 'v'], 'The CSV header'); // throws name_taken
 * ```
 */
export function checkSourceNames(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new PandalchemyError(
        'name_taken',
        `${where} names column ${nameForMessage(name)} more than once: give every column its own name.`,
        { column: name },
      );
    }
    seen.add(name);
    if (name === '__proto__') {
      throw new PandalchemyError(
        'invalid_identifier',
        `${where} names a column "__proto__", which an Arquero table (what the library's tables are) cannot hold: rename that column.`,
        { column: name },
      );
    }
  }
}
