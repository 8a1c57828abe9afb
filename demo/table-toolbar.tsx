import { useEffect, useState } from 'react';
import type { TrackedTable } from '../src/index';
import { isPlainView, PLAIN_VIEW, type ViewSpec } from './row-view';
import type { Playground } from './playground';

/** Which dialog a toolbar button opens. */
export type DialogRequest =
  | { readonly kind: 'insert' }
  | { readonly kind: 'add' }
  | { readonly kind: 'view' }
  | { readonly kind: 'columns' }
  | { readonly kind: 'row'; readonly ref: number }
  | { readonly kind: 'rename' | 'retype' | 'menu'; readonly column: string };

interface TableToolbarProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly selectedRows: number;
  /** The row the row form opens on (the cursor's or the first checked), if any. */
  readonly formRef: number | null;
  readonly onDeleteSelected: () => void;
  readonly onDialog: (request: DialogRequest) => void;
}

/** Row and column edits of the shown table, and its view (search, filter, sort, columns). */
export function TableToolbar({
  pg,
  table: t,
  selectedRows,
  formRef,
  onDeleteSelected,
  onDialog,
}: TableToolbarProps) {
  const names = t.columns.map((c) => c.name);
  const [column, setColumn] = useState(names[0] ?? '');
  const [search, setSearch] = useState(pg.view.search);
  const chosen = names.includes(column) ? column : (names[0] ?? '');
  const busy = pg.busy !== null;

  // Another table or view: the search box shows the view's search.
  useEffect(() => setSearch(pg.view.search), [t, pg.view.search]);

  return (
    <div className="table-toolbar">
      <div className="toolbar-row" role="group" aria-label="Edit rows and columns">
        <button type="button" onClick={() => onDialog({ kind: 'insert' })} disabled={busy}>
          Insert row…
        </button>
        <button type="button" onClick={onDeleteSelected} disabled={busy || selectedRows === 0}>
          Delete {selectedRows > 1 ? `${selectedRows} rows` : 'row'}
        </button>
        <button
          type="button"
          onClick={() => formRef !== null && onDialog({ kind: 'row', ref: formRef })}
          disabled={busy || formRef === null}
          title="Every column of the selected row in a form"
        >
          Row form…
        </button>
        <span className="sep" aria-hidden="true" />
        <button type="button" onClick={() => onDialog({ kind: 'add' })} disabled={busy}>
          Add column…
        </button>
        <select value={chosen} onChange={(e) => setColumn(e.target.value)} aria-label="Column">
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => onDialog({ kind: 'rename', column: chosen })}
          disabled={busy}
        >
          Rename…
        </button>
        <button
          type="button"
          onClick={() => onDialog({ kind: 'retype', column: chosen })}
          disabled={busy}
        >
          Retype…
        </button>
        <button type="button" onClick={() => pg.dropColumn(chosen)} disabled={busy}>
          Drop column
        </button>
      </div>
      <form
        className="toolbar-row"
        role="search"
        aria-label="View"
        onSubmit={(e) => {
          e.preventDefault();
          pg.setView({ ...pg.view, search: search.trim() });
        }}
      >
        <input
          type="search"
          value={search}
          placeholder="Search all columns…"
          aria-label="Search"
          onChange={(e) => {
            setSearch(e.target.value);
            // Clearing the box (its × or emptied) shows every row again at once.
            if (e.target.value === '' && pg.view.search !== '')
              pg.setView({ ...pg.view, search: '' });
          }}
          disabled={busy}
        />
        <button type="button" onClick={() => onDialog({ kind: 'view' })} disabled={busy}>
          Filter &amp; sort…
        </button>
        <button type="button" onClick={() => onDialog({ kind: 'columns' })} disabled={busy}>
          Columns…
        </button>
        <button
          type="button"
          onClick={() => {
            setSearch('');
            pg.setView(PLAIN_VIEW);
          }}
          disabled={busy || isPlainView(pg.view)}
        >
          Clear view
        </button>
        <select
          aria-label="Export"
          value=""
          disabled={busy}
          onChange={(e) => {
            const format = e.target.value;
            if (format === 'csv' || format === 'json') pg.exportTable(format);
          }}
        >
          <option value="" disabled>
            Export…
          </option>
          <option value="csv">as CSV</option>
          <option value="json">as JSON</option>
        </select>
        <ViewStatus pg={pg} table={t} />
      </form>
    </div>
  );
}

/** How many rows show, and through which view. */
function ViewStatus({ pg, table: t }: { readonly pg: Playground; readonly table: TrackedTable }) {
  const total = t.numRows;
  const shown = pg.refs.length;
  const view = pg.view;
  const plain = isPlainView(view);
  const filtered = view.filters.length > 0 || view.search !== '';
  const text =
    (!filtered
      ? `${total.toLocaleString('en')} rows`
      : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')} rows`) +
    // Deleted rows stay in the plain view, struck through; a view of the snapshot has none.
    (plain && shown > total ? ` (and ${shown - total} deleted, shown until pushed)` : '') +
    describeView(view);
  return (
    <span className="view-status" aria-live="polite" data-testid="view-status" title={text}>
      {text}
    </span>
  );
}

/** ` · kind contains “refund” · sorted by total ↓, id ↑` */
export function describeView(view: ViewSpec): string {
  const parts: string[] = [];
  if (view.search) parts.push(`search “${view.search}”`);
  for (const f of view.filters)
    parts.push(
      f.op === 'is null' || f.op === 'is not null'
        ? `${f.column} ${f.op}`
        : `${f.column} ${f.op} “${f.value}”`,
    );
  if (view.sorts.length)
    parts.push(
      `sorted by ${view.sorts.map((s) => `${s.column} ${s.descending ? '↓' : '↑'}`).join(', ')}`,
    );
  return parts.map((p) => ` · ${p}`).join('');
}
