import type { PandalchemyError } from '../errors/pandalchemy-error';
import { idbError } from '../persist/idb-error';

/** A failure of IndexedDB while reading or saving a draft, as the typed error drafts report. */
export function storageError(e: unknown, what: string): PandalchemyError {
  return idbError(
    e,
    `${what} a draft`,
    'free space, or push the pending edits. They are still pending.',
    ' The edits are still pending.',
  );
}
