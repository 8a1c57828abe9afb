/**
 * Bytes written one value after another into a buffer that grows. A draft's appended edits are
 * written this way so that IndexedDB is handed one byte array per record: its structured clone
 * is a copy of the bytes, where a list of values is a walk over every value (most of a save's
 * time on the page).
 *
 * @example
 * ```ts
 * const w = new ByteWriter();
 * w.uint(300);
 * w.text('é');
 * const bytes = w.take(); // Uint8Array of exactly the bytes written
 * ```
 */
export class ByteWriter {
  #bytes: Uint8Array;
  #view: DataView;
  /** Bytes written so far. Setting it lower takes back what was written after. */
  length = 0;

  constructor(capacity = 4096) {
    this.#bytes = new Uint8Array(capacity);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** A copy of the bytes written (its buffer holds nothing else); the writer starts again. */
  take(): Uint8Array {
    const out = this.#bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }

  #room(n: number): void {
    const need = this.length + n;
    if (need <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(need, 2 * this.#bytes.length));
    grown.set(this.#bytes.subarray(0, this.length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  byte(b: number): void {
    this.#room(1);
    this.#bytes[this.length++] = b;
  }

  /** A non-negative integer up to 2^53, seven bits a byte (most numbers here take one to three). */
  uint(n: number): void {
    // Small integers (V8's Smis) take bit operators; others go apart, so that this stays typed
    // for them (a number past 2^30 seen here once would make V8 deoptimise it).
    if (n >= 0x40000000) return this.#bigUint(n);
    this.#room(5);
    const b = this.#bytes;
    let at = this.length;
    while (n >= 0x80) {
      b[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[at++] = n;
    this.length = at;
  }

  #bigUint(n: number): void {
    this.#room(8);
    const b = this.#bytes;
    // Arithmetic, not bit operators: those cut to 32 bits.
    while (n >= 0x80) {
      b[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[this.length++] = n;
  }

  /** A safe integer of either sign (zigzag: small magnitudes stay short). */
  int(n: number): void {
    if (n > -0x20000000 && n < 0x20000000) this.uint(n >= 0 ? n << 1 : (-n << 1) - 1);
    else this.#bigUint(n >= 0 ? 2 * n : -2 * n - 1);
  }

  float(v: number): void {
    this.#room(8);
    this.#view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /**
   * Text, exactly (NUL and lone surrogates kept): its length in UTF-16 units, a byte saying how
   * they follow (0: one byte each, all under 256; 1: two bytes each), then the units.
   */
  text(s: string): void {
    const n = s.length;
    this.uint(n);
    this.#room(1 + 2 * n);
    const b = this.#bytes;
    const at = this.length;
    let i = 0;
    b[at] = 0;
    for (; i < n; i++) {
      const u = s.charCodeAt(i);
      if (u > 0xff) break;
      b[at + 1 + i] = u;
    }
    if (i === n) {
      this.length = at + 1 + n;
      return;
    }
    b[at] = 1;
    for (let j = 0; j < n; j++) this.#view.setUint16(at + 1 + 2 * j, s.charCodeAt(j), true);
    this.length = at + 1 + 2 * n;
  }
}
