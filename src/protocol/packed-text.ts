import type { ColumnValues } from '../plan/execution-plan';
import { runAtOnce, type SlicedWork } from '../schedule/run-in-slices';
import type { CellValue } from '../values/sql-value';
import type { ColumnarData } from './engine-api';
import { exactTextDecoder } from '../values/exact-text-decoder';

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

/** Strings packed between two chances to pause (see `runInSlices`). */
const PER_STEP = 4096;

function packText(values: readonly unknown[]): PackedText | null {
  return runAtOnce(packTextWork(values, 0, 0));
}

/**
 * {@link packText} as work that pauses every few thousand strings: `before` and `total` place its
 * progress within a larger piece of work.
 */
export function* packTextWork(
  values: readonly unknown[],
  before: number,
  total: number,
): SlicedWork<PackedText | null> {
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
  const bytes = yield* encodeAll(values as readonly (string | null)[], units, before, total);
  return { packed: 'utf8', bytes, lengths };
}

/**
 * The strings' UTF-8 bytes, one after the other. ASCII is copied a code unit at a time, the rest of
 * a string that is not ASCII goes through `encodeInto`: about three times faster than joining a
 * million strings and encoding the result. (Values read from SQLite are well-formed UTF-16, so
 * every string decodes back to its own length.)
 */
function* encodeAll(
  values: readonly (string | null)[],
  units: number,
  before: number,
  total: number,
): SlicedWork<Uint8Array> {
  const encoder = new TextEncoder();
  let buf = new Uint8Array(units + 64);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    if (i % PER_STEP === 0 && i > 0) yield { done: before + i, total };
    const v = values[i];
    if (v === null || v === undefined) continue;
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
  const text = exactTextDecoder().decode(p.bytes);
  // Filled by push: `new Array(n)` of a large n is a slow dictionary-mode array.
  const out: (string | null)[] = [];
  const count = p.lengths.length;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = p.lengths[i]!;
    if (n === NULL_LENGTH) out.push(null);
    else {
      out.push(text.slice(at, at + n));
      at += n;
    }
  }
  return out;
}

/**
 * A column of numbers and NULLs on the wire: the numbers in a Float64Array, a 1 in `nulls` where a
 * value is NULL. Cloned as an array, each value is tagged and read back one by one.
 */
interface PackedNumbers {
  readonly packed: 'f64';
  readonly values: Float64Array;
  readonly nulls: Uint8Array;
}

function isPackedNumbers(c: unknown): c is PackedNumbers {
  return typeof c === 'object' && c !== null && (c as PackedNumbers).packed === 'f64';
}

function* packNumbersWork(
  values: readonly unknown[],
  before: number,
  total: number,
): SlicedWork<PackedNumbers | null> {
  const out = new Float64Array(values.length);
  const nulls = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (i % PER_STEP === 0 && i > 0) yield { done: before + i, total };
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null) nulls[i] = 1;
    else return null;
  }
  return { packed: 'f64', values: out, nulls };
}

function unpackNumbers(p: PackedNumbers): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < p.values.length; i++) out.push(p.nulls[i] ? null : p.values[i]!);
  return out;
}

/**
 * A column of a plan's insert in its wire form, with the buffers to move: text and numbers with
 * NULLs packed (see {@link PackedText}, {@link PackedNumbers}), other columns as they are.
 */
export function* packValuesWork(
  values: ColumnValues,
  before: number,
  total: number,
): SlicedWork<{ values: ColumnValues; transfer: ArrayBuffer[] }> {
  if (values instanceof Float64Array || values.length < MIN_ROWS) return { values, transfer: [] };
  const first = values.find((v) => v !== null);
  if (typeof first === 'string') {
    const packed = yield* packTextWork(values, before, total);
    if (packed)
      return {
        values: packed as unknown as ColumnValues,
        transfer: [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer],
      };
  } else if (typeof first === 'number') {
    const packed = yield* packNumbersWork(values, before, total);
    if (packed)
      return {
        values: packed as unknown as ColumnValues,
        transfer: [packed.values.buffer as ArrayBuffer, packed.nulls.buffer as ArrayBuffer],
      };
  }
  return { values, transfer: [] };
}

/** A column from its wire form (see {@link packValuesWork}). */
export function unpackValues(values: ColumnValues): ColumnValues {
  if (isPacked(values)) return unpackText(values);
  if (isPackedNumbers(values)) return unpackNumbers(values);
  return values;
}

/**
 * Dates and NULLs on the wire: milliseconds since the epoch, a 1 in `nulls` where NULL. A Date
 * cloned is an object read back one by one: a 100,000-row chunk of them kept the page busy.
 */
interface PackedDates {
  readonly packed: 'date';
  readonly values: Float64Array;
  readonly nulls: Uint8Array;
}

/** Booleans and NULLs on the wire: 0 false, 1 true, 2 NULL. */
interface PackedBooleans {
  readonly packed: 'bool';
  readonly values: Uint8Array;
}

function packDates(values: readonly unknown[]): PackedDates | null {
  const out = new Float64Array(values.length);
  const nulls = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Date) out[i] = v.getTime();
    else if (v === null) nulls[i] = 1;
    else return null;
  }
  return { packed: 'date', values: out, nulls };
}

function packBooleans(values: readonly unknown[]): PackedBooleans | null {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (v === null) out[i] = 2;
    else return null;
  }
  return { packed: 'bool', values: out };
}

type PackedColumn = PackedText | PackedNumbers | PackedDates | PackedBooleans;

function isPackedColumn(c: unknown): c is PackedColumn {
  const packed = typeof c === 'object' && c !== null ? (c as { packed?: unknown }).packed : null;
  return packed === 'utf8' || packed === 'f64' || packed === 'date' || packed === 'bool';
}

/** A column of table data packed by its values' type, or null when they are of several. */
function packCells(values: readonly unknown[]): PackedColumn | null {
  const first = values.find((v) => v !== null);
  if (typeof first === 'string') return packText(values);
  if (typeof first === 'number') return runAtOnce(packNumbersWork(values, 0, 0));
  if (typeof first === 'boolean') return packBooleans(values);
  if (first instanceof Date) return packDates(values);
  return null;
}

function buffersOf(p: PackedColumn): ArrayBuffer[] {
  switch (p.packed) {
    case 'utf8':
      return [p.bytes.buffer as ArrayBuffer, p.lengths.buffer as ArrayBuffer];
    case 'bool':
      return [p.values.buffer as ArrayBuffer];
    default:
      return [p.values.buffer as ArrayBuffer, p.nulls.buffer as ArrayBuffer];
  }
}

function unpackCells(p: PackedColumn): CellValue[] {
  switch (p.packed) {
    case 'utf8':
      return unpackText(p);
    case 'f64':
      return unpackNumbers(p);
    case 'bool': {
      const out: (boolean | null)[] = [];
      for (let i = 0; i < p.values.length; i++)
        out.push(p.values[i] === 2 ? null : p.values[i] === 1);
      return out;
    }
    case 'date': {
      const out: (Date | null)[] = [];
      for (let i = 0; i < p.values.length; i++)
        out.push(p.nulls[i] ? null : new Date(p.values[i]!));
      return out;
    }
  }
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
    const packed = packCells(c);
    if (!packed) return c;
    transfer.push(...buffersOf(packed));
    return packed as unknown as ColumnarData['columns'][number];
  });
  return { data: { ...data, columns }, transfer };
}

/** Table data from its wire form (main-thread side). */
export function unpackColumns(data: ColumnarData): ColumnarData {
  if (!data.columns.some(isPackedColumn)) return data;
  return {
    ...data,
    columns: data.columns.map((c) => (isPackedColumn(c) ? unpackCells(c) : c)),
  };
}

/** Short strings that repeat (kinds, codes, flags) are kept once per chunk: see `appendText`. */
const INTERN_MAX_LENGTH = 16;
const INTERN_MAX_ENTRIES = 1024;
/** Values after which interning stops when fewer than half of them were repeats. */
const INTERN_TRIAL = 4096;

/**
 * Appends a packed text column to `out`. Each short string that repeats within the chunk is kept
 * once: a million rows of a handful of distinct values otherwise make a million strings that all
 * survive into the old generation, and copying them there is most of the garbage collector's
 * work while a large table loads. A column whose values do not repeat stops interning early.
 */
function* appendText(p: PackedText, out: CellValue[]): SlicedWork<void> {
  const text = exactTextDecoder().decode(p.bytes);
  const seen = new Map<string, string>();
  let intern = true;
  let hits = 0;
  let at = 0;
  for (let i = 0; i < p.lengths.length; i++) {
    if (i % PER_STEP === 0 && i > 0) yield;
    const n = p.lengths[i]!;
    if (n === NULL_LENGTH) {
      out.push(null);
      continue;
    }
    let s = text.slice(at, at + n);
    at += n;
    if (intern && n <= INTERN_MAX_LENGTH) {
      const kept = seen.get(s);
      if (kept !== undefined) {
        s = kept;
        hits++;
      } else if (seen.size < INTERN_MAX_ENTRIES) seen.set(s, s);
    }
    if (i === INTERN_TRIAL && hits * 2 < i) intern = false;
    out.push(s);
  }
}

/**
 * Appends a column of a streamed chunk, in its wire form (see {@link packColumns}), to `out`,
 * pausing every few thousand values: unpacking a 100,000-row chunk of dates, booleans and text at
 * once kept the page busy for hundreds of milliseconds on a loaded machine.
 */
export function* appendCellsWork(
  column: ColumnarData['columns'][number],
  out: CellValue[],
): SlicedWork<void> {
  if (!isPackedColumn(column as unknown)) {
    for (let i = 0; i < column.length; i++) {
      if (i % PER_STEP === 0 && i > 0) yield;
      out.push(column[i]!);
    }
    return;
  }
  const p = column as unknown as PackedColumn;
  if (p.packed === 'utf8') return yield* appendText(p, out);
  const n = p.values.length;
  for (let i = 0; i < n; i++) {
    if (i % PER_STEP === 0 && i > 0) yield;
    switch (p.packed) {
      case 'f64':
        out.push(p.nulls[i] ? null : p.values[i]!);
        break;
      case 'bool':
        out.push(p.values[i] === 2 ? null : p.values[i] === 1);
        break;
      case 'date':
        out.push(p.nulls[i] ? null : new Date(p.values[i]!));
        break;
    }
  }
}
