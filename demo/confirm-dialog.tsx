import { ModalDialog } from './modal-dialog';
import type { Playground } from './playground';

/** Asks before an action that throws work away or replaces the database (see `pg.confirm`). */
export function ConfirmDialog({ pg }: { readonly pg: Playground }) {
  const c = pg.confirmation;
  if (!c) return null;
  return (
    <ModalDialog title={c.title} onClose={() => pg.answer(false)}>
      <p className="confirm-detail">{c.detail}</p>
      <div className="button-row">
        <button type="button" onClick={() => pg.answer(false)} autoFocus>
          Cancel
        </button>
        {c.other ? (
          <button
            type="button"
            onClick={() => {
              pg.answer(false);
              c.other?.run();
            }}
          >
            {c.other.label}
          </button>
        ) : null}
        <button type="button" className="danger" onClick={() => pg.answer(true)}>
          {c.confirm}
        </button>
      </div>
    </ModalDialog>
  );
}
