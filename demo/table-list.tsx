import type { Playground } from './playground';

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact' });

/** The tables of the database, with row counts and a mark on those with pending changes. */
export function TableList({ pg }: { readonly pg: Playground }) {
  const pending = new Set(pg.pending.tables.map((t) => t.table));
  return (
    <nav className="sidebar" aria-label="Tables">
      <h2>Tables</h2>
      <ul aria-label="Database tables">
        {pg.tableNames.map((name) => {
          const count = pg.rowCounts.get(name);
          const current = pg.mode === 'table' && pg.table?.name === name;
          return (
            <li key={name}>
              <button
                type="button"
                className={current ? 'table-button current' : 'table-button'}
                aria-current={current ? 'true' : undefined}
                onClick={() => void pg.select(name)}
                disabled={pg.busy !== null}
              >
                <span className="table-name">{name}</span>
                <span
                  className="table-count"
                  title={count === undefined ? undefined : `${count.toLocaleString('en')} rows`}
                >
                  {count === undefined ? '' : COMPACT.format(count)}
                  {pending.has(name) ? (
                    <span
                      className="pending-dot"
                      title="pending changes"
                      aria-label="pending changes"
                    >
                      ●
                    </span>
                  ) : null}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {pg.tableNames.length === 0 && pg.status === 'ready' ? (
        <p className="hint">No tables: import a CSV or generate one.</p>
      ) : null}
      {pg.views.length ? (
        <>
          <h2 className="sidebar-heading">Views</h2>
          <ul aria-label="Views">
            {pg.views.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  className="table-button"
                  title="Show its rows in the SQL console"
                  onClick={() => void pg.showView(name)}
                >
                  <span className="table-name">{name}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {pg.indexes.length ? (
        <>
          <h2 className="sidebar-heading">Indexes</h2>
          <ul className="index-list" aria-label="Indexes">
            {pg.indexes.map((i) => (
              <li
                key={i.name}
                title={`${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${i.table} (${i.columns.join(', ')})`}
              >
                <span className="table-name">{i.name}</span>
                <span className="index-on">
                  {i.unique ? 'unique, ' : ''}
                  {i.table} ({i.columns.join(', ')})
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 className="sidebar-heading">Tools</h2>
      <button
        type="button"
        className={pg.mode === 'sql' ? 'table-button current' : 'table-button'}
        aria-current={pg.mode === 'sql' ? 'true' : undefined}
        onClick={() => pg.showSql()}
        disabled={pg.status !== 'ready'}
      >
        SQL console
      </button>
    </nav>
  );
}
