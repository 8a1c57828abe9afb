import type { Playground } from './playground';

/** Tells that another tab pushed, and offers to refresh. */
export function NoticeBar({ pg }: { readonly pg: Playground }) {
  const notice = pg.notice;
  if (!notice) return null;
  return (
    <div className="bar notice" role="status" aria-label="Changes from another tab">
      <div className="bar-text">
        <strong>
          Another {pg.sync ? 'tab or device' : 'tab'} pushed changes to {notice.tables.join(', ')}.
        </strong>{' '}
        {notice.stale.length
          ? `You have pending edits on ${notice.stale.join(', ')}: refresh to rebase them onto the new data.`
          : 'The grid already shows them.'}
      </div>
      <div className="bar-actions">
        <button type="button" onClick={() => void pg.refresh()} disabled={pg.busy !== null}>
          Refresh
        </button>
        <button type="button" onClick={() => pg.dismissNotice()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
