import type { CellValue, ColumnKind, TrackedTable } from '../src/index';
import { formatCell } from './format-cell';
import { parseCellInput } from './parse-cell-input';

/** How a filter condition compares a cell with its value. */
export type FilterOp =
  '=' | '!=' | '<' | '>' | '<=' | '>=' | 'contains' | 'is one of' | 'is null' | 'is not null';

export const FILTER_OPS: readonly FilterOp[] = [
  '=',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'contains',
  'is one of',
  'is null',
  'is not null',
];

/** One condition of a filter: `total > 100`, `email is null`, `name contains 'ada'`. */
export interface Condition {
  readonly column: string;
  readonly op: FilterOp;
  /** As typed; parsed as the column's kind (unused by `is null` and `is not null`). */
  readonly value: string;
}

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

/** How the grid shows a table: filtered, searched and sorted as a view, never as an edit. */
export interface ViewSpec {
  /** Every condition must hold (AND). */
  readonly filters: readonly Condition[];
  /** Rows with any cell, as shown, containing this text (case-insensitive); '' for none. */
  readonly search: string;
  /** First key first; equal rows keep table order. */
  readonly sorts: readonly SortKey[];
}

export const PLAIN_VIEW: ViewSpec = { filters: [], search: '', sorts: [] };

export function isPlainView(spec: ViewSpec): boolean {
  return spec.filters.length === 0 && spec.search === '' && spec.sorts.length === 0;
}

/** A view's progress: what is being done, and how far. */
export interface ViewProgress {
  readonly phase: 'Filtering' | 'Sorting';
  readonly done: number;
  readonly total: number;
}

/**
 * The row references the grid shows, in display order. Without a view: every row in table order,
 * deleted ones included so that they show struck through. With one: the live rows (deleted rows
 * are not part of a view) that pass every condition and the search, in sort order.
 *
 * The work is a generator that stops every few thousand rows to report its progress: run to the
 * end at once (`viewRefs`), or a slice at a time between frames (`viewRefsAsync`), which keeps a
 * million-row sort from freezing the page.
 *
 * @example
 * ```ts
 * const refs = viewRefs(orders, { ...PLAIN_VIEW, sorts: [{ column: 'total', descending: true }] });
 * orders.valueAt(refs[0], 'total'); // the largest total
 * ```
 */
export function viewRefs(table: TrackedTable, spec: ViewSpec): Int32Array {
  const steps = viewSteps(table, spec);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `viewRefs` a slice of at most `sliceMs` at a time, yielding to the page between slices;
 * `onProgress` hears how far it is. Resolves to null when `cancelled()` turns true.
 */
export async function viewRefsAsync(
  table: TrackedTable,
  spec: ViewSpec,
  onProgress: (p: ViewProgress) => void,
  cancelled: () => boolean = () => false,
  sliceMs = 25,
): Promise<Int32Array | null> {
  const steps = viewSteps(table, spec);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      onProgress(r.value);
      await yieldToPage();
      if (cancelled()) return null;
      sliceStart = performance.now();
    }
  }
}

/** Rows or comparisons between two checks of the clock. */
const STEP = 512;

function* viewSteps(
  table: TrackedTable,
  spec: ViewSpec,
): Generator<ViewProgress, Int32Array, undefined> {
  const kinds = new Map(table.columns.map((c) => [c.name, c.kind]));
  const filters = spec.filters.filter((f) => kinds.has(f.column));
  const sorts = spec.sorts.filter((s) => kinds.has(s.column));
  const search = spec.search.trim().toLowerCase();
  if (!filters.length && !sorts.length && !search) return table.rowRefs({ includeDeleted: true });

  let refs = table.rowRefs();
  if (filters.length || search) {
    const tests = filters.map((f) => conditionTest(f, kinds.get(f.column)!));
    const columns = [...kinds];
    const kept = new Int32Array(refs.length);
    let n = 0;
    for (let i = 0; i < refs.length; i++) {
      if (i % STEP === 0) yield { phase: 'Filtering', done: i, total: refs.length };
      const ref = refs[i]!;
      if (!tests.every((t) => t(table.valueAt(ref, t.column)))) continue;
      if (search && !columns.some(([c, k]) => matches(table.valueAt(ref, c), k, search))) continue;
      kept[n++] = ref;
    }
    refs = kept.slice(0, n);
  }
  if (sorts.length && refs.length > 1) {
    const keys: { values: Comparable[]; sign: number }[] = [];
    for (const s of sorts) {
      const kind = kinds.get(s.column)!;
      const out = new Array<Comparable>(refs.length);
      for (let i = 0; i < refs.length; i++) {
        if (i % STEP === 0) yield { phase: 'Sorting', done: 0, total: refs.length };
        out[i] = comparable(table.valueAt(refs[i]!, s.column), kind);
      }
      keys.push({ values: out, sign: s.descending ? -1 : 1 });
    }
    const order = yield* mergeSort(refs.length, (a, b) => {
      for (const k of keys) {
        const c = compare(k.values[a]!, k.values[b]!);
        if (c !== 0) return c * k.sign;
      }
      return 0;
    });
    const sorted = new Int32Array(refs.length);
    for (let i = 0; i < order.length; i++) sorted[i] = refs[order[i]!]!;
    refs = sorted;
  }
  return refs;
}

/**
 * The positions 0..n-1 in the order of `cmp`, stable: a bottom-up merge sort that reports its
 * progress (passes of n merges each) every STEP elements.
 */
function* mergeSort(
  n: number,
  cmp: (a: number, b: number) => number,
): Generator<ViewProgress, Int32Array, undefined> {
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  const passes = Math.ceil(Math.log2(n));
  const total = passes * n;
  let pass = 0;
  for (let width = 1; width < n; width *= 2, pass++) {
    let out = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      while (i < mid || j < hi) {
        if (j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0)) dst[out++] = src[i++]!;
        else dst[out++] = src[j++]!;
        if (out % STEP === 0) yield { phase: 'Sorting', done: pass * n + out, total };
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

type Comparable = number | string | null;

/** A cell as it sorts and compares: numbers, dates and booleans as numbers, the rest as text. */
function comparable(value: CellValue, kind: ColumnKind): Comparable {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return formatCell(value, kind);
}

/** NULL first, then numbers, then text (as SQLite orders them). */
function compare(a: Comparable, b: Comparable): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(value: CellValue, kind: ColumnKind, needle: string): boolean {
  return value !== null && formatCell(value, kind).toLowerCase().includes(needle);
}

type CellTest = ((value: CellValue) => boolean) & { column: string };

/**
 * A condition as a test of one cell. The value is read as the column's kind (as a cell edit reads
 * it): `total > 100` compares numbers, `ordered_at >= 2024-03-01` dates (as their text, which
 * orders them), text compares as text. NULL passes only `is null`.
 */
function conditionTest(c: Condition, kind: ColumnKind): CellTest {
  const test = ((): ((value: CellValue) => boolean) => {
    switch (c.op) {
      case 'is null':
        return (v) => v === null;
      case 'is not null':
        return (v) => v !== null;
      case 'contains': {
        const needle = c.value.toLowerCase();
        return (v) => matches(v, kind, needle);
      }
      case 'is one of': {
        // Comma-separated values, each read as the column's kind: `1, 5, 7`.
        const tests = c.value
          .split(',')
          .map((part) => conditionTest({ column: c.column, op: '=', value: part.trim() }, kind));
        return (v) => tests.some((t) => t(v));
      }
    }
    const parsed = parseCellInput(kind, c.value) as CellValue;
    const wanted = typeof parsed === 'string' ? normalDate(parsed, kind) : comparable(parsed, kind);
    const asText = typeof wanted === 'string';
    const order = (v: CellValue): number | null => {
      if (v === null || wanted === null) return null;
      const have = asText ? formatCell(v, kind) : comparable(v, kind);
      return compare(have, wanted);
    };
    const op = c.op;
    return (v) => {
      const o = order(v);
      if (o === null) return false;
      switch (op) {
        case '=':
          return o === 0;
        case '!=':
          return o !== 0;
        case '<':
          return o < 0;
        case '>':
          return o > 0;
        case '<=':
          return o <= 0;
        default:
          return o >= 0;
      }
    };
  })();
  return Object.assign(test, { column: c.column });
}

/** A date typed as `2024-03-01T10:00` compares like the grid's `2024-03-01 10:00`. */
function normalDate(text: string, kind: ColumnKind): string {
  return kind === 'date' || kind === 'datetime' ? text.trim().replace('T', ' ') : text;
}

/** Lets the page handle input and paint: a message through a channel (setTimeout is clamped). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}
