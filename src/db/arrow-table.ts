import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { tableFromIPC } from '@uwdata/flechette';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { nameForMessage } from '../errors/name-for-message';
import { describeValue } from '../values/codec';
import { checkSourceNames } from './check-source-names';
import { keepByteOrderMarks, type TextBatch } from './keep-byte-order-marks';

/**
 * The Arquero table of an `{ arrow }` source (Arrow IPC bytes, stream or file format). 64-bit
 * integers come in exactly, as BigInt (the rows' checks make those within 2^53 numbers again):
 * Arquero's `fromArrow` asked for numbers, and a value past 2^53 failed with an untyped Error.
 * Every column is decoded here, so that bytes that do not decode, and fields sharing a name (which
 * `fromArrow` kept one of), are refused with a `PandalchemyError` before anything is created.
 *
 * @example
 * ```ts
 * arrowTable(aq.table({ id: [1] }).toArrowIPC()).array('id') // [1]
 * ```
 */
export function arrowTable(bytes: unknown): ColumnTable {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw unreadable(`they are ${describeValue(bytes)}, not a Uint8Array or an ArrayBuffer`);
  }
  let decoded: ReturnType<typeof tableFromIPC>;
  try {
    decoded = tableFromIPC(bytes, { useDate: true, useBigInt: true });
  } catch (e) {
    throw unreadable(`they cannot be read (${messageOf(e)})`, e);
  }
  const names = decoded.schema.fields.map((f) => f.name);
  checkSourceNames(names, 'The Arrow schema');
  const columns = new Map<string, ArrayLike<unknown>>();
  names.forEach((name, i) => {
    try {
      const column = decoded.getChildAt(i);
      columns.set(
        name,
        keepByteOrderMarks(
          column.data as unknown as readonly TextBatch[],
          column.toArray() as ArrayLike<unknown>,
        ),
      );
    } catch (e) {
      throw unreadable(`column ${nameForMessage(name)} cannot be read (${messageOf(e)})`, e);
    }
  });
  return aq.table(columns as never);
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.+$/, '');
}

function unreadable(why: string, cause?: unknown): PandalchemyError {
  return new PandalchemyError(
    'invalid_argument',
    `{ arrow } takes Arrow IPC bytes (such as table.toArrowIPC()); ${why}. Pass the bytes of an Arrow IPC stream or file.`,
    {},
    cause,
  );
}
