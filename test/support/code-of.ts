import { PandalchemyError } from '../../src/index';

/** The code of the PandalchemyError `fn` throws, or null when it throws none (anything else is rethrown). */
export function codeOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (e) {
    if (e instanceof PandalchemyError) return e.code;
    throw e;
  }
  return null;
}
