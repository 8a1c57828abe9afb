import type { Mutation } from './mutations';
import type { TableState } from './table-state';

/** The kinds of edit a tracked table records. */
export type OperationKind =
  | 'set'
  | 'setCells'
  | 'updateRow'
  | 'assign'
  | 'insert'
  | 'delete'
  | 'deleteWhere'
  | 'updateWhere'
  | 'upsert'
  | 'addColumn'
  | 'dropColumn'
  | 'renameColumn'
  | 'retypeColumn'
  | 'createIndex'
  | 'dropIndex'
  | 'transform'
  | 'rebase';

/** One recorded edit, as the log keeps it for undo and redo. */
export interface LoggedOperation {
  readonly kind: OperationKind;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly description: string;
  /** Takes back every change the edit made, last first. */
  undo(state: TableState): void;
  /** Makes every change again, in order. */
  redo(state: TableState): void;
}

/** Shared by operations that have made no change yet: most single edits make exactly one. */
const NO_MUTATIONS: readonly Mutation[] = Object.freeze([]);

/** One edit as the user made it: what it was and the primitive changes it made. */
export class Operation implements LoggedOperation {
  /**
   * The changes in order. Starts as a shared empty array, replaced by a one-element array at the
   * first change: V8 would give an empty array's first push room for 17 (a single-cell edit would
   * allocate twice what it keeps).
   */
  mutations: readonly Mutation[] = NO_MUTATIONS;
  constructor(
    readonly kind: OperationKind,
    /** Describes the edit: a function, so that no string is built unless asked for. */
    private readonly describe: () => string,
    /** Milliseconds since the epoch: now, or when a restored draft's edit was made. */
    readonly at: number = Date.now(),
  ) {}

  get description(): string {
    return this.describe();
  }

  undo(state: TableState): void {
    for (let i = this.mutations.length - 1; i >= 0; i--) this.mutations[i]!.undo(state);
  }

  redo(state: TableState): void {
    for (const m of this.mutations) m.redo(state);
  }

  /** Adds a change made by this operation. */
  add(m: Mutation): void {
    if (this.mutations.length === 0) this.mutations = [m];
    else (this.mutations as Mutation[]).push(m);
  }
}

/** The public view of a recorded operation. */
export interface OperationInfo {
  readonly kind: OperationKind;
  readonly description: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/**
 * The operation log: operations done since the last push (undoable) and operations undone
 * (redoable). A new operation clears the redo side.
 */
export class OperationLog {
  readonly done: LoggedOperation[] = [];
  readonly undone: LoggedOperation[] = [];
  /**
   * Counts the clears: the history before a clear is gone (a discard, a push, a rebase), so a
   * draft that saves only what happened since its last save must save everything again.
   */
  generation = 0;
  /**
   * Counts `mark()`s. Since the last one: the least length of `done` at which a new operation cut
   * off undone ones, and the operations cut off, each at its place on the line (see `lineAt`),
   * the first one there. A draft marks the log when it saves, and tells from these what happened
   * to the history since without keeping a copy of it (a copy of a history of 60,000 edits at
   * every save was half a megabyte for the collector to move).
   */
  marks = 0;
  #cutAt = Infinity;
  #cut: Map<number, LoggedOperation> | null = null;

  record(op: LoggedOperation): void {
    const undone = this.undone;
    if (undone.length) {
      const d = this.done.length;
      if (this.marks > 0) {
        if (d < this.#cutAt) this.#cutAt = d;
        const cut = (this.#cut ??= new Map());
        for (let k = 0; k < undone.length; k++) {
          const at = d + undone.length - 1 - k;
          if (!cut.has(at)) cut.set(at, undone[k]!);
        }
      }
      undone.length = 0;
    }
    this.done.push(op);
  }

  clear(): void {
    this.generation++;
    this.done.length = 0;
    this.undone.length = 0;
    this.#cutAt = Infinity;
    this.#cut = null;
  }

  /** The history as one line: the operations done, then those undone, the last undone last. */
  get lineLength(): number {
    return this.done.length + this.undone.length;
  }

  lineAt(i: number): LoggedOperation | undefined {
    const d = this.done.length;
    return i < d ? this.done[i] : this.undone[this.undone.length - 1 - (i - d)];
  }

  /** Starts telling what happens to the line from here (see `marks`). Returns the mark. */
  mark(): number {
    this.#cutAt = Infinity;
    this.#cut = null;
    return ++this.marks;
  }

  /** Where the line was first cut since the last mark (Infinity: nowhere). */
  get cutAt(): number {
    return this.#cutAt;
  }

  /** The operation at `i` of the line as it was at the last mark (`i` below its length then). */
  markedAt(i: number): LoggedOperation | undefined {
    return i < this.#cutAt ? this.lineAt(i) : this.#cut?.get(i);
  }

  list(): OperationInfo[] {
    return this.done.map((op) => ({ kind: op.kind, description: op.description, at: op.at }));
  }
}
