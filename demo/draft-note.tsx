import { useEffect, useState } from 'react';
import type { Database } from '../src/index';

/**
 * "N unpushed edits, saved in this browser": the library's drafts (`db.drafts`) keep pending edits
 * through a reload. Shown under the counts; says "saving…" until the save after the last edit.
 */
export function DraftNote({ db }: { readonly db: Database | null }) {
  const [, setSaves] = useState(0);
  useEffect(() => db?.drafts.on(() => setSaves((n) => n + 1)), [db]);
  if (!db?.drafts.enabled) return null;
  const status = db.drafts.status();
  const edits = status.reduce((n, s) => n + s.changes, 0);
  if (edits === 0) return null;
  const saved = status.every((s) => s.saved);
  return (
    <p className="hint" data-testid="draft-note">
      {edits.toLocaleString('en')} unpushed edit{edits === 1 ? '' : 's'}
      {saved ? ', saved in this browser' : ', saving…'}
    </p>
  );
}
