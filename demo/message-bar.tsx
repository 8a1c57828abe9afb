import type { Playground } from './playground';

/** The outcome of the last action: what was done, or what went wrong and which rows. */
export function MessageBar({ pg }: { readonly pg: Playground }) {
  const m = pg.message;
  if (!m) return null;
  return (
    <div
      className={`bar message ${m.kind}`}
      role={m.kind === 'error' ? 'alert' : 'status'}
      aria-label="Message"
    >
      <div className="bar-text">
        <strong>{m.title}</strong>
        {m.detail ? <div className="detail">{m.detail}</div> : null}
        {m.items?.length ? (
          <ul className="message-items" aria-label="Details">
            {m.items.slice(0, 8).map((item, i) => (
              <li key={i}>{item}</li>
            ))}
            {m.items.length > 8 ? <li>and {m.items.length - 8} more</li> : null}
          </ul>
        ) : null}
        {m.rows?.length ? (
          <ul className="row-links" aria-label="Rows concerned">
            {m.rows.slice(0, 8).map((r, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => void pg.goTo(r)}>
                  Show {r.label}
                </button>
              </li>
            ))}
            {m.rows.length > 8 ? <li>and {m.rows.length - 8} more</li> : null}
          </ul>
        ) : null}
      </div>
      <div className="bar-actions">
        {m.actions?.map((a) => (
          <button type="button" key={a.label} onClick={a.run} disabled={pg.busy !== null}>
            {a.label}
          </button>
        ))}
        <button
          type="button"
          className="icon"
          aria-label="Dismiss message"
          onClick={() => pg.dismissMessage()}
        >
          ×
        </button>
      </div>
    </div>
  );
}
