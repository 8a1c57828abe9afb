import { ExternalStore } from './external-store';
import type { Database, RebaseConflict, RefusedPush, SyncOptions, SyncStatus } from '../src/index';
import { errorMessage, formatKey, yoursVersusTheirs, type Message } from './messages';
import type { Playground } from './playground';

const OFFLINE: SyncStatus = {
  state: 'offline',
  outbox: 0,
  serverSeq: null,
  loading: null,
  error: null,
};

/**
 * The playground's side of sync: where sync stands (for the indicator), pause, resume and "Sync
 * now", and a push the server refused shown as a conflict between tabs is: its edits pending
 * again, the contested ones listed, yours vs theirs, with Take theirs and Overwrite with mine.
 */
export class PlaygroundSync extends ExternalStore {
  readonly options: SyncOptions;
  status: SyncStatus = OFFLINE;
  paused = false;
  /** `Sync now` is running. */
  syncing = false;
  readonly #pg: Playground;
  #db: Database | null = null;

  constructor(pg: Playground, options: SyncOptions) {
    super();
    this.#pg = pg;
    this.options = options;
  }

  /** Follows the opened database's sync status and refused pushes. */
  attach(db: Database): void {
    this.#db = db;
    this.status = db.syncStatus ?? OFFLINE;
    // What arrives before the first round's end (a new device's load from the server, the
    // catch-up after a reopen) is no news to tell of: the grid shows it as it opens.
    let opening = true;
    db.on('sync', (s) => {
      this.status = s;
      if (opening && s.serverSeq !== null) {
        opening = false;
        this.#pg.dismissNotice();
      }
      this.changed();
    });
    db.on('refused', (r) => void this.#refused(r));
    this.changed();
  }

  /** A sync round now (`db.sync()`): resolves when the outbox is empty, or says why not. */
  async syncNow(): Promise<void> {
    const db = this.#db;
    if (!db || this.syncing) return;
    this.syncing = true;
    this.changed();
    try {
      await db.sync();
    } catch (e) {
      this.#pg.show(errorMessage(e, 'Sync failed'));
    }
    this.syncing = false;
    this.changed();
  }

  pause(): void {
    this.#db?.pauseSync();
    this.paused = true;
    this.changed();
  }

  resume(): void {
    this.#db?.resumeSync();
    this.paused = false;
    this.changed();
  }

  async #refused(r: RefusedPush): Promise<void> {
    // The refused edits are pending again in the loaded tables: the grid and the plan show them.
    await this.#pg.tablesChanged();
    this.#pg.show(
      refusedMessage(
        r,
        () => void this.takeTheirs(r),
        () => void this.#pg.push(),
      ),
    );
  }

  /**
   * Takes the server's values for the edits it contested (as a refresh after a conflict between
   * tabs does): updated cells set back to the server's values, inserts the server refused
   * dropped, deleted rows kept. The push's other edits stay pending.
   */
  async takeTheirs(r: RefusedPush): Promise<void> {
    const db = this.#db;
    if (!db) return;
    let dropped = 0;
    const failed: string[] = [];
    for (const c of r.conflicts) {
      if (!c.kept) continue;
      try {
        const t = await db.table(c.table);
        if (c.type === 'update' && c.remote) t.update(c.key, c.remote);
        else if (c.type === 'insert') t.delete([c.key]);
        else if (c.type === 'delete' && c.remote) t.insert(c.remote);
        dropped++;
      } catch {
        failed.push(`${c.table} (${formatKey(c.key)})`);
      }
    }
    await this.#pg.tablesChanged();
    this.#pg.show(
      failed.length
        ? {
            kind: 'warning',
            title: `Took theirs for ${dropped} edit(s); ${failed.length} could not be taken back`,
            detail: `Undo or edit these rows by hand: ${failed.join(', ')}.`,
          }
        : {
            kind: 'success',
            title: `Took theirs: ${dropped} contested edit(s) dropped`,
            detail: 'The rows show the server’s values; your other edits stay pending.',
          },
    );
  }
}

/** The message for a refused push: a conflict as between tabs, or the server's error. */
function refusedMessage(r: RefusedPush, takeTheirs: () => void, overwrite: () => void): Message {
  const code = r.error.code;
  const title = `The sync server refused a push (${code})`;
  const back = `Its edits were undone here and are pending again, on top of the server’s rows${
    r.tables.length ? ` (${r.tables.join(', ')})` : ''
  }.`;
  const contested = r.conflicts.filter((c) => c.kept);
  const lost = r.conflicts.length - contested.length;
  const lostText = lost
    ? ` ${lost} edit(s) could not be returned (their rows are gone on the server, or a key is taken).`
    : '';
  const rows = contested.map((c: RebaseConflict) => ({
    table: c.table,
    key: c.key,
    label: `${c.table} (${formatKey(c.key)})${c.columns.length ? `: ${c.columns.join(', ')}` : ''}`,
  }));
  const items = r.conflicts.map(yoursVersusTheirs);
  const take = { label: 'Take theirs', run: takeTheirs };
  if (code !== 'conflict') {
    // A constraint, a table this device may not write…: pushing the same edits again would be
    // refused again. Take theirs drops the rows the server named; or edit them and push.
    const m = errorMessage(r.error, title);
    return {
      ...m,
      detail: `${back}${lostText} ${m.detail ?? ''}`.trim(),
      items,
      rows: rows.length ? rows : (m.rows ?? []),
      ...(contested.length ? { actions: [take] } : {}),
    };
  }
  return {
    kind: 'error',
    title: `${title}: another device changed ${contested.length || r.conflicts.length} row(s) you edited`,
    detail: `${back}${lostText} Take theirs drops your contested edits (the others stay pending), or overwrite the server’s values with yours.`,
    items,
    rows,
    actions: contested.length ? [take, { label: 'Overwrite with mine', run: overwrite }] : [],
  };
}
