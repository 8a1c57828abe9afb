import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ColumnarData } from '../../src/protocol/engine-api';
import { packColumns, unpackColumns } from '../../src/protocol/packed-text';

/** Packs, moves the buffers as a worker's postMessage would, and unpacks. */
function roundTrip(data: ColumnarData): ColumnarData {
  const { data: wire, transfer } = packColumns(data);
  return unpackColumns(structuredClone(wire, { transfer }));
}

describe('text columns on the wire', () => {
  test('round-trip ASCII, accents, CJK, emoji, empty strings and NULLs exactly', () => {
    const sample = ['plain', '', 'Zoë', '東京', '👩‍💻 dev', null, 'a\u0000b', 'x'.repeat(5000)];
    const values = Array.from({ length: 3000 }, (_, i) => sample[i % sample.length]!);
    const data: ColumnarData = {
      seq: 1,
      names: ['t', 'n'],
      columns: [values, Float64Array.from(values, (_, i) => i)],
      length: values.length,
    };
    expect((packColumns(data).data.columns[0] as unknown as { packed: string }).packed).toBe(
      'utf8',
    );
    const expected = { ...data, columns: [values, Float64Array.from(values, (_, i) => i)] };
    // Numbers are transferred too: the sender's buffer is gone afterwards.
    expect(roundTrip(data)).toEqual(expected);
  });

  test('round-trip any well-formed strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: null }), {
          minLength: 1024,
          maxLength: 1500,
        }),
        (values) => {
          const data: ColumnarData = {
            seq: 0,
            names: ['t'],
            columns: [values],
            length: values.length,
          };
          expect(roundTrip(data).columns[0]).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });
});
