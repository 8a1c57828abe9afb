import { PandalchemyError } from '../errors/pandalchemy-error';
import { describeValue } from '../values/codec';

/**
 * The bytes `import()` was given: a Uint8Array as it is, an ArrayBuffer viewed whole. Anything
 * else (a File, a Blob, a Promise, a string) is refused as invalid_argument: read as bytes it
 * would be refused as "not an SQLite file", which says nothing of the mistake.
 */
export function fileBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new PandalchemyError(
    'invalid_argument',
    `import() takes the file's bytes as a Uint8Array or an ArrayBuffer; got ${describeValue(bytes)}. For a File or Blob: db.import(new Uint8Array(await file.arrayBuffer())). Nothing changed.`,
  );
}
