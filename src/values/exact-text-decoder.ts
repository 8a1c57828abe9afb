/**
 * A UTF-8 decoder that gives text back exactly: a U+FEFF (byte-order mark) that starts it stays.
 * `new TextDecoder()` drops one, so a value stored as '\ufeffabc' would read back as 'abc', and a
 * column decoded as one run of text would shift every value after it by a character.
 */
export function exactTextDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

/**
 * Runs `init` (sql.js's `initSqlJs`) with `TextDecoder` keeping a leading U+FEFF, as
 * {@link exactTextDecoder} does: sql.js makes the one decoder it reads every text value with by
 * `new TextDecoder()` as it starts, and offers no other way to read text. The global is put back
 * once `init` settles.
 */
export async function withExactTextDecoder<T>(init: () => Promise<T>): Promise<T> {
  const native = globalThis.TextDecoder;
  class Exact extends native {
    constructor(label?: string, options?: TextDecoderOptions) {
      super(label, { ...options, ignoreBOM: true });
    }
  }
  globalThis.TextDecoder = Exact;
  try {
    return await init();
  } finally {
    globalThis.TextDecoder = native;
  }
}
