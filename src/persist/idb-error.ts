import { PandalchemyError } from '../errors/pandalchemy-error';

/**
 * What IndexedDB threw while `what`, as a typed error: `quota_exceeded` when the browser refused
 * to store more (followed by `quotaAdvice`), `storage` otherwise (followed by `after`). A
 * PandalchemyError is passed on as it is.
 */
export function idbError(
  e: unknown,
  what: string,
  quotaAdvice: string,
  after = '',
): PandalchemyError {
  if (e instanceof PandalchemyError) return e;
  const name = e instanceof DOMException ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') {
    return new PandalchemyError(
      'quota_exceeded',
      `The browser refused to store more data while ${what}: ${quotaAdvice}`,
    );
  }
  return new PandalchemyError('storage', `IndexedDB failed while ${what}: ${message}.${after}`);
}
