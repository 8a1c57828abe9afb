import { useSyncExternalStore } from 'react';
import type { Playground } from './playground';

/** Re-renders the calling component whenever the playground's state changes. */
export function usePlayground(pg: Playground): void {
  useSyncExternalStore(pg.subscribe, pg.version);
}
