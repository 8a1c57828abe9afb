import type { ColumnarData } from '../src/protocol/engine-api';
import type { TableInfo } from '../src/schema/table-info';
import { kindOf } from '../src/values/column-kind';

/** The 10 columns of the benchmark table: INTEGER, REAL and TEXT mixed, `id` the key. */
export const COLUMNS = [
  ['id', 'INTEGER'],
  ['qty', 'INTEGER'],
  ['price', 'REAL'],
  ['name', 'TEXT'],
  ['city', 'TEXT'],
  ['zip', 'TEXT'],
  ['score', 'REAL'],
  ['rank', 'INTEGER'],
  ['note', 'TEXT'],
  ['ratio', 'REAL'],
] as const;

/** The schema of the benchmark table as the engine would describe it. */
export function benchInfo(name = 'bench'): TableInfo {
  return {
    name,
    columns: COLUMNS.map(([n, t], i) => ({
      name: n,
      declaredType: t,
      kind: kindOf(t),
      notNull: i === 0,
      defaultSql: null,
      primaryKey: i === 0 ? 1 : 0,
    })),
    key: { kind: 'primary', columns: ['id'], autoAssigned: true },
    withoutRowid: false,
    autoIncrement: false,
    indexes: [],
    foreignKeys: [],
    triggers: [],
    sql: `CREATE TABLE "${name}" (${COLUMNS.map(([n, t]) => `"${n}" ${t}${n === 'id' ? ' PRIMARY KEY' : ''}`).join(', ')})`,
  };
}

/** Deterministic rows of the benchmark table, in columnar form (typed arrays for numbers). */
export function benchData(rows: number): ColumnarData {
  const id = new Float64Array(rows);
  const qty = new Float64Array(rows);
  const price = new Float64Array(rows);
  const score = new Float64Array(rows);
  const rank = new Float64Array(rows);
  const ratio = new Float64Array(rows);
  const name = new Array<string>(rows);
  const city = new Array<string>(rows);
  const zip = new Array<string>(rows);
  const note = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = i + 1;
    qty[i] = i % 1000;
    price[i] = (i % 9973) / 4;
    name[i] = `name ${i}`;
    city[i] = `city ${i % 500}`;
    zip[i] = String(i % 99999).padStart(5, '0');
    score[i] = ((i * 31) % 1000) / 10;
    rank[i] = i % 97;
    note[i] = i % 3 ? 'ok' : 'check this row';
    ratio[i] = i / rows;
  }
  return {
    names: COLUMNS.map(([n]) => n),
    columns: [id, qty, price, name, city, zip, score, rank, note, ratio],
    length: rows,
  };
}
