import { describe, expect, test } from 'vitest';
import { createTableSteps } from '../../src/db/create-table-steps';
import { sourceTable } from '../../src/db/table-source';
import { inferTextColumn } from '../../src/db/infer-columns';
import { parseCsv } from '../../src/db/parse-csv';
import { PandalchemyError } from '../../src/index';

describe('tables from CSV, JSON and Arquero', () => {
  test('keeps text with leading zeros as text and types the rest', () => {
    expect(inferTextColumn(['04567', '12345'])).toEqual({
      type: 'TEXT',
      values: ['04567', '12345'],
    });
    expect(inferTextColumn(['1', '-2', ''])).toEqual({ type: 'INTEGER', values: [1, -2, null] });
    expect(inferTextColumn(['1.5', '2'])).toEqual({ type: 'REAL', values: [1.5, 2] });
    expect(inferTextColumn(['true', 'false'])).toEqual({ type: 'BOOLEAN', values: [true, false] });
    expect(inferTextColumn(['2024-01-05']).type).toBe('DATE');
    expect(inferTextColumn(['9223372036854775807']).values).toEqual([9223372036854775807n]);
    // Past 64 bits a number column would round it: it stays text, exactly as written.
    expect(inferTextColumn(['9223372036854775809', '1'])).toEqual({
      type: 'TEXT',
      values: ['9223372036854775809', '1'],
    });
    expect(inferTextColumn(['1e400']).type).toBe('TEXT');
  });

  test('refuses ragged CSV', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/line 3 has 1 field/);
    expect(() => parseCsv('a,b\n"x\ny",2\n')).not.toThrow();
    expect(() => parseCsv('a,b\n"open,2\n')).toThrow(PandalchemyError);
  });

  test('builds a CREATE TABLE step and one batched insert', () => {
    const { table, types } = sourceTable({ csv: 'id,zip,price\n1,04567,2.5\n2,10001,3\n' });
    const steps = createTableSteps('cities', table, { primaryKey: 'id' }, types);
    expect(steps[0]).toEqual({
      kind: 'createTable',
      table: 'cities',
      primaryKey: ['id'],
      autoIncrement: false,
      columns: [
        { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
        { name: 'zip', declaredType: 'TEXT', notNull: false, default: null },
        { name: 'price', declaredType: 'REAL', notNull: false, default: null },
      ],
    });
    expect(steps[1]).toMatchObject({
      kind: 'insert',
      count: 2,
      columns: ['id', 'zip', 'price'],
      types: ['INTEGER', 'TEXT', 'REAL'],
    });
  });

  test('reads JSON rows', () => {
    const { table } = sourceTable({
      json: [
        { a: 1, b: 'x' },
        { a: 2, b: null },
      ],
    });
    expect(table.objects()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: null },
    ]);
  });

  test('refuses an unknown key column and NULL keys', () => {
    const { table } = sourceTable({ json: [{ a: 1 }, { a: null }] });
    expect(() => createTableSteps('t', table, { primaryKey: 'b' })).toThrow(/not a column/);
    expect(() => createTableSteps('t', table, { primaryKey: 'a', types: { a: 'TEXT' } })).toThrow();
  });
});
