/**
 * A system the library is compared with, driven through the same steps: its table stored durably
 * (untimed), loaded into memory ready to edit, edited, saved. Each implementation uses its
 * system the way that system's documentation recommends.
 */
export interface Peer {
  readonly name: string;
  /** Stores the bench table of `rows` rows durably, as the system's own storage holds it. */
  create(rows: number): Promise<void>;
  /** From storage to the table in memory, ready to edit (a fresh worker, where it has one). */
  load(): Promise<void>;
  /** Edits cell `qty` of the rows `ids` (values from `first` on), without saving them. */
  edit(ids: readonly number[], first: number): Promise<void>;
  /** Forgets unsaved edits (untimed between runs). */
  discard(): Promise<void>;
  /** Edits cell `qty` of the rows `ids` and saves them durably: resolved means on disk. */
  save(ids: readonly number[], first: number): Promise<void>;
  /** Lets go of what `load` holds in memory (its worker too). */
  unload(): Promise<void>;
  /** Deletes what `create` stored. */
  destroy(): Promise<void>;
}
