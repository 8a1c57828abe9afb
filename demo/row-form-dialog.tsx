import { useEffect, useId, useState, type FormEvent } from 'react';
import type { TrackedTable } from '../src/index';
import { Field } from './field';
import { formatCell } from './format-cell';
import { formatKey } from './messages';
import { ModalDialog } from './modal-dialog';
import { parseCellInput } from './parse-cell-input';
import type { Playground } from './playground';
import type { ReferenceChoice } from './playground-types';

interface RowFormDialogProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly rowRef: number;
  readonly onClose: () => void;
}

/**
 * Every column of one row in a form. Saving sets the fields that changed as one edit (one undo
 * step), read as cell edits read them; a refused edit says why and changes nothing. A foreign-key
 * field offers the referenced table's rows to pick from.
 */
export function RowFormDialog({ pg, table: t, rowRef, onClose }: RowFormDialogProps) {
  const columns = t.columns;
  const initial = Object.fromEntries(
    columns.map((c) => {
      const v = t.valueAt(rowRef, c.name);
      return [c.name, v === null ? '' : formatCell(v, c.kind)];
    }),
  );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [error, setError] = useState<string | null>(null);
  const deleted = rowRef >= 0 && t.rowState(rowRef) === 'deleted';
  const references = new Map(
    t.info.foreignKeys.filter((f) => f.columns.length === 1).map((f) => [f.columns[0]!, f]),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const cells = columns
      .filter((c) => values[c.name] !== initial[c.name])
      .map((c) => ({
        ref: rowRef,
        column: c.name,
        // An emptied field is NULL, as the Delete key makes it.
        value: values[c.name] === '' ? null : parseCellInput(c.kind, values[c.name] ?? ''),
      }));
    if (cells.length === 0) return onClose();
    if (pg.setCells(cells, 'Edit refused')) onClose();
    else setError(pg.message?.detail ?? pg.message?.title ?? 'Refused.');
  };

  return (
    <ModalDialog title={`Row ${formatKey(t.keyAt(rowRef))} of ${t.name}`} onClose={onClose}>
      <form onSubmit={submit} className="form insert-form">
        {deleted ? <p className="hint">This row is deleted (until you push): read only.</p> : null}
        {columns.map((c, i) => {
          const fk = references.get(c.name);
          const set = (text: string) => setValues({ ...values, [c.name]: text });
          return (
            <Field
              key={c.name}
              label={c.name}
              note={`${c.declaredType || 'any'}${fk ? ` → ${fk.table}.${fk.to[0]}` : ''}`}
            >
              {(id) =>
                c.kind === 'boolean' ? (
                  <select
                    id={id}
                    value={values[c.name] ?? ''}
                    disabled={deleted}
                    onChange={(e) => set(e.target.value)}
                  >
                    <option value="">NULL</option>
                    <option value="true">true</option>
                    <option value="false">false</option>
                  </select>
                ) : fk ? (
                  <ReferencePicker
                    id={id}
                    pg={pg}
                    table={fk.table}
                    column={fk.to[0]!}
                    value={values[c.name] ?? ''}
                    disabled={deleted}
                    onChange={set}
                  />
                ) : (
                  <input
                    id={id}
                    value={values[c.name] ?? ''}
                    placeholder="NULL"
                    autoFocus={i === 0}
                    disabled={deleted}
                    onChange={(e) => set(e.target.value)}
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
          <button type="submit" className="primary" disabled={deleted}>
            Save
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

interface ReferencePickerProps {
  readonly id: string;
  readonly pg: Playground;
  readonly table: string;
  readonly column: string;
  readonly value: string;
  readonly disabled: boolean;
  readonly onChange: (text: string) => void;
}

/** A foreign-key field: type a value, or pick one of the referenced table's rows. */
export function ReferencePicker({
  id,
  pg,
  table,
  column,
  value,
  disabled,
  onChange,
}: ReferencePickerProps) {
  const [choices, setChoices] = useState<readonly ReferenceChoice[]>([]);
  const listId = useId();
  useEffect(() => {
    let live = true;
    void pg.referenceChoices(table, column).then((c) => live && setChoices(c));
    return () => {
      live = false;
    };
  }, [pg, table, column]);
  const picked = choices.find((c) => c.value === value);
  return (
    <div className="reference-picker">
      <input
        id={id}
        list={listId}
        value={value}
        disabled={disabled}
        placeholder="NULL"
        onChange={(e) => onChange(e.target.value)}
      />
      <select
        aria-label={`Pick from ${table}`}
        value={picked ? value : ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">Pick from {table}…</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.value} · {c.label}
          </option>
        ))}
      </select>
      <datalist id={listId}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </datalist>
    </div>
  );
}
