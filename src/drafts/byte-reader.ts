import { invalid } from './restore-draft';

/** Characters made into a string at a time (a spread of many more overflows the stack). */
const CHUNK = 4096;

/**
 * Reads back what a {@link ByteWriter} wrote, value by value. Bytes that end early or do not
 * hold what they should throw `draft_invalid`: they come from storage.
 *
 * @example
 * ```ts
 * const r = new ByteReader(bytes);
 * const n = r.uint();
 * const s = r.text();
 * ```
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.at >= this.#bytes.length;
  }

  #need(n: number): void {
    if (this.at + n > this.#bytes.length) throw invalid('an appended save is cut short');
  }

  byte(): number {
    this.#need(1);
    return this.#bytes[this.at++]!;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 56) throw invalid('an appended save holds a malformed number');
    }
    return n;
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  float(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }

  raw(n: number): Uint8Array {
    this.#need(n);
    return this.#bytes.slice(this.at, (this.at += n));
  }

  text(): string {
    const n = this.uint();
    const wide = this.byte();
    if (wide > 1) throw invalid('an appended save holds malformed text');
    const width = wide + 1;
    this.#need(width * n);
    const units = new Array<number>(Math.min(n, CHUNK));
    let out = '';
    for (let from = 0; from < n; from += CHUNK) {
      const len = Math.min(CHUNK, n - from);
      units.length = len;
      for (let i = 0; i < len; i++) {
        const p = this.at + width * (from + i);
        units[i] = wide ? this.#view.getUint16(p, true) : this.#bytes[p]!;
      }
      out += String.fromCharCode(...units);
    }
    this.at += width * n;
    return out;
  }
}
