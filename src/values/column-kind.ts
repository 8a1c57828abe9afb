import { asciiTrim, asciiUpper } from './ascii-case';

/**
 * How a column's values are represented in JavaScript, derived from its declared SQLite type.
 *
 * - `integer`: INTEGER affinity; numbers, BigInt beyond 2^53.
 * - `real`: REAL affinity; numbers.
 * - `numeric`: NUMERIC affinity (NUMERIC, DECIMAL...); numbers or BigInt.
 * - `text`: TEXT affinity; strings, never converted to numbers.
 * - `blob`: declared BLOB; Uint8Array.
 * - `boolean`: declared BOOLEAN or BOOL; `true`/`false`, stored as 1/0.
 * - `date`: declared DATE; `Date` at UTC midnight, stored as `YYYY-MM-DD` text.
 * - `datetime`: declared DATETIME or TIMESTAMP; `Date`, stored as `YYYY-MM-DD HH:MM:SS.SSS` UTC text,
 *   the format of SQLite's own date functions.
 * - `any`: no declared type; any SQLite value.
 */
export type ColumnKind =
  'integer' | 'real' | 'numeric' | 'text' | 'blob' | 'boolean' | 'date' | 'datetime' | 'any';

/** Every column kind, in the order above. */
export const COLUMN_KINDS: readonly ColumnKind[] = [
  'integer',
  'real',
  'numeric',
  'text',
  'blob',
  'boolean',
  'date',
  'datetime',
  'any',
];

/**
 * The kind of a declared type, following SQLite's affinity rules (section 3.1 of "Datatypes In
 * SQLite"), with BOOLEAN, DATE and DATETIME/TIMESTAMP recognised first.
 *
 * @example
 * ```ts
 * kindOf('VARCHAR(20)') // 'text'
 * kindOf('BIGINT') // 'integer'
 * ```
 */
export function kindOf(declaredType: string): ColumnKind {
  const t = asciiUpper(asciiTrim(declaredType));
  const base = t.replace(/\s*\(.*$/s, '');
  if (base === 'BOOLEAN' || base === 'BOOL') return 'boolean';
  if (base === 'DATE') return 'date';
  if (base === 'DATETIME' || base === 'TIMESTAMP') return 'datetime';
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t === '') return 'any';
  if (t.includes('BLOB')) return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'numeric';
}

/** The declared type used when a column of this kind is created without an explicit type. */
export function declaredTypeOf(kind: ColumnKind): string {
  switch (kind) {
    case 'integer':
      return 'INTEGER';
    case 'real':
      return 'REAL';
    case 'numeric':
      return 'NUMERIC';
    case 'text':
      return 'TEXT';
    case 'blob':
      return 'BLOB';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'DATETIME';
    case 'any':
      return '';
  }
}
