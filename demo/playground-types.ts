import type { ChangeCounts } from '../src/index';
import type { CsvDelimiter } from './csv-text';

// What the playground's state holds and its components read, apart from the state itself.

/** A long task under way, for the progress bar. */
export interface TaskProgress {
  readonly label: string;
  readonly done: number;
  /** Null when the amount of work is unknown (the bar is indeterminate). */
  readonly total: number | null;
}

/** Pending changes of one table. */
export interface TableChangeCounts extends ChangeCounts {
  readonly table: string;
}

/** What the pending-changes panel shows. */
export interface PendingChanges {
  readonly tables: readonly TableChangeCounts[];
  /** The plan of a push of every table, as SQL (long batches summarised). */
  readonly sql: string;
}

/** Another tab committed: which tables, and which of ours wait for a refresh. */
export interface RemoteNotice {
  readonly tables: readonly string[];
  readonly stale: readonly string[];
}

/** A row the grid should scroll to and select. */
export interface GridTarget {
  readonly ref: number;
  readonly column: string | null;
  /** Changes on every request, so that asking twice for the same row scrolls twice. */
  readonly nonce: number;
}

/** A CSV file read for import, before the user confirms the options. */
export interface CsvDraft {
  readonly fileName: string;
  readonly text: string;
  /** The delimiter guessed from the first lines. */
  readonly delimiter: CsvDelimiter;
  /** A free table name derived from the file name. */
  readonly name: string;
}

/** The options of a CSV import, as chosen in the import dialog. */
export interface CsvImport {
  readonly name: string;
  readonly delimiter: CsvDelimiter;
  readonly primaryKey: string | null;
}

/** A row of a referenced table, offered by a foreign-key picker. */
export interface ReferenceChoice {
  /** The referenced value as typed into the field. */
  readonly value: string;
  /** What the row is called: its first text column besides the key. */
  readonly label: string;
}

/** A question asked before an action that throws work away: the dialog shows it. */
export interface Confirmation {
  readonly title: string;
  readonly detail: string;
  /** The label of the button that goes ahead. */
  readonly confirm: string;
  readonly run: () => void;
  /** Another way out than going ahead or cancelling (e.g. showing the rows concerned). */
  readonly other?: { readonly label: string; readonly run: () => void };
}
