import { rowidName } from '../../src/dialect/sqlite/sqlite-rowid';
import { findTable } from '../../src/engine/introspect';
import { selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { quoteIdentifier as q } from '../../src/dialect/quote-identifier';
import type { ColumnarData } from '../../src/protocol/engine-api';

/** A stable text form of a cell for comparisons (BigInt, bytes and dates included). */
export function cellText(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array)
    return `x${[...v].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (v instanceof Date) return `D${v.getTime()}`;
  if (typeof v === 'number' && v !== v) return 'NaN';
  return JSON.stringify(v ?? null);
}

/** Rows of columnar data as sorted text lines, leaving out `skip` (a generated rowid). */
export function rowsText(data: ColumnarData, skip?: string): string[] {
  const cols = data.names.map((n, i) => [n, data.columns[i]!] as const).filter(([n]) => n !== skip);
  const out: string[] = [];
  for (let r = 0; r < data.length; r++)
    out.push(cols.map(([n, c]) => `${n}=${cellText(c[r])}`).join(' '));
  return out.sort();
}

/** Every table's schema and rows, rowids included: two databases with equal dumps are equal. */
export function dump(db: SqlDatabase): string {
  const out: string[] = [];
  for (const [name, sql] of selectRows(
    db,
    'SELECT name, sql FROM sqlite_schema ORDER BY type, name',
  )) {
    out.push(String(sql));
    const info = findTable(db, String(name));
    if (!info) continue;
    const rowid = info.withoutRowid ? null : rowidName(info);
    const order = rowid ? ` ORDER BY ${rowid}` : '';
    const cols = rowid ? `${rowid}, *` : '*';
    for (const row of selectRows(db, `SELECT ${cols} FROM ${q(info.name)}${order}`))
      out.push(row.map(cellText).join(','));
  }
  return out.join('\n');
}
