import type { GridSelection } from '@glideapps/glide-data-grid';
import { useEffect, useRef, useState } from 'react';
import { ChangesPanel } from './changes-panel';
import { ColumnDialog } from './column-dialog';
import { ColumnsDialog } from './columns-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { CsvImportDialog } from './csv-import-dialog';
import { DatabaseBar } from './database-bar';
import { InsertRowDialog } from './insert-row-dialog';
import { MessageBar } from './message-bar';
import { NoticeBar } from './notice-bar';
import type { Playground } from './playground';
import { ProgressBar } from './progress-bar';
import { RowFormDialog } from './row-form-dialog';
import { SqlConsolePanel } from './sql-console';
import { cursorAt, EMPTY_SELECTION, TableGrid } from './table-grid';
import { TableList } from './table-list';
import { TableToolbar, type DialogRequest } from './table-toolbar';
import { usePlayground } from './use-playground';
import { ViewDialog } from './view-dialog';

/** The playground page. */
export function App({ pg }: { readonly pg: Playground }) {
  usePlayground(pg);
  const [selection, setSelection] = useState<GridSelection>(EMPTY_SELECTION);
  const [dialog, setDialog] = useState<DialogRequest | null>(null);

  // Undo and redo from the keyboard, unless a field or the grid's cell editor has the focus.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, dialog, [contenteditable]')) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) pg.undo();
      else if ((key === 'z' && e.shiftKey) || key === 'y') pg.redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pg]);

  // The floating bars cover the bottom of the grid: the grid gets as much room to scroll past its
  // last row, so that no row stays hidden under them (nothing moves when they come and go).
  const bars = useRef<HTMLDivElement>(null);
  const [barsHeight, setBarsHeight] = useState(0);
  useEffect(() => {
    const el = bars.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setBarsHeight(el.offsetHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const selectedRows = rowsOf(selection, pg.refs.length);
  return (
    <div className="app">
      <DatabaseBar pg={pg} />
      <div className="bars" ref={bars}>
        {pg.progress ? <ProgressBar progress={pg.progress} /> : null}
        <NoticeBar pg={pg} />
        <MessageBar pg={pg} />
      </div>
      <div className="workspace">
        <TableList pg={pg} />
        <main
          className="content"
          aria-label={
            pg.mode === 'sql' ? 'SQL console' : pg.table ? `Table ${pg.table.name}` : 'Table'
          }
        >
          {pg.mode === 'sql' ? (
            <SqlConsolePanel key={pg.sqlConsole.loaded} pg={pg} />
          ) : pg.table ? (
            <>
              <TableToolbar
                pg={pg}
                table={pg.table}
                selectedRows={selectedRows.length}
                formRef={formRef(selection, pg.refs)}
                onDeleteSelected={() => {
                  void pg.askDelete(pg.refsAt(selectedRows));
                  const first = selectedRows[0];
                  if (first !== undefined)
                    setSelection(cursorAt(selection.current?.cell ?? [0, first]));
                }}
                onDialog={setDialog}
              />
              <div className="grid-frame">
                <TableGrid
                  pg={pg}
                  table={pg.table}
                  selection={selection}
                  onSelectionChange={setSelection}
                  onColumnMenu={(column) => setDialog({ kind: 'menu', column })}
                  bottomPadding={barsHeight === 0 ? 0 : barsHeight + 16}
                />
              </div>
            </>
          ) : (
            <p className="hint center">
              {pg.status === 'opening' ? 'Opening the database…' : 'Pick a table.'}
            </p>
          )}
        </main>
        <ChangesPanel pg={pg} />
      </div>
      {dialog && pg.table && dialog.kind !== 'add' && !('column' in dialog) ? (
        dialog.kind === 'insert' ? (
          <InsertRowDialog pg={pg} table={pg.table} onClose={() => setDialog(null)} />
        ) : dialog.kind === 'view' ? (
          <ViewDialog pg={pg} table={pg.table} onClose={() => setDialog(null)} />
        ) : dialog.kind === 'columns' ? (
          <ColumnsDialog pg={pg} table={pg.table} onClose={() => setDialog(null)} />
        ) : (
          <RowFormDialog
            pg={pg}
            table={pg.table}
            rowRef={dialog.ref}
            onClose={() => setDialog(null)}
          />
        )
      ) : dialog && (dialog.kind === 'add' || 'column' in dialog) ? (
        <ColumnDialog key={`${dialog.kind}`} pg={pg} request={dialog} onRequest={setDialog} />
      ) : null}
      {pg.csvDraft ? (
        <CsvImportDialog key={pg.csvDraft.fileName} pg={pg} draft={pg.csvDraft} />
      ) : null}
      <ConfirmDialog pg={pg} />
    </div>
  );
}

/** Rows to delete: the checked rows, else the rows of the selected range. */
function rowsOf(selection: GridSelection, length: number): number[] {
  const rows = selection.rows.toArray().filter((r) => r < length);
  if (rows.length) return rows;
  const range = selection.current?.range;
  if (!range) return [];
  const out: number[] = [];
  for (let r = range.y; r < Math.min(length, range.y + range.height); r++) out.push(r);
  return out;
}

/** The row the row form opens on: the first checked row, else the cursor's. */
function formRef(selection: GridSelection, refs: Int32Array): number | null {
  const row = selection.rows.first() ?? selection.current?.cell[1];
  const ref = row === undefined ? undefined : refs[row];
  return ref ?? null;
}
