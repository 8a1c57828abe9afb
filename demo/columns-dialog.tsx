import type { TrackedTable } from '../src/index';
import { orderedColumns } from './column-layout';
import { ModalDialog } from './modal-dialog';
import type { Playground } from './playground';

interface ColumnsDialogProps {
  readonly pg: Playground;
  readonly table: TrackedTable;
  readonly onClose: () => void;
}

/**
 * Which columns show, in which order, and how many stay frozen at the left: display choices,
 * applied as they are made (columns can also be dragged by their header in the grid).
 */
export function ColumnsDialog({ pg, table: t, onClose }: ColumnsDialogProps) {
  const layout = pg.columnLayout();
  const all = orderedColumns(t.columns, layout);
  const shown = all.filter((c) => !layout.hidden.has(c.name));
  const move = (name: string, by: -1 | 1) => {
    const from = shown.findIndex((c) => c.name === name);
    const to = from + by;
    if (from >= 0 && to >= 0 && to < shown.length) pg.moveColumn(from, to);
  };
  return (
    <ModalDialog title={`Columns of ${t.name}`} onClose={onClose}>
      <ul className="columns-list" aria-label="Columns">
        {all.map((c) => {
          const hidden = layout.hidden.has(c.name);
          const at = shown.findIndex((s) => s.name === c.name);
          return (
            <li key={c.name}>
              <label className="inline">
                <input
                  type="checkbox"
                  checked={!hidden}
                  aria-label={`Show ${c.name}`}
                  onChange={(e) => {
                    const next = new Set(layout.hidden);
                    if (e.target.checked) next.delete(c.name);
                    else next.add(c.name);
                    pg.setColumnLayout({ ...layout, hidden: next });
                  }}
                />
                {c.name}
              </label>
              <span className="columns-moves">
                <button
                  type="button"
                  className="icon"
                  aria-label={`Move ${c.name} left`}
                  disabled={hidden || at <= 0}
                  onClick={() => move(c.name, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Move ${c.name} right`}
                  disabled={hidden || at < 0 || at >= shown.length - 1}
                  onClick={() => move(c.name, 1)}
                >
                  ↓
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      <label className="inline">
        Frozen columns (stay at the left while scrolling)
        <input
          type="number"
          min={0}
          max={shown.length}
          value={Math.min(layout.frozen, shown.length)}
          aria-label="Frozen columns"
          onChange={(e) =>
            pg.setColumnLayout({
              ...layout,
              frozen: Math.max(0, Math.min(shown.length, Number(e.target.value) || 0)),
            })
          }
        />
      </label>
      <div className="button-row">
        <button
          type="button"
          onClick={() => pg.setColumnLayout({ order: [], hidden: new Set(), frozen: 0 })}
        >
          Reset columns
        </button>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </ModalDialog>
  );
}
