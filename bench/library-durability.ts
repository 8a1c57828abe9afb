import type { Durability } from './workers/loop-api';

/**
 * The IndexedDB durability the library's writes use by default, which every baseline that
 * persists uses too, so that both sides pay for the same flush. Chromium commits `relaxed` when
 * a transaction does not ask otherwise, as the library's storage does today.
 */
export const LIBRARY_DURABILITY: Durability = 'relaxed';
