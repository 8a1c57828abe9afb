import { CHANGE_COLORS } from './cell-content';
import { DraftNote } from './draft-note';
import { formatBytes, formatMs } from './format-units';
import type { Playground } from './playground';

/**
 * Pending changes at a glance: counts per table, the plan as SQL before it runs, and the buttons
 * that act on them (undo and redo act on the shown table; push and discard on every table).
 */
export function ChangesPanel({ pg }: { readonly pg: Playground }) {
  const t = pg.table;
  const busy = pg.busy !== null;
  const { tables, sql } = pg.pending;
  const ops = pg.operations();
  const earlier = (t && pg.earlier.get(t.name)) ?? [];
  const last = pg.lastPush;
  const lastOp = ops.at(-1);
  const undoLabel = lastOp ? `Undo ${lastOp.description}` : 'Undo';
  return (
    <aside className="changes" aria-label="Pending changes">
      <h2>Pending changes</h2>
      <div className="button-row">
        <button
          type="button"
          onClick={() => pg.undo()}
          disabled={busy || !t?.canUndo}
          title={undoLabel}
          aria-keyshortcuts="Control+Z"
        >
          Undo
        </button>
        <button
          type="button"
          onClick={() => pg.redo()}
          disabled={busy || !t?.canRedo}
          aria-keyshortcuts="Control+Shift+Z"
        >
          Redo
        </button>
        <button
          type="button"
          onClick={() => pg.askDiscard()}
          disabled={busy || tables.length === 0}
        >
          Discard all
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void pg.push()}
          disabled={busy || tables.length === 0}
        >
          {pg.busy === 'Pushing' ? 'Pushing…' : 'Push'}
        </button>
      </div>
      {tables.length ? (
        <ul className="counts" aria-label="Pending changes per table">
          {tables.map((c) => (
            <li key={c.table} data-testid={`counts-${c.table}`}>
              <strong>{c.table}</strong>: {c.updates} updated, {c.inserts} inserted, {c.deletes}{' '}
              deleted{c.schema ? `, ${c.schema} schema change${c.schema > 1 ? 's' : ''}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">Nothing pending: edit a cell to start.</p>
      )}
      <DraftNote db={pg.db} />
      {[...pg.marks.retyped].map(([column, cells]) => (
        <p key={column} className="hint retype-note" data-testid={`retype-${column}`}>
          Changing the type of {column} alters {cells.size.toLocaleString('en')} cell(s),
          highlighted in the grid with their new value.
        </p>
      ))}
      <ul className="legend" aria-label="Legend">
        <li>
          <span className="swatch" style={{ background: CHANGE_COLORS.changed }} /> changed cell
        </li>
        <li>
          <span className="swatch" style={{ background: CHANGE_COLORS.inserted }} /> inserted row
        </li>
        <li>
          <span className="swatch" style={{ background: CHANGE_COLORS.deleted }} /> deleted row
        </li>
        <li>
          <span className="swatch" style={{ background: CHANGE_COLORS.retyped }} /> altered by a
          type change; changed column
        </li>
        <li>
          <span className="swatch" style={{ background: CHANGE_COLORS.refused }} /> refused by the
          database at the last push
        </li>
      </ul>
      <h3 id="plan-heading">Plan as SQL</h3>
      <pre className="sql" aria-labelledby="plan-heading" data-testid="plan-sql">
        {sql || '-- nothing to push'}
      </pre>
      {ops.length || earlier.length ? (
        <>
          <h3>History of {t?.name}</h3>
          <ol className="history" aria-label="Operations since the last push">
            {earlier.slice(-6).map((description, i) => (
              <li
                key={`earlier-${i}`}
                className="earlier"
                title="Before the refresh: no longer undoable"
              >
                {description}
              </li>
            ))}
            {earlier.length ? (
              <li className="history-mark">refreshed: edits above rebased, undo starts here</li>
            ) : null}
            {ops.slice(-6).map((op, i) => (
              <li key={`${op.at}-${i}`}>{op.description}</li>
            ))}
          </ol>
        </>
      ) : null}
      {last && last.tables.length ? (
        <>
          <h3>Last push</h3>
          <dl className="push-stats" aria-label="Last push">
            <dt>total</dt>
            <dd>{formatMs(last.totalMs)}</dd>
            <dt>rows written</dt>
            <dd>{last.rowsWritten.toLocaleString('en')}</dd>
            <dt>bytes persisted</dt>
            <dd>{formatBytes(last.bytesPersisted)}</dd>
            <dt>SQLite / IndexedDB</dt>
            <dd>
              {formatMs(last.applyMs)} / {formatMs(last.persistMs)}
            </dd>
          </dl>
        </>
      ) : null}
    </aside>
  );
}
