import type { CellOperation } from '../table/cell-operation';
import { UNSET } from '../table/mutations';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import type { DeltaCells, DeltaRecord, PackedDeltaRecord, StoredDelta } from './draft-record';
import { invalid } from './restore-draft';

// A value's kind, the byte before it.
const NULL = 0;
const UNSET_TAG = 1;
const FALSE = 2;
const TRUE = 3;
/** An integer within 2^29 (not -0), zigzag: most keys and counts take one to four bytes. */
const INT = 4;
const FLOAT = 5;
const TEXT = 6;
const BIGINT = 7;
const BYTES = 8;
const DATE = 9;
/** A key of several columns: their count, then each. */
const LIST = 10;

/** `at` as the difference from the edit before (edits of one save are milliseconds apart)... */
const AT_STEP = 0;
/** ...or in full, when that would not give it back exactly. */
const AT_FULL = 1;

function packValue(w: ByteWriter, v: unknown): void {
  switch (typeof v) {
    case 'number':
      // Within 2^29 either way: zigzagged, a small integer still (see ByteWriter.uint).
      if ((v | 0) === v && v > -0x20000000 && v < 0x20000000 && !Object.is(v, -0)) {
        w.byte(INT);
        w.int(v);
      } else {
        w.byte(FLOAT);
        w.float(v);
      }
      return;
    case 'string':
      w.byte(TEXT);
      w.text(v);
      return;
    case 'boolean':
      w.byte(v ? TRUE : FALSE);
      return;
    case 'bigint':
      w.byte(BIGINT);
      w.text(v.toString());
      return;
    case 'symbol':
      if (v !== UNSET) break;
      w.byte(UNSET_TAG);
      return;
    case 'object':
      if (v === null) return w.byte(NULL);
      if (v instanceof Uint8Array) {
        w.byte(BYTES);
        w.uint(v.length);
        w.raw(v);
        return;
      }
      if (v instanceof Date) {
        w.byte(DATE);
        w.float(v.getTime());
        return;
      }
      if (Array.isArray(v)) {
        w.byte(LIST);
        w.uint(v.length);
        for (const x of v as unknown[]) packValue(w, x);
        return;
      }
  }
  throw new Error(`A draft cannot save the value ${String(v)}.`);
}

function unpackValue(r: ByteReader, list = true): unknown {
  const tag = r.byte();
  switch (tag) {
    case NULL:
      return null;
    case UNSET_TAG:
      return { pandalchemyUnset: true };
    case FALSE:
      return false;
    case TRUE:
      return true;
    case INT:
      return r.int();
    case FLOAT:
      return r.float();
    case TEXT:
      return r.text();
    case BIGINT: {
      const s = r.text();
      if (!/^-?\d+$/.test(s)) throw invalid('an appended save holds a malformed integer');
      return BigInt(s);
    }
    case BYTES:
      return r.raw(r.uint());
    case DATE:
      return new Date(r.float());
    case LIST:
      if (list) {
        const n = r.uint();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(unpackValue(r, false));
        return out;
      }
  }
  throw invalid('an appended save holds a value of unknown kind');
}

/**
 * Writes single-cell edits one after another: row, column id, time, previous and new value,
 * the key as the edit named it. One part at a time (`take` ends it); the last edit written can
 * be taken back (`takeBack`) when it makes the part too big, to start the next part.
 */
export class CellPacker {
  readonly #w: ByteWriter;
  /** The time of the edit written last, or null at the start of a part. */
  #at: number | null = null;
  #lastStart = 0;
  #lastAt: number | null = null;

  /** `capacity`: the bytes expected (growing the buffer copies what it holds). */
  constructor(capacity = 4096) {
    this.#w = new ByteWriter(capacity);
  }

  /** Bytes written for the part so far. */
  get length(): number {
    return this.#w.length;
  }

  pack(op: CellOperation): void {
    const w = this.#w;
    if (!Number.isSafeInteger(op.row) || !Number.isSafeInteger(op.column.id))
      throw new Error('A draft cannot save an edit of this cell.');
    this.#lastStart = w.length;
    this.#lastAt = this.#at;
    w.int(op.row);
    w.uint(op.column.id);
    const at = op.at;
    const last = this.#at;
    // As a small integer when it is one (times are doubles: Date.now() is past 2^30).
    const step = last === null ? -1 : (at - last) | 0;
    if (step >= 0 && last! + step === at) {
      w.byte(AT_STEP);
      w.uint(step);
    } else {
      w.byte(AT_FULL);
      w.float(at);
    }
    packValue(w, op.prev);
    packValue(w, op.next);
    packValue(w, op.named.key);
    this.#at = at;
  }

  /** Takes back the edit written last. */
  takeBack(): void {
    this.#w.length = this.#lastStart;
    this.#at = this.#lastAt;
  }

  /** The part's bytes; the next part starts afresh. */
  take(): Uint8Array {
    this.#at = null;
    return this.#w.take();
  }
}

/** The edits of a packed part, field by field, as format 3 stored them. */
export function unpackCells(bytes: Uint8Array, count: number): DeltaCells {
  const r = new ByteReader(bytes);
  const rows = new Int32Array(count);
  const columns = new Int32Array(count);
  const at = new Float64Array(count);
  const prev = new Array<unknown>(count);
  const next = new Array<unknown>(count);
  const keys = new Array<unknown>(count);
  let time = NaN;
  for (let i = 0; i < count; i++) {
    rows[i] = r.int();
    columns[i] = r.uint();
    const how = r.byte();
    if (how === AT_STEP && i > 0) time += r.uint();
    else if (how === AT_FULL) time = r.float();
    else throw invalid('an appended edit lost its time');
    at[i] = time;
    prev[i] = unpackValue(r, false);
    next[i] = unpackValue(r, false);
    keys[i] = unpackValue(r);
  }
  if (!r.done) throw invalid('an appended save holds more edits than it says');
  return { rows, columns, at, prev, next, keys };
}

/**
 * A stored delta as the readers take it: a packed one (format 4) with its edits unpacked, one
 * of format 2 or 3 as it is. Throws `draft_invalid` when the bytes do not hold the edits its
 * events say.
 */
export function unpackDelta(rec: StoredDelta): DeltaRecord {
  if (typeof rec !== 'object' || rec === null || !('packed' in rec)) return rec;
  const p = rec as PackedDeltaRecord;
  if (!(p.packed instanceof Uint8Array) || typeof p.events !== 'string')
    throw invalid('an appended save is malformed');
  let count = 0;
  for (let i = 0; i < p.events.length; i++) if (p.events.charCodeAt(i) === 116) count++; // 't'
  const { packed, ...rest } = p;
  return { ...rest, cells: unpackCells(packed, count) };
}
