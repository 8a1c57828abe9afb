import { useState, type FormEvent } from 'react';
import type { TrackedTable } from '../src/index';
import { Field } from './field';
import { ModalDialog } from './modal-dialog';
import { parseCellInput } from './parse-cell-input';
import type { Playground } from './playground';

interface InsertRowDialogProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly onClose: () => void;
}

/**
 * A form with one field per column. Empty fields are left out of the insert, so the column's
 * default applies (an INTEGER primary key is then assigned by the database at push).
 */
export function InsertRowDialog({ pg, table: t, onClose }: InsertRowDialogProps) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const autoKey = t.info.key.autoAssigned;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const row: Record<string, unknown> = {};
    for (const c of t.columns) {
      const text = values[c.name] ?? '';
      if (text !== '') row[c.name] = parseCellInput(c.kind, text);
    }
    if (pg.insertRow(row)) onClose();
    else setError(pg.message?.detail ?? pg.message?.title ?? 'Refused.');
  };

  return (
    <ModalDialog title={`Insert a row into ${t.name}`} onClose={onClose}>
      <form onSubmit={submit} className="form insert-form">
        {t.columns.map((c, i) => {
          const hint =
            c.key && autoKey
              ? 'empty: assigned at push'
              : c.key
                ? 'key, required'
                : c.notNull
                  ? 'required unless it has a default'
                  : 'empty: default or NULL';
          return (
            <Field key={c.name} label={c.name} note={c.declaredType || 'any'}>
              {(id) =>
                c.kind === 'boolean' ? (
                  <select
                    id={id}
                    value={values[c.name] ?? ''}
                    onChange={(e) => setValues({ ...values, [c.name]: e.target.value })}
                  >
                    <option value="">(default)</option>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </select>
                ) : (
                  <input
                    id={id}
                    value={values[c.name] ?? ''}
                    placeholder={hint}
                    autoFocus={i === 0}
                    onChange={(e) => setValues({ ...values, [c.name]: e.target.value })}
                  />
                )
              }
            </Field>
          );
        })}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="button-row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Insert
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
