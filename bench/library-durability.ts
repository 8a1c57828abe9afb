import type { Durability } from './workers/loop-api';

/**
 * The IndexedDB durability the library's writes use by default (`openDatabase`'s `durability`
 * option, `strict`), which every baseline that persists uses too, so that both sides pay for the
 * same flush. A case that measures the `relaxed` opt-in says so, and so do its baselines.
 */
export const LIBRARY_DURABILITY: Durability = 'strict';
