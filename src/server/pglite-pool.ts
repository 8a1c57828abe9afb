import type { PostgresValue } from '../dialect/postgres/postgres-types';
import type { SyncNotification, SyncPool, SyncPoolClient } from './sync-pool';

/** What the pool uses of a PGlite database (`@electric-sql/pglite`). */
export interface PGliteDatabase {
  query(
    sql: string,
    params: PostgresValue[],
    options: { rowMode: 'array'; parsers?: Record<number, (text: string) => unknown> },
  ): Promise<{ rows: unknown[][] }>;
  /** Several statements, without parameters (the simple protocol). */
  exec(
    sql: string,
    options: { rowMode: 'array'; parsers?: Record<number, (text: string) => unknown> },
  ): Promise<{ rows: unknown[][] }[]>;
  listen(channel: string, callback: (payload: string) => void): Promise<unknown>;
}

/**
 * As node-postgres reads them: 64-bit integers and numerics as text, never rounded through a
 * double (PGlite's defaults differ).
 */
const PARSERS: Record<number, (text: string) => unknown> = {
  20: (text) => text,
  1700: (text) => text,
};

const TRANSACTION_END = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;
const LISTEN = /^\s*LISTEN\s+([a-z_][a-z0-9_]*)\s*;?\s*$/i;

/**
 * A {@link SyncPool} over one PGlite database, for the embedded server (`npx pandalchemy-server
 * --data ./folder`). PGlite has one connection, so a client that opens a transaction holds it
 * until COMMIT or ROLLBACK (other clients wait); a statement outside a transaction takes it for
 * that statement only; `LISTEN` becomes PGlite's `listen`, which also hears this database's own
 * `NOTIFY`.
 *
 * @example
 * ```ts
 * const db = await PGlite.create('./data');
 * const sync = createSyncServer({ pool: pglitePool(db), authenticate, tables: ['todos'] });
 * ```
 */
export function pglitePool(db: PGliteDatabase): SyncPool {
  let queue: Promise<void> = Promise.resolve();
  /** Resolves once the connection is this caller's; the function it gives frees it. */
  const acquire = (): Promise<() => void> => {
    let free!: () => void;
    const freed = new Promise<void>((resolve) => (free = resolve));
    const turn = queue.then(() => free);
    queue = queue.then(() => freed);
    return turn;
  };

  return {
    connect() {
      let held: (() => void) | null = null;
      let inTransaction = false;
      const listeners: ((message: SyncNotification) => void)[] = [];
      const letGo = (): void => {
        held?.();
        held = null;
      };
      const run = async (
        text: string,
        values: PostgresValue[],
        script: boolean,
      ): Promise<unknown[][]> => {
        held ??= await acquire();
        try {
          // A text given alone, without parameters, may hold several statements, as node-postgres's
          // simple protocol allows (runScript's); anything else is one statement.
          const options = { rowMode: 'array' as const, parsers: PARSERS };
          const { rows } = !script
            ? await db.query(text, values, options)
            : ((await db.exec(text, options)).at(-1) ?? { rows: [] });
          if (/^\s*BEGIN\b/i.test(text)) inTransaction = true;
          else if (TRANSACTION_END.test(text)) inTransaction = false;
          return rows;
        } finally {
          if (!inTransaction) letGo();
        }
      };
      const client: SyncPoolClient = {
        async query(
          config: string | { text: string; values: PostgresValue[] },
          params?: PostgresValue[],
        ) {
          const { text, values } =
            typeof config === 'string' ? { text: config, values: params ?? [] } : config;
          const listen = LISTEN.exec(text);
          if (listen) {
            const channel = listen[1]!.toLowerCase();
            await db.listen(channel, (payload) => {
              for (const l of listeners) l({ channel, payload });
            });
            return { rows: [] };
          }
          return {
            rows: await run(text, values, typeof config === 'string' && !values.length),
          };
        },
        release() {
          if (!inTransaction) return letGo();
          // Given back in the middle of a transaction (its statement failed): undo it first.
          inTransaction = false;
          db.query('ROLLBACK', [], { rowMode: 'array' }).then(letGo, letGo);
        },
        on(event: string, listener: (message: never) => void) {
          if (event === 'notification')
            listeners.push(listener as (message: SyncNotification) => void);
          return client;
        },
      };
      return Promise.resolve(client);
    },
  };
}
