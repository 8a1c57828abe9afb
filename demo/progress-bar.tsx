import type { TaskProgress } from './playground-types';

/** The progress of a long task: a determinate bar when its size is known. */
export function ProgressBar({ progress }: { readonly progress: TaskProgress }) {
  const { label, done, total } = progress;
  const percent = total ? Math.floor((done / total) * 100) : null;
  return (
    <div className="progress" role="status" aria-live="polite">
      <span className="progress-label">
        {label}
        {percent === null ? '…' : ` ${percent}%`}
      </span>
      {total ? (
        <progress aria-label={label} max={total} value={done} />
      ) : (
        <progress aria-label={label} />
      )}
    </div>
  );
}
