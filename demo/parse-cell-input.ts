import type { ColumnKind } from '../src/index';

const INTEGER = /^[+-]?\d+$/;

/**
 * The value to set from what a user typed into a cell of a column of `kind`. Text columns keep
 * the text as typed ('04567' stays '04567'); numbers are parsed (integers beyond 2^53 as BigInt);
 * DATE and DATETIME text is left for the library to parse and check. An empty entry is NULL,
 * except in text columns, where it is the empty string (the Delete key sets NULL). Input that
 * does not parse is passed on unchanged, so that the library's error says what is wrong.
 *
 * @example
 * ```ts
 * parseCellInput('integer', '42'); // 42
 * parseCellInput('text', '04567'); // '04567'
 * parseCellInput('boolean', 'yes'); // true
 * ```
 */
export function parseCellInput(kind: ColumnKind, text: string): unknown {
  if (kind === 'text' || kind === 'any') return text;
  const s = text.trim();
  if (s === '') return null;
  switch (kind) {
    case 'integer':
      return INTEGER.test(s) ? toInteger(BigInt(s)) : s;
    case 'real':
    case 'numeric': {
      if (kind === 'numeric' && INTEGER.test(s)) return toInteger(BigInt(s));
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    case 'boolean': {
      const v = s.toLowerCase();
      if (['true', '1', 'yes', 'y'].includes(v)) return true;
      if (['false', '0', 'no', 'n'].includes(v)) return false;
      return s;
    }
    default:
      return s;
  }
}

function toInteger(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(b)
    : b;
}
