import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import {
  buildPlan,
  PandalchemyError,
  trackedTable,
  type ExecutionPlan,
  type TrackedTable,
} from '../src/index';
import type { ChangeEvent, ChangeListener } from '../src/db/change-emitter';
import type { CreateTableOptions, TableSource } from '../src/db/create-table-steps';
import type { PushResult } from '../src/db/push-result';
import type { RebaseConflict } from '../src/table/rebase';
import type { PlaygroundDatabase } from './playground-database';

/**
 * A stand-in for the worker database while it is being written: tables live in memory only and a
 * push replaces each table by its current contents. It keeps the playground usable meanwhile.
 */
export class MemoryDatabase implements PlaygroundDatabase {
  readonly #tables = new Map<string, TrackedTable>();
  readonly #listeners = new Set<ChangeListener>();
  #seq = 0;

  constructor(readonly name: string) {}

  tableNames(): string[] {
    return [...this.#tables.keys()];
  }

  async table(name: string): Promise<TrackedTable> {
    const t = this.#tables.get(name);
    if (!t) throw new PandalchemyError('unknown_table', `No table '${name}'.`, { table: name });
    return t;
  }

  async createTable(
    name: string,
    source: TableSource,
    options: CreateTableOptions = {},
  ): Promise<TrackedTable> {
    if (this.#tables.has(name)) {
      throw new PandalchemyError('name_taken', `Table '${name}' exists.`, { table: name });
    }
    const table: ColumnTable =
      'csv' in source
        ? aq.fromCSV(source.csv, { autoType: false })
        : 'json' in source || 'arrow' in source
          ? aq.table({})
          : source;
    const pk = options.primaryKey;
    const key = pk === undefined ? undefined : typeof pk === 'string' ? [pk] : [...pk];
    const t = trackedTable(table, {
      name,
      ...(key ? { key } : {}),
      ...(options.types ? { types: options.types } : {}),
    });
    this.#tables.set(name, t);
    this.#emit([name]);
    return t;
  }

  async dropTable(name: string): Promise<void> {
    this.#tables.delete(name);
    this.#emit([name]);
  }

  async query(): Promise<ColumnTable> {
    throw new PandalchemyError('invalid_sql', 'The in-memory stand-in runs no SQL.');
  }

  async push(): Promise<PushResult> {
    const start = performance.now();
    const changed = [...this.#tables.values()].filter((t) => t.hasChanges);
    let rows = 0;
    for (const t of changed) {
      const c = t.changeCounts();
      rows += c.inserts + c.updates + c.deletes;
      const types: Record<string, string> = {};
      for (const col of t.columns) types[col.name] = col.declaredType;
      this.#tables.set(t.name, trackedTable(t.table(), { name: t.name, key: t.key, types }));
    }
    this.#emit(changed.map((t) => t.name));
    const ms = performance.now() - start;
    return {
      seq: this.#seq,
      tables: changed.map((t) => t.name),
      rowsWritten: rows,
      bytesPersisted: 0,
      applyMs: ms,
      persistMs: 0,
      totalMs: ms,
      conflicts: [],
    };
  }

  plan(): ExecutionPlan {
    return buildPlan([...this.#tables.values()].filter((t) => t.hasChanges).map((t) => t.diff()));
  }

  async refresh(): Promise<readonly RebaseConflict[]> {
    return [];
  }

  async import(): Promise<void> {
    throw new PandalchemyError('invalid_argument', 'The in-memory stand-in imports no files.');
  }

  async export(): Promise<Uint8Array> {
    throw new PandalchemyError('invalid_argument', 'The in-memory stand-in exports no files.');
  }

  on(_event: 'change', listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {}

  #emit(tables: string[]): void {
    const event: ChangeEvent = { source: 'local', seq: ++this.#seq, tables, stale: [] };
    for (const l of this.#listeners) l(event);
  }
}
