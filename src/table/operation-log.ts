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

  record(op: LoggedOperation): void {
    this.done.push(op);
    if (this.undone.length) this.undone.length = 0;
  }

  clear(): void {
    this.generation++;
    this.done.length = 0;
    this.undone.length = 0;
  }

  list(): OperationInfo[] {
    return this.done.map((op) => ({ kind: op.kind, description: op.description, at: op.at }));
  }
}
