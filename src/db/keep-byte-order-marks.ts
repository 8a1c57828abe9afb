/** What flechette's column batches hold, as far as strings need: see {@link keepByteOrderMarks}. */
export interface TextBatch {
  readonly length: number;
  readonly type: { readonly typeId: number };
  /** UTF-8 bytes (of a string batch), or keys (of a dictionary batch). */
  readonly values?: unknown;
  /** Where each string starts in `values`, and where the last one ends. */
  readonly offsets?: ArrayLike<number | bigint>;
  /** The column a dictionary batch's keys point into. */
  readonly dictionary?: TextColumn;
}

/** A flechette column: its batches, and its values decoded. */
export interface TextColumn {
  readonly data: readonly TextBatch[];
  toArray(): ArrayLike<unknown>;
}

/** Arrow's type ids of UTF-8 strings with 32- and 64-bit offsets, and of dictionaries. */
const UTF8_TYPES = new Set([5, 20]);
const DICTIONARY = -1;

/**
 * The values of an Arrow column, with the byte-order mark back at the start of the strings that
 * begin with one: flechette decodes each string with a TextDecoder, which drops a leading U+FEFF,
 * so '\uFEFFx' came in as 'x'. The marks are read from the bytes, in string columns and in the
 * dictionaries of dictionary-encoded ones. `values` is returned as it is when nothing needs mending.
 *
 * @example
 * ```ts
 * const column = tableFromIPC(bytes).getChildAt(0);
 * keepByteOrderMarks(column.data, column.toArray()); // ['\uFEFFa'], where toArray() gave ['a']
 * ```
 */
export function keepByteOrderMarks(
  batches: readonly TextBatch[],
  values: ArrayLike<unknown>,
): ArrayLike<unknown> {
  let out: unknown[] | null = null;
  const mend = (row: number, value: unknown) => {
    out ??= Array.from(values);
    out[row] = value;
  };
  // One dictionary may serve many batches: mended once.
  const dictionaries = new Map<TextColumn, ArrayLike<unknown>>();
  let base = 0;
  for (const batch of batches) {
    const bytes = batch.values;
    const offsets = batch.offsets;
    if (UTF8_TYPES.has(batch.type.typeId) && bytes instanceof Uint8Array && offsets) {
      for (let i = 0; i < batch.length; i++) {
        const v = values[base + i];
        const at = Number(offsets[i]);
        if (
          typeof v === 'string' &&
          Number(offsets[i + 1]) - at >= 3 &&
          bytes[at] === 0xef &&
          bytes[at + 1] === 0xbb &&
          bytes[at + 2] === 0xbf
        ) {
          mend(base + i, `\uFEFF${v}`);
        }
      }
    } else if (batch.type.typeId === DICTIONARY && batch.dictionary && isKeys(bytes)) {
      const dictionary = batch.dictionary;
      let words = dictionaries.get(dictionary);
      if (words === undefined) {
        const plain = dictionary.toArray();
        words = keepByteOrderMarks(dictionary.data, plain);
        dictionaries.set(dictionary, words === plain ? [] : words);
      }
      if (words.length) {
        for (let i = 0; i < batch.length; i++) {
          if (typeof values[base + i] === 'string') mend(base + i, words[Number(bytes[i])]);
        }
      }
    }
    base += batch.length;
  }
  return out ?? values;
}

function isKeys(v: unknown): v is ArrayLike<number | bigint> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}
