import type { CellValue } from '../values/sql-value';
import type { ColumnarData } from './engine-api';

/**
 * The table that `head` (names, length, seq) and its chunks, in order, make up: a column is one
 * Float64Array when every chunk of it is one, an array otherwise.
 *
 * @example
 * ```ts
 * joinChunks({ names: ['a'], columns: [[]], length: 3 }, [
 *   { names: ['a'], columns: [Float64Array.of(1, 2)], length: 2 },
 *   { names: ['a'], columns: [[null]], length: 1 },
 * ]).columns[0]; // [1, 2, null]
 * ```
 */
export function joinChunks(head: ColumnarData, chunks: readonly ColumnarData[]): ColumnarData {
  if (chunks.length === 1 && chunks[0]!.length === head.length)
    return { ...head, columns: chunks[0]!.columns };
  const columns = head.names.map((_, c) => {
    const parts = chunks.map((chunk) => chunk.columns[c]!);
    if (parts.every((p) => p instanceof Float64Array)) {
      const out = new Float64Array(head.length);
      let at = 0;
      for (const p of parts as Float64Array[]) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    }
    // One concat of the chunks' arrays: V8 copies packed arrays in bulk, where a loop pushing a
    // million values kept the page busy for about 300 ms (and `new Array(n)` of a large n is a
    // slow dictionary-mode array).
    const arrays = parts.map((p): CellValue[] =>
      p instanceof Float64Array ? Array.from(p) : (p as CellValue[]),
    );
    return ([] as CellValue[]).concat(...arrays);
  });
  return { ...head, columns };
}
