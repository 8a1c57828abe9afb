import { Listeners } from '../events/listeners';

/** What a change event says: which tables changed, by whom, at which commit. */
export interface ChangeEvent {
  /** `local`: a push of this Database; `remote`: another tab or worker; `import`: a file replaced the database. */
  readonly source: 'local' | 'remote' | 'import';
  /** Sequence number of the commit. */
  readonly seq: number;
  /** Tables whose rows or schema changed. */
  readonly tables: readonly string[];
  /**
   * Loaded tables with pending edits that have not taken this commit in yet: call their
   * `refresh()` to rebase the edits (tables without pending edits take commits at once).
   */
  readonly stale: readonly string[];
}

/** Receives change events. */
export type ChangeListener = (event: ChangeEvent) => void;

/** Change events' listeners: in registration order, each one's errors isolated. */
export class ChangeEmitter extends Listeners<ChangeEvent> {}
