import type { Database, TrackedTable } from '../src/index';
import { errorMessage, type Message } from './messages';
import { formatBytes } from './format-units';
import { saveFile } from './save-file';

/** Downloads a table, pending edits included, as CSV or JSON (an array of rows). */
export function exportTableFile(t: TrackedTable, format: 'csv' | 'json'): Message {
  try {
    const data = t.table();
    const text =
      format === 'csv'
        ? data.toCSV()
        : JSON.stringify(data.objects(), (_k, v: unknown) =>
            typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v,
          );
    const type = format === 'csv' ? 'text/csv' : 'application/json';
    const fileName = `${t.name}.${format}`;
    saveFile(fileName, new Blob([text], { type }));
    return {
      kind: 'success',
      title: `Exported ${t.name} as ${fileName} (${t.numRows.toLocaleString('en')} rows, pending edits included)`,
    };
  } catch (e) {
    return errorMessage(e, `Exporting ${t.name} failed`);
  }
}

/** Downloads the database as an SQLite file: what was pushed, not pending edits. */
export async function downloadDatabase(db: Database, name: string): Promise<Message> {
  try {
    const bytes = await db.export();
    const fileName = `${name}.sqlite`;
    saveFile(
      fileName,
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' }),
    );
    return {
      kind: 'success',
      title: `Downloaded ${fileName} (${formatBytes(bytes.length)}): pushed changes only`,
    };
  } catch (e) {
    return errorMessage(e, 'Download failed');
  }
}
