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
    // Filled by push: `new Array(n)` of a large n is a dictionary-mode array, several times
    // slower to fill and to read.
    const out: CellValue[] = [];
    for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]!);
    return out;
  });
  return { ...head, columns };
}
