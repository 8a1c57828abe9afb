import { useState, type FormEvent } from 'react';
import type { ColumnKind } from '../src/index';
import { shownColumns } from './column-layout';
import { Field } from './field';
import { ModalDialog } from './modal-dialog';
import { parseCellInput } from './parse-cell-input';
import type { Playground } from './playground';
import type { DialogRequest } from './table-toolbar';

/** Declared types offered, with the kind of values each holds. */
const TYPES: readonly (readonly [string, ColumnKind])[] = [
  ['TEXT', 'text'],
  ['INTEGER', 'integer'],
  ['REAL', 'real'],
  ['NUMERIC', 'numeric'],
  ['BOOLEAN', 'boolean'],
  ['DATE', 'date'],
  ['DATETIME', 'datetime'],
];

interface ColumnDialogProps {
  readonly pg: Playground;
  readonly request: Extract<DialogRequest, { kind: 'add' | 'rename' | 'retype' | 'menu' }>;
  readonly onRequest: (request: DialogRequest | null) => void;
}

/** Adds, renames or retypes a column, or offers the actions on one (the header menu). */
export function ColumnDialog({ pg, request, onRequest }: ColumnDialogProps) {
  const close = () => onRequest(null);
  const column = 'column' in request ? request.column : '';
  const current = pg.table?.columns.find((c) => c.name === column);
  const [name, setName] = useState(request.kind === 'rename' ? column : '');
  const [type, setType] = useState(
    request.kind === 'retype' ? (current?.declaredType.toUpperCase() ?? 'TEXT') : 'TEXT',
  );
  const [defaultText, setDefaultText] = useState('');
  const [invalid, setInvalid] = useState<'error' | 'null' | 'keep'>('error');
  const [error, setError] = useState<string | null>(null);

  const done = (ok: boolean) => {
    if (ok) close();
    else setError(pg.message?.detail ?? pg.message?.title ?? 'Refused.');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const kind = TYPES.find(([t]) => t === type)?.[1] ?? 'any';
    if (request.kind === 'add') {
      const value = defaultText === '' ? null : parseCellInput(kind, defaultText);
      done(pg.addColumn(name.trim(), type, value));
    } else if (request.kind === 'rename') {
      done(pg.renameColumn(column, name.trim()));
    } else if (request.kind === 'retype') {
      done(pg.retypeColumn(column, type, invalid));
    }
  };

  if (request.kind === 'menu') {
    return (
      <ModalDialog title={`Column ${column}`} onClose={close}>
        <div className="menu-buttons">
          <button
            type="button"
            onClick={() => {
              pg.setView({ ...pg.view, sorts: [{ column, descending: false }] });
              close();
            }}
          >
            Sort ascending
          </button>
          <button
            type="button"
            onClick={() => {
              pg.setView({ ...pg.view, sorts: [{ column, descending: true }] });
              close();
            }}
          >
            Sort descending
          </button>
          <button
            type="button"
            onClick={() => {
              const layout = pg.columnLayout();
              pg.setColumnLayout({ ...layout, hidden: new Set(layout.hidden).add(column) });
              close();
            }}
          >
            Hide column
          </button>
          <button
            type="button"
            onClick={() => {
              const shown = pg.table ? shownColumns(pg.table.columns, pg.columnLayout()) : [];
              const at = shown.findIndex((c) => c.name === column);
              pg.setColumnLayout({ ...pg.columnLayout(), frozen: at + 1 });
              close();
            }}
          >
            Freeze up to this column
          </button>
          <button type="button" onClick={() => onRequest({ kind: 'rename', column })}>
            Rename…
          </button>
          <button type="button" onClick={() => onRequest({ kind: 'retype', column })}>
            Change type…
          </button>
          <button type="button" onClick={() => done(pg.dropColumn(column))}>
            Drop column
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
        {error ? <p className="form-error">{error}</p> : null}
      </ModalDialog>
    );
  }

  const title =
    request.kind === 'add'
      ? 'Add a column'
      : request.kind === 'rename'
        ? `Rename column ${column}`
        : `Change the type of ${column}`;
  return (
    <ModalDialog title={title} onClose={close}>
      <form onSubmit={submit} className="form">
        {request.kind !== 'retype' ? (
          <Field label={request.kind === 'add' ? 'Name' : 'New name'}>
            {(id) => (
              <input
                id={id}
                value={name}
                onChange={(e) => setName(e.target.value)}
                required
                autoFocus
              />
            )}
          </Field>
        ) : (
          <p className="hint">
            Now {current?.declaredType || 'untyped'}. Values convert as SQLite converts them when
            the table is rebuilt.
          </p>
        )}
        {request.kind !== 'rename' ? (
          <Field label="Type">
            {(id) => (
              <select id={id} value={type} onChange={(e) => setType(e.target.value)}>
                {TYPES.map(([t]) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {request.kind === 'add' ? (
          <Field label="Default" note="(optional)">
            {(id) => (
              <input id={id} value={defaultText} onChange={(e) => setDefaultText(e.target.value)} />
            )}
          </Field>
        ) : null}
        {request.kind === 'retype' ? (
          <Field label="Values the new type cannot hold">
            {(id) => (
              <select
                id={id}
                value={invalid}
                onChange={(e) => setInvalid(e.target.value as 'error' | 'null' | 'keep')}
              >
                <option value="error">refuse the change</option>
                <option value="null">set them to NULL</option>
                <option value="keep">keep them as SQLite would</option>
              </select>
            )}
          </Field>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="button-row">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary">
            {request.kind === 'add' ? 'Add' : request.kind === 'rename' ? 'Rename' : 'Change type'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
