import { useState, type FormEvent } from 'react';
import type { TrackedTable } from '../src/index';
import { ModalDialog } from './modal-dialog';
import type { Playground } from './playground';
import { FILTER_OPS, type Condition, type FilterOp, type SortKey } from './row-view';

interface ViewDialogProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly onClose: () => void;
}

const NO_VALUE = new Set<FilterOp>(['is null', 'is not null']);

/**
 * Filters (conditions that must all hold) and a sort over several columns: a view of the table,
 * never an edit. Conditions without a value are left out.
 */
export function ViewDialog({ pg, table: t, onClose }: ViewDialogProps) {
  const names = t.columns.map((c) => c.name);
  const first = names[0] ?? '';
  const blank = (): Condition => ({ column: first, op: 'contains', value: '' });
  const [filters, setFilters] = useState<Condition[]>(
    pg.view.filters.length ? [...pg.view.filters] : [blank()],
  );
  const [sorts, setSorts] = useState<SortKey[]>([...pg.view.sorts]);

  const setFilter = (i: number, change: Partial<Condition>) =>
    setFilters(filters.map((f, j) => (j === i ? { ...f, ...change } : f)));
  const setSort = (i: number, change: Partial<SortKey>) =>
    setSorts(sorts.map((s, j) => (j === i ? { ...s, ...change } : s)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onClose();
    pg.setView({
      ...pg.view,
      filters: filters.filter((f) => NO_VALUE.has(f.op) || f.value !== ''),
      sorts,
    });
  };

  return (
    <ModalDialog title={`Filter and sort ${t.name}`} onClose={onClose}>
      <form onSubmit={submit} className="form view-form">
        <h3>Rows where all of these hold</h3>
        {filters.map((f, i) => (
          <div className="view-line" key={i}>
            <select
              aria-label={`Condition ${i + 1} column`}
              value={f.column}
              onChange={(e) => setFilter(i, { column: e.target.value })}
            >
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
            <select
              aria-label={`Condition ${i + 1} operator`}
              value={f.op}
              onChange={(e) => setFilter(i, { op: e.target.value as FilterOp })}
            >
              {FILTER_OPS.map((op) => (
                <option key={op}>{op}</option>
              ))}
            </select>
            {NO_VALUE.has(f.op) ? (
              <span className="view-value" />
            ) : (
              <input
                className="view-value"
                aria-label={`Condition ${i + 1} value`}
                value={f.value}
                onChange={(e) => setFilter(i, { value: e.target.value })}
              />
            )}
            <button
              type="button"
              className="icon"
              aria-label={`Remove condition ${i + 1}`}
              onClick={() => setFilters(filters.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <div>
          <button type="button" onClick={() => setFilters([...filters, blank()])}>
            Add condition
          </button>
        </div>
        <h3>Sort by</h3>
        {sorts.length === 0 ? <p className="hint">Table order.</p> : null}
        {sorts.map((s, i) => (
          <div className="view-line" key={i}>
            <span className="hint">{i === 0 ? 'first' : 'then'}</span>
            <select
              aria-label={`Sort ${i + 1} column`}
              value={s.column}
              onChange={(e) => setSort(i, { column: e.target.value })}
            >
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
            <select
              aria-label={`Sort ${i + 1} direction`}
              value={s.descending ? 'descending' : 'ascending'}
              onChange={(e) => setSort(i, { descending: e.target.value === 'descending' })}
            >
              <option>ascending</option>
              <option>descending</option>
            </select>
            <button
              type="button"
              className="icon"
              aria-label={`Remove sort ${i + 1}`}
              onClick={() => setSorts(sorts.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            onClick={() => setSorts([...sorts, { column: first, descending: false }])}
          >
            Add sort
          </button>
        </div>
        <p className="hint">A view: nothing is edited, the plan stays as it is.</p>
        <div className="button-row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
