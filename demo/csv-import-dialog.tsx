import { useState, type FormEvent } from 'react';
import { CSV_DELIMITERS, csvRows, type CsvDelimiter } from './csv-text';
import { Field } from './field';
import { ModalDialog } from './modal-dialog';
import type { Playground } from './playground';
import type { CsvDraft } from './playground-types';

const PREVIEW_ROWS = 6;

/**
 * Imports a CSV file as a new table, after a look: the delimiter (guessed, can be changed), the
 * table's name, its key, and the first rows as they will be split. Warns when the file splits
 * into one column (usually the wrong delimiter).
 */
export function CsvImportDialog({
  pg,
  draft,
}: {
  readonly pg: Playground;
  readonly draft: CsvDraft;
}) {
  const [delimiter, setDelimiter] = useState<CsvDelimiter>(draft.delimiter);
  const [name, setName] = useState(draft.name);
  const rows = csvRows(draft.text, delimiter, PREVIEW_ROWS + 1);
  const header = rows[0] ?? [];
  const firstIsId = header[0]?.trim().toLowerCase() === 'id';
  const [keyed, setKeyed] = useState(firstIsId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void pg.importCsv({
      name: name.trim(),
      delimiter,
      primaryKey: keyed && header[0] ? header[0].trim() : null,
    });
  };
  return (
    <ModalDialog title={`Import ${draft.fileName}`} onClose={() => pg.cancelCsv()}>
      <form onSubmit={submit} className="form">
        <Field label="Table name">
          {(id) => (
            <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />
          )}
        </Field>
        <Field label="Delimiter">
          {(id) => (
            <select
              id={id}
              value={delimiter}
              onChange={(e) => setDelimiter(e.target.value as CsvDelimiter)}
            >
              {CSV_DELIMITERS.map(([d, label]) => (
                <option key={label} value={d}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="inline">
          <input type="checkbox" checked={keyed} onChange={(e) => setKeyed(e.target.checked)} />
          First column ({header[0] ?? 'none'}) is the key
        </label>
        {header.length <= 1 ? (
          <p className="form-error" role="alert">
            Every line is one column with this delimiter: check the delimiter, or the table gets a
            single column.
          </p>
        ) : null}
        <div className="csv-preview">
          <table aria-label="Preview">
            <thead>
              <tr>
                {header.map((h, i) => (
                  <th key={i}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(1).map((r, i) => (
                <tr key={i}>
                  {header.map((_, j) => (
                    <td key={j}>{r[j] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="hint">
          {header.length} column(s); column types are inferred from the values.
        </p>
        <div className="button-row">
          <button type="button" onClick={() => pg.cancelCsv()}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Import
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
