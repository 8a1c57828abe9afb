import type { Playground } from './playground';

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact' });

/** The tables of the database, with row counts and a mark on those with pending changes. */
export function TableList({ pg }: { readonly pg: Playground }) {
  const pending = new Set(pg.pending.tables.map((t) => t.table));
  return (
    <nav className="sidebar" aria-label="Tables">
      <h2>Tables</h2>
      <ul>
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
