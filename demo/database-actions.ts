import type { Database, TrackedTable } from '../src/index';
import { formatMs } from './format-units';
import { isSqliteFile } from './imported-file';
import { generateLargeTable } from './large-table';
import { errorMessage, type Message } from './messages';
import type { CsvDraft, CsvImport } from './playground-types';
import { rebaseMessage } from './push-messages';
import { createSampleDatabase } from './sample-database';
import type { TaskStatus } from './task-status';

/** What the database-wide actions need of the playground. */
export interface ActionHost {
  readonly db: Database;
  readonly task: TaskStatus;
  /** Tables loaded for editing, by name. */
  readonly loaded: Map<string, TrackedTable>;
  tableNames(): readonly string[];
  /** Reads the sidebar's lists again. */
  syncTables(): Promise<void>;
  /** Shows a table in the grid. */
  select(name: string): Promise<void>;
  /** Forgets every loaded table: the database was replaced. */
  forgetTables(): void;
}

/**
 * Generates a table of `rows` rows, with a progress bar, and shows it. Every action here runs
 * with the playground busy and answers with the message to show.
 */
export async function generateTable(host: ActionHost, rows: number): Promise<Message> {
  try {
    const start = performance.now();
    const name = await generateLargeTable(host.db, rows, (label, done, total) =>
      host.task.setProgress(label, done, total),
    );
    host.loaded.delete(name);
    await host.syncTables();
    await host.select(name);
    return {
      kind: 'success',
      title: `Created ${name} with ${rows.toLocaleString('en')} rows in ${formatMs(performance.now() - start)}`,
      detail: 'Scroll, sort, filter and edit it like the small tables.',
    };
  } catch (e) {
    return errorMessage(e, 'Generating the table failed');
  }
}

/** Replaces the database with an SQLite file. */
export async function importSqliteFile(host: ActionHost, file: File): Promise<Message> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!isSqliteFile(bytes)) {
      throw new Error(
        `${file.name} is not an SQLite database: it does not start with the SQLite header. Nothing was changed.`,
      );
    }
    host.task.setProgress(`Importing ${file.name}`, 0, null);
    const report = host.task.reporter((p) => [`Importing ${file.name}`, p.done, p.total]);
    const conflicts = await host.db
      .import(bytes, { onProgress: report.onProgress })
      .finally(report.end);
    await showFirstTable(host);
    if (conflicts.length) return rebaseMessage(conflicts, file.name);
    return {
      kind: 'success',
      title: `Imported ${file.name}: the database now holds ${host.tableNames().join(', ') || 'no tables'}`,
    };
  } catch (e) {
    return errorMessage(e, `Importing ${file.name} failed`);
  }
}

/** Imports the CSV file of the import dialog as a new table, with the options chosen there. */
export async function importCsvTable(
  host: ActionHost,
  draft: CsvDraft,
  { name, delimiter, primaryKey }: CsvImport,
): Promise<Message> {
  try {
    host.task.setProgress(`Creating ${name}`, 0, null);
    const t = await host.db.createTable(
      name,
      { csv: draft.text, delimiter },
      primaryKey ? { primaryKey } : {},
    );
    host.loaded.set(name, t);
    await host.syncTables();
    await host.select(name);
    return {
      kind: 'success',
      title: `Imported ${draft.fileName} as table ${name} (${t.numRows.toLocaleString('en')} rows)`,
      detail: `Column types were inferred: ${t.columns.map((c) => `${c.name} ${c.declaredType}`).join(', ')}.`,
    };
  } catch (e) {
    return errorMessage(e, `Importing ${draft.fileName} failed`);
  }
}

/** Replaces the database with a fresh sample database. */
export async function resetDatabase(host: ActionHost): Promise<Message> {
  try {
    // Pending edits go first: the import would otherwise rebase them onto the fresh tables.
    for (const t of host.loaded.values()) t.discard();
    host.task.setProgress('Creating the sample database', 0, null);
    await createSampleDatabase(host.db);
    await showFirstTable(host);
    return { kind: 'success', title: 'Reset: a fresh sample database' };
  } catch (e) {
    return errorMessage(e, 'Reset failed');
  }
}

/** After the database was replaced: nothing loaded, the first table shown. */
async function showFirstTable(host: ActionHost): Promise<void> {
  host.forgetTables();
  await host.syncTables();
  const first = host.tableNames()[0];
  if (first !== undefined) await host.select(first);
}
