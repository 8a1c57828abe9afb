import { useEffect, useState } from 'react';
import type { TrackedTable } from '../src/index';
import { PLAIN_VIEW } from './row-view';
import type { Playground } from './playground';

/** Which dialog a toolbar button opens. */
export type DialogRequest =
  | { readonly kind: 'insert' }
  | { readonly kind: 'add' }
  | { readonly kind: 'rename' | 'retype' | 'menu'; readonly column: string };

interface TableToolbarProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly selectedRows: number;
  readonly onDeleteSelected: () => void;
  readonly onDialog: (request: DialogRequest) => void;
}

/** Row and column edits of the shown table, and its view (filter, sort). */
export function TableToolbar({
  pg,
  table: t,
  selectedRows,
  onDeleteSelected,
  onDialog,
}: TableToolbarProps) {
  const names = t.columns.map((c) => c.name);
  const [column, setColumn] = useState(names[0] ?? '');
  const [filterColumn, setFilterColumn] = useState(pg.view.filter?.column ?? names[0] ?? '');
  const [filterText, setFilterText] = useState(pg.view.filter?.text ?? '');
  const chosen = names.includes(column) ? column : (names[0] ?? '');
  const filterOn = names.includes(filterColumn) ? filterColumn : (names[0] ?? '');
  const busy = pg.busy !== null;

  // A new table starts with its own columns and no filter.
  useEffect(() => {
    setFilterText(pg.view.filter?.text ?? '');
    if (pg.view.filter) setFilterColumn(pg.view.filter.column);
  }, [t, pg.view.filter]);

  const total = t.numRows;
  const shown = pg.refs.length;
  const { sort, filter } = pg.view;

  return (
    <div className="table-toolbar">
      <div className="toolbar-row" role="group" aria-label="Edit rows and columns">
        <button type="button" onClick={() => onDialog({ kind: 'insert' })} disabled={busy}>
          Insert row…
        </button>
        <button type="button" onClick={onDeleteSelected} disabled={busy || selectedRows === 0}>
          Delete {selectedRows > 1 ? `${selectedRows} rows` : 'row'}
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
        <span className="sep" aria-hidden="true" />
        <button type="button" onClick={() => pg.exportTable('csv')} disabled={busy}>
          Export CSV
        </button>
        <button type="button" onClick={() => pg.exportTable('json')} disabled={busy}>
          Export JSON
        </button>
      </div>
      <form
        className="toolbar-row"
        role="search"
        aria-label="Filter rows"
        onSubmit={(e) => {
          e.preventDefault();
          pg.setFilter(filterOn, filterText);
        }}
      >
        <label className="inline">
          Filter
          <select
            value={filterOn}
            onChange={(e) => setFilterColumn(e.target.value)}
            aria-label="Filter column"
          >
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <input
          type="search"
          value={filterText}
          placeholder="contains…"
          aria-label="Filter text"
          onChange={(e) => setFilterText(e.target.value)}
        />
        <button type="submit">Apply</button>
        <button
          type="button"
          onClick={() => {
            setFilterText('');
            pg.setView(PLAIN_VIEW);
          }}
          disabled={!sort && !filter}
        >
          Clear view
        </button>
        <span className="view-status" aria-live="polite" data-testid="view-status">
          {filter
            ? `${shown.toLocaleString('en')} of ${total.toLocaleString('en')} rows`
            : `${total.toLocaleString('en')} rows`}
          {/* Deleted rows stay in the plain view, struck through; a view of the snapshot has none. */}
          {!sort && !filter && shown > total
            ? ` (and ${shown - total} deleted, shown until pushed)`
            : ''}
          {sort ? ` · sorted by ${sort.column} ${sort.descending ? '↓' : '↑'}` : ''}
          {filter ? ` · ${filter.column} contains “${filter.text}”` : ''}
        </span>
      </form>
    </div>
  );
}
