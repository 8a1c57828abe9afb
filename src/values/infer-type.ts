import { PandalchemyError } from '../errors/pandalchemy-error';

/**
 * The declared type for a new column holding `values`: BOOLEAN, INTEGER (whole numbers or BigInt),
 * REAL, TEXT, DATETIME (dates), BLOB. Nulls are ignored; mixed kinds are refused.
 *
 * @example
 * ```ts
 * inferDeclaredType([1, 2, null]) // 'INTEGER'
 * inferDeclaredType(['04567']) // 'TEXT'
 * ```
 */
export function inferDeclaredType(values: Iterable<unknown>, column = ''): string {
  let type: string | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t =
      typeof v === 'boolean'
        ? 'BOOLEAN'
        : typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))
          ? 'INTEGER'
          : typeof v === 'number'
            ? 'REAL'
            : typeof v === 'string'
              ? 'TEXT'
              : v instanceof Date
                ? 'DATETIME'
                : v instanceof Uint8Array || v instanceof ArrayBuffer
                  ? 'BLOB'
                  : 'unknown';
    if (t === 'unknown') return refuse(column, `a ${Object.prototype.toString.call(v)} value`);
    if (type === null || type === t) type = t;
    else if ((type === 'INTEGER' && t === 'REAL') || (type === 'REAL' && t === 'INTEGER'))
      type = 'REAL';
    else return refuse(column, `both ${type} and ${t} values`);
  }
  return type ?? refuse(column, 'only NULL values');
}

function refuse(column: string, why: string): never {
  throw new PandalchemyError(
    'invalid_argument',
    `Cannot infer a type for column '${column}' from ${why}: give the type explicitly.`,
    { column },
  );
}
