import type { Progress, PushResult, RebaseConflict } from '../src/index';
import { formatBytes, formatMs } from './format-units';
import { errorMessage, formatKey, yoursVersusTheirs, type Message } from './messages';

/** What a push did: tables, rows, time, bytes; or that there was nothing to push. */
export function pushedMessage(result: PushResult): Message {
  return result.tables.length
    ? {
        kind: 'success',
        title: `Pushed ${result.tables.join(', ')}: ${result.rowsWritten.toLocaleString('en')} row(s) written in ${formatMs(result.totalMs)}`,
        detail: `SQLite ${formatMs(result.applyMs)}, IndexedDB ${formatMs(result.persistMs)}, ${formatBytes(result.bytesPersisted)} persisted. The changes survive a reload.`,
      }
    : { kind: 'info', title: 'Nothing to push' };
}

/**
 * Pending edits that conflicted with another tab's commits (or with an imported file: `against`):
 * yours against theirs, with links.
 */
export function rebaseMessage(
  conflicts: readonly RebaseConflict[],
  against = "another tab's changes",
): Message {
  const kept = conflicts.some((c) => c.kept);
  return {
    kind: 'warning',
    title: `${conflicts.length} of your pending edit(s) conflicted with ${against}`,
    detail: kept
      ? 'Your values were kept: pushing writes them over the other changes.'
      : 'The other values were taken; your contested edits were dropped (listed below), the others kept.',
    items: conflicts.map((c) => yoursVersusTheirs(c)),
    rows: conflicts.map((c) => ({
      table: c.table,
      key: c.key,
      label: `${c.table} (${formatKey(c.key)}): ${c.type} ${c.columns.join(', ')}`,
    })),
  };
}

/** The progress bar's label for a phase of a push. */
export function pushPhaseLabel(p: Progress): string {
  switch (p.phase) {
    case 'push':
      return 'Writing to SQLite';
    case 'persist':
      return 'Saving to IndexedDB';
    default:
      return `Pushing (${p.phase})`;
  }
}

/**
 * A refused push as the message bar shows it: after a conflict, with the two ways out (take
 * theirs, or write mine over them). `isDeleted` tells whether a row an error names is one the
 * pending edits delete.
 */
export function refusedPushMessage(
  e: unknown,
  isDeleted: (table: string, columns: readonly string[], values: readonly unknown[]) => boolean,
  ways: { readonly refresh: () => void; readonly overwrite: () => void },
): Message {
  const message = errorMessage(e, 'Push refused', isDeleted);
  return e instanceof Error && 'conflicts' in e
    ? {
        ...message,
        actions: [
          { label: 'Refresh (take theirs)', run: ways.refresh },
          { label: 'Overwrite with mine', run: ways.overwrite },
        ],
      }
    : message;
}
