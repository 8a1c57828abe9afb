import { runInSlices, type SlicedWork } from '../schedule/run-in-slices';
import type { CellValue } from '../values/sql-value';
import type { ColumnarData } from './engine-api';
import { appendCellsWork } from './packed-text';

/**
 * Joins a table streamed in chunks (see `readTable`'s `onChunk`) on the page while they arrive:
 * each chunk is unpacked straight into the growing columns, a slice of a few milliseconds at a
 * time after the chunks before it, so that loading a million rows never holds the page for one
 * long task and builds no per-chunk arrays that a final join would copy again.
 *
 * A column is one Float64Array when every chunk of it is one, an array otherwise.
 *
 * @example
 * ```ts
 * const joiner = new ChunkJoiner();
 * const head = await engine.readTable(table, onProgress, (chunk) => joiner.add(chunk));
 * const data = await joiner.finish(head);
 * ```
 */
export class ChunkJoiner {
  #columns: ColumnBuilder[] = [];
  #expected = 0;
  #done: Promise<void> = Promise.resolve();
  #error: { readonly error: unknown } | null = null;

  /**
   * The number of rows to expect, when known before the first chunk: numeric columns are then
   * made that long at once instead of grown by doubling and cut to length at the end (each a copy
   * of up to 8 MB per million rows).
   */
  expect(rows: number | null): void {
    if (rows !== null && rows > 0 && this.#columns.length === 0) this.#expected = rows;
  }

  /** Takes a chunk, in its wire form, to append once the chunks before it are in. */
  add(chunk: ColumnarData): void {
    this.#done = this.#done
      .then(() => (this.#error ? undefined : runInSlices(this.#append(chunk))))
      .catch((error: unknown) => {
        this.#error ??= { error };
      });
  }

  /** The whole table: `head`'s names, seq and length with every chunk's rows, in order. */
  async finish(head: ColumnarData): Promise<ColumnarData> {
    await this.#done;
    if (this.#error) throw this.#error.error;
    const columns = head.names.map((_, c) => this.#columns[c]?.finish() ?? new Float64Array(0));
    return { ...head, columns };
  }

  *#append(chunk: ColumnarData): SlicedWork<void> {
    for (let c = 0; c < chunk.columns.length; c++) {
      const column = (this.#columns[c] ??= new ColumnBuilder(this.#expected));
      yield* column.append(chunk.columns[c]!);
    }
  }
}

/** Values between two chances to pause when a column turns from numbers into an array. */
const STEP = 4096;

/** One column being joined: numbers in a Float64Array until a chunk of other values comes. */
class ColumnBuilder {
  #numbers: Float64Array | null;
  #values: CellValue[] = [];
  #length = 0;

  constructor(expected: number) {
    this.#numbers = new Float64Array(expected || 1024);
  }

  *append(part: ColumnarData['columns'][number]): SlicedWork<void> {
    const numbers = this.#numbers;
    if (numbers && part instanceof Float64Array) {
      let grown = numbers;
      if (this.#length + part.length > numbers.length) {
        grown = new Float64Array(Math.max(numbers.length * 2, this.#length + part.length));
        grown.set(numbers.subarray(0, this.#length));
        this.#numbers = grown;
      }
      grown.set(part, this.#length);
      this.#length += part.length;
      return;
    }
    if (numbers) {
      // Filled by push: `new Array(n)` of a large n is a slow dictionary-mode array.
      for (let i = 0; i < this.#length; i++) {
        if (i % STEP === 0 && i > 0) yield;
        this.#values.push(numbers[i]!);
      }
      this.#numbers = null;
    }
    yield* appendCellsWork(part, this.#values);
    this.#length = this.#values.length;
  }

  finish(): Float64Array | CellValue[] {
    if (!this.#numbers) return this.#values;
    return this.#numbers.length === this.#length
      ? this.#numbers
      : this.#numbers.slice(0, this.#length);
  }
}
