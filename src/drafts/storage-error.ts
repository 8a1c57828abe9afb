import { PandalchemyError } from '../errors/pandalchemy-error';

/** A failure of IndexedDB while reading or saving a draft, as the typed error drafts report. */
export function storageError(e: unknown, what: string): PandalchemyError {
  if (e instanceof PandalchemyError) return e;
  const name = e instanceof DOMException ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') {
    return new PandalchemyError(
      'quota_exceeded',
      `The browser refused to store more data while ${what} a draft: free space, or push the pending edits. They are still pending.`,
    );
  }
  return new PandalchemyError(
    'storage',
    `IndexedDB failed while ${what} a draft: ${message}. The edits are still pending.`,
  );
}
