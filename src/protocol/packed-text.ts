import type { ColumnarData } from './engine-api';

/**
 * A text column on the wire: its strings as one UTF-8 buffer and their lengths in UTF-16 units
 * (NULL as 0xFFFFFFFF). Cloning a million strings one by one between threads costs several times
 * more than moving one buffer and cutting one decoded string.
 */
interface PackedText {
  readonly packed: 'utf8';
  readonly bytes: Uint8Array;
  readonly lengths: Uint32Array;
}

const NULL_LENGTH = 0xffffffff;
/** Columns shorter than this are cloned as they are. */
const MIN_ROWS = 1024;

function isPacked(c: unknown): c is PackedText {
  return typeof c === 'object' && c !== null && (c as PackedText).packed === 'utf8';
}

function packText(values: readonly unknown[]): PackedText | null {
  const lengths = new Uint32Array(values.length);
  let units = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      lengths[i] = v.length;
      units += v.length;
    } else if (v === null) lengths[i] = NULL_LENGTH;
    else return null;
  }
  return { packed: 'utf8', bytes: encodeAll(values as readonly (string | null)[], units), lengths };
}

/**
 * The strings' UTF-8 bytes, one after the other. ASCII is copied a code unit at a time, the rest of
 * a string that is not ASCII goes through `encodeInto`: about three times faster than joining a
 * million strings and encoding the result. (Values read from SQLite are well-formed UTF-16, so
 * every string decodes back to its own length.)
 */
function encodeAll(values: readonly (string | null)[], units: number): Uint8Array {
  const encoder = new TextEncoder();
  let buf = new Uint8Array(units + 64);
  let at = 0;
  for (const v of values) {
    if (v === null) continue;
    const n = v.length;
    if (at + n * 3 > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, at + n * 3));
      grown.set(buf.subarray(0, at));
      buf = grown;
    }
    let k = 0;
    for (; k < n; k++) {
      const c = v.charCodeAt(k);
      if (c >= 0x80) break;
      buf[at + k] = c;
    }
    at += k;
    if (k < n) at += encoder.encodeInto(v.slice(k), buf.subarray(at)).written!;
  }
  return buf.slice(0, at);
}

function unpackText(p: PackedText): (string | null)[] {
  const text = new TextDecoder().decode(p.bytes);
  const out = new Array<string | null>(p.lengths.length);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    const n = p.lengths[i]!;
    if (n === NULL_LENGTH) out[i] = null;
    else {
      out[i] = text.slice(at, at + n);
      at += n;
    }
  }
  return out;
}

/** The wire form of table data (worker side), with the buffers to transfer. */
export function packColumns(data: ColumnarData): { data: ColumnarData; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const columns = data.columns.map((c) => {
    if (c instanceof Float64Array) {
      transfer.push(c.buffer as ArrayBuffer);
      return c;
    }
    if (c.length < MIN_ROWS) return c;
    const packed = packText(c);
    if (!packed) return c;
    transfer.push(packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer);
    return packed as unknown as ColumnarData['columns'][number];
  });
  return { data: { ...data, columns }, transfer };
}

/** Table data from its wire form (main-thread side). */
export function unpackColumns(data: ColumnarData): ColumnarData {
  if (!data.columns.some(isPacked)) return data;
  return { ...data, columns: data.columns.map((c) => (isPacked(c) ? unpackText(c) : c)) };
}
