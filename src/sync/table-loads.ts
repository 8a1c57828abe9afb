import {
  fromSerializedError,
  PandalchemyError,
  type SerializedError,
} from '../errors/pandalchemy-error';
import type { CreateTableStep } from '../plan/execution-plan';
import { declaredTypeOf, type ColumnKind } from '../values/column-kind';
import type { SqlValue } from '../values/sql-value';
import type { SyncStatus } from './sync-options';

/** A column of a table as the server describes it in a load. */
interface ServerColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly notNull: boolean;
  readonly primaryKey: number;
}

/** A table loaded from the server: its rows as of commit `asOf`, one array per column. */
export interface TableLoad {
  readonly table: string;
  readonly asOf: number;
  readonly columns: readonly ServerColumn[];
  readonly values: readonly SqlValue[][];
}

interface Pending {
  readonly table: string;
  asOf: number;
  columns: readonly ServerColumn[];
  values: SqlValue[][];
  resolve(load: TableLoad): void;
  reject(e: unknown): void;
}

type Message = { readonly type: string } & Record<string, unknown>;

/** The errors of loads the server refused (`loadFailed`), as against a connection lost. */
const refusals = new WeakSet<object>();

/**
 * True for the rejection of a load the server refused: that table cannot be loaded (it is not on
 * the server, or this device may not read it), which says nothing of the other tables.
 */
export function isLoadRefusal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && refusals.has(e);
}

/**
 * The loads of whole tables a device asked the server for (`load`, answered by `table`, `rows`
 * and `loaded` or `loadFailed`: docs/sync-protocol.md), gathered until each is complete.
 */
export class TableLoads {
  readonly #pending = new Map<string, Pending>();
  #counter = 0;
  /** Sends a message; false when the device has no connection (nothing was sent). */
  readonly #send: (message: unknown) => boolean;
  readonly #progress: (loading: SyncStatus['loading']) => void;

  constructor(
    send: (message: unknown) => boolean,
    progress: (loading: SyncStatus['loading']) => void,
  ) {
    this.#send = send;
    this.#progress = progress;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Asks for a table's rows; resolves once they all arrived. Rejects at once (offline) when the
   * device has no connection: a round that reaches a load after its connection closed would
   * otherwise wait for an answer to a request never sent, and hold every later round.
   */
  request(table: string): Promise<TableLoad> {
    const id = `l-${++this.#counter}`;
    return new Promise<TableLoad>((resolve, reject) => {
      this.#pending.set(id, { table, asOf: 0, columns: [], values: [], resolve, reject });
      if (this.#send({ type: 'load', id, table })) return;
      this.#pending.delete(id);
      reject(
        new PandalchemyError(
          'offline',
          `The sync server is not connected: table '${table}' is loaded once it is.`,
        ),
      );
    });
  }

  /** Takes a message of a load; false for any other message. */
  take(m: Message): boolean {
    if (m.type !== 'table' && m.type !== 'rows' && m.type !== 'loaded' && m.type !== 'loadFailed')
      return false;
    const id = String(m['id']);
    const load = this.#pending.get(id);
    if (!load) return true;
    if (m.type === 'table') {
      load.asOf = Number(m['asOf']);
      load.columns = m['columns'] as ServerColumn[];
      load.values = load.columns.map(() => []);
      this.#progress({ table: load.table, done: 0, total: Number(m['total']) });
    } else if (m.type === 'rows') {
      const values = m['values'] as readonly ArrayLike<SqlValue>[];
      values.forEach((column, c) => {
        const into = load.values[c]!;
        for (let i = 0; i < column.length; i++) into.push(column[i]!);
      });
      this.#progress({ table: load.table, done: Number(m['done']), total: Number(m['total']) });
    } else {
      this.#pending.delete(id);
      if (m.type === 'loaded') load.resolve(load);
      else {
        const error = fromSerializedError(m['error'] as SerializedError);
        refusals.add(error);
        load.reject(error);
      }
    }
    return true;
  }

  /** Fails every load under way (the connection is gone). */
  rejectAll(error: unknown): void {
    for (const load of this.#pending.values()) load.reject(error);
    this.#pending.clear();
  }
}

/** The local table for a server's table, from the columns its load describes. */
export function createStepOf(load: TableLoad): CreateTableStep {
  const key = load.columns
    .filter((c) => c.primaryKey > 0)
    .sort((a, b) => a.primaryKey - b.primaryKey)
    .map((c) => c.name);
  return {
    kind: 'createTable',
    table: load.table,
    columns: load.columns.map((c) => ({
      name: c.name,
      declaredType: declaredTypeOf(c.kind),
      notNull: c.notNull,
      default: null,
    })),
    primaryKey: key,
    autoIncrement: false,
  };
}
