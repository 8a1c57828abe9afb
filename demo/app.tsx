import type { GridSelection } from '@glideapps/glide-data-grid';
import { useEffect, useState } from 'react';
import { ChangesPanel } from './changes-panel';
import { ColumnDialog } from './column-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { CsvImportDialog } from './csv-import-dialog';
import { DatabaseBar } from './database-bar';
import { InsertRowDialog } from './insert-row-dialog';
import { MessageBar } from './message-bar';
import { NoticeBar } from './notice-bar';
import type { Playground } from './playground';
import { ProgressBar } from './progress-bar';
import { SqlConsolePanel } from './sql-console';
import { cursorAt, EMPTY_SELECTION, TableGrid } from './table-grid';
import { TableList } from './table-list';
import { TableToolbar, type DialogRequest } from './table-toolbar';
import { usePlayground } from './use-playground';

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

  const selectedRows = rowsOf(selection, pg.refs.length);
  return (
    <div className="app">
      <DatabaseBar pg={pg} />
      <div className="bars">
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
            <SqlConsolePanel pg={pg} />
          ) : pg.table ? (
            <>
              <TableToolbar
                pg={pg}
                table={pg.table}
                selectedRows={selectedRows.length}
                onDeleteSelected={() => {
                  pg.deleteRows(pg.refsAt(selectedRows));
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
      {dialog?.kind === 'insert' ? (
        pg.table ? (
          <InsertRowDialog pg={pg} table={pg.table} onClose={() => setDialog(null)} />
        ) : null
      ) : dialog ? (
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
