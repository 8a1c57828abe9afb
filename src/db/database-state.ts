import { PandalchemyError } from '../errors/pandalchemy-error';
import type { EngineApi, EngineState } from '../protocol/engine-api';
import { freezeTableInfo } from '../schema/freeze-table-info';
import type { TableInfo } from '../schema/table-info';
import type { SyncClient } from '../sync/sync-client';
import type { TableUpdate } from '../table/rebase';
import { Drafts } from '../drafts/drafts';
import { ChangeEmitter } from './change-emitter';
import type { DatabaseTable } from './database-table';

/** The engine a database talks to: the worker API plus a way to stop it. */
export interface Engine extends EngineApi {
  /** Stops the engine; pending calls reject with `worker_died`. */
  terminate(): void;
}

/**
 * A commit waiting for `refresh()`: its effect, a reload when only a snapshot tells it, or the
 * table's drop (the handle then waits for the table to be created again; see `takeDrop`).
 */
export type QueuedUpdate =
  | Extract<TableUpdate, { kind: 'effect' }>
  | { readonly kind: 'reload' }
  | { readonly kind: 'dropped' };

/** What the database keeps of each loaded table. */
export interface LoadedTable {
  readonly table: DatabaseTable;
  /** Commits applied to the table (its stored side reflects every commit up to this one). */
  seq: number;
  /** Commits not applied yet because the table has pending edits (applied by `refresh`). */
  queued: QueuedUpdate[];
  /** While commits are queued: the commit its stored side is as of (the one before them). */
  basis: number;
}

/** A database's sync client and the tables it syncs (null: all of them). */
export interface DatabaseSync {
  readonly client: SyncClient;
  readonly tables: ReadonlySet<string> | null;
}

/**
 * What a database knows, shared by its parts (the facade, pushes, taking commits in, sync,
 * import): one object, so that each part is a function of it rather than a method of one large
 * class. Internal: apps see only the `Database` facade.
 */
export class DatabaseState {
  readonly name: string;
  readonly engine: Engine;
  readonly emitter = new ChangeEmitter();
  readonly loaded = new Map<string, LoadedTable>();
  readonly drafts: Drafts;
  /** The last commit taken in. */
  seq: number;
  closed = false;
  sync: DatabaseSync | null = null;
  #info = new Map<string, TableInfo>();
  /** Serialises everything that moves tables to new commits, so commits apply in order. */
  #serial: Promise<unknown> = Promise.resolve();
  #pushes: Promise<unknown> = Promise.resolve();

  constructor(name: string, engine: Engine, state: EngineState, drafts: boolean) {
    this.name = name;
    this.engine = engine;
    this.seq = state.seq;
    this.setInfo(state.tables);
    this.drafts = new Drafts(name, drafts, {
      tables: () =>
        [...this.loaded.values()].map((l) => ({
          table: l.table,
          seq: l.queued.length ? l.basis : l.seq,
        })),
      droppedSince: async (table, seq) =>
        (await this.engine.commitsSince(seq)).dropped?.includes(table) ?? false,
    });
  }

  /** The tables of the database with their schema, by name. */
  get info(): ReadonlyMap<string, TableInfo> {
    return this.#info;
  }

  setInfo(tables: readonly TableInfo[]): void {
    this.#info = new Map(tables.map((t) => [t.name, freezeTableInfo(t)]));
  }

  tableNames(): string[] {
    return [...this.#info.keys()];
  }

  requireInfo(name: string): TableInfo {
    const info = this.#info.get(name);
    if (info) return info;
    throw new PandalchemyError(
      'unknown_table',
      `Database '${this.name}' has no table ${JSON.stringify(name)}; it has ${this.tableNames().join(', ') || 'no tables'}.`,
      { table: String(name) },
    );
  }

  /** Throws `closed` once the database is closed. */
  assertOpen(): void {
    if (this.closed) {
      throw new PandalchemyError(
        'closed',
        `Database '${this.name}' is closed: open it again with openDatabase().`,
      );
    }
  }

  /** Runs `fn` after everything queued before it settled (whatever their outcome). */
  serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(fn, fn);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs a push after the pushes called before it settled (whatever their outcome), so that each
   * is planned from what is pending once the one before is done. A push called while another is
   * in flight (a double click) would otherwise plan the same changes again: a conflict with its
   * own first push, or, overwriting, a second commit whose end discards edits made in between.
   */
  afterPushes<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#pushes.then(fn, fn);
    this.#pushes = run.catch(() => undefined);
    return run;
  }
}
