import { useState } from 'react';
import { formatMs } from './format-units';
import type { Playground } from './playground';
import { SqlResultGrid } from './sql-result-grid';

/**
 * The SQL console: one read-only statement at a time (Ctrl+Enter runs it), its rows in a
 * read-only grid, or the error with its code. It reads the committed database, as `db.query` does.
 */
export function SqlConsolePanel({ pg }: { readonly pg: Playground }) {
  const sqlConsole = pg.sqlConsole;
  const [sql, setSql] = useState(sqlConsole.sql);
  const outcome = sqlConsole.outcome;
  const run = () => void pg.runSql(sql);
  return (
    <section className="sql-console" aria-label="SQL console">
      <form
        className="sql-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <textarea
          aria-label="SQL"
          value={sql}
          spellCheck={false}
          rows={4}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              run();
            }
          }}
        />
        <div className="toolbar-row">
          <button type="submit" className="primary" disabled={sqlConsole.running}>
            {sqlConsole.running ? 'Running…' : 'Run'}
          </button>
          <span className="hint">
            Ctrl+Enter runs. One read-only SELECT; it reads the <strong>committed</strong> database:
            pending edits are not included until you push them.
          </span>
          <span className="view-status" aria-live="polite" data-testid="sql-status">
            {outcome?.kind === 'rows'
              ? `${outcome.table.numRows().toLocaleString('en')} row(s), ${outcome.table.numCols()} column(s) in ${formatMs(outcome.ms)}`
              : ''}
          </span>
        </div>
      </form>
      {outcome?.kind === 'error' ? (
        <div className="bar message error" role="alert" aria-label="Query error">
          <div className="bar-text">
            <strong>{outcome.message.title}</strong>
            {outcome.message.detail ? <div className="detail">{outcome.message.detail}</div> : null}
          </div>
        </div>
      ) : null}
      <div className="grid-frame">
        {outcome?.kind === 'rows' ? (
          <SqlResultGrid key={sqlConsole.revision} table={outcome.table} />
        ) : (
          <p className="hint center">Run a query: its rows show here.</p>
        )}
      </div>
    </section>
  );
}
