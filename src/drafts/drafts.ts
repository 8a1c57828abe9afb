import { PandalchemyError } from '../errors/pandalchemy-error';
import { Listeners } from '../events/listeners';
import type { DraftEvent, DraftListener, DraftStatus } from './draft-events';
import { storageError } from './storage-error';
import type { RebaseConflict } from '../table/rebase';
import type { RowStore } from '../table/row-store';
import type { TableState } from '../table/table-state';
import type { TrackedTable } from '../table/tracked-table';
import { claimOwner, liveOwners, type DraftOwner } from './draft-owner';
import type { DraftBase } from './draft-record';
import { DraftStore } from './draft-store';
import { draftBase, storeFingerprint } from './encode-draft';
import { deltaParts, savedPoint, type SavedPoint } from './encode-delta';
import { planSave } from './plan-save';
import { SaveSuperseded } from './save-superseded';
import { restoreSaved } from './restore-saved';

export type { DraftEvent, DraftListener, DraftStatus } from './draft-events';

/** What drafts need of their database. */
export interface DraftHost {
  /** The loaded tables, each with the commit its stored rows are as of. */
  tables(): readonly { readonly table: TrackedTable; readonly seq: number }[];
  /**
   * Whether a commit after `seq` dropped `table` (false where the commits kept do not tell): a
   * draft made before it holds edits of rows that are gone, even where the table was created
   * again.
   */
  droppedSince(table: string, seq: number): Promise<boolean>;
}

/** A save waits for this long without edits... */
const QUIET_MS = 150;
/** ...but never longer than this after the first unsaved edit. */
const MAX_WAIT_MS = 1000;
const TICK_MS = 100;
/** Saves wait at least this many times as long as the last one took. */
const SPACING = 10;
/** A save that failed is tried again after this long at the earliest. */
const RETRY_MS = 1000;

interface Entry {
  state: TableState;
  /** `state.version` when last looked at: an edit, undo or redo changes it. */
  seen: number;
  changedAt: number;
  /** When the first edit not saved yet was seen, or null when all is saved. */
  dirtySince: number | null;
  savedAt: number | null;
  savedChanges: number;
  /** Whether a draft of the table is in IndexedDB. */
  exists: boolean;
  /** How long the last save kept the page busy (ms), and when it ended. */
  cost: number;
  lastSave: number;
  /** What the pending edits are made over: worked out again once the stored rows are others. */
  base: { store: RowStore; revision: number; base: DraftBase } | null;
  /** The history as the draft's records hold it (null: the next save writes the draft whole). */
  point: SavedPoint | null;
  /** The draft's records (base and deltas) and the events in its deltas. */
  records: number;
  events: number;
}

/**
 * Drafts: every loaded table's pending edits, undo and redo history included, saved in this
 * browser as they are made and restored when the database is opened again (`db.drafts`).
 *
 * Nothing runs on the edit path: a timer notices that a table's version moved and saves once the
 * editing pauses (150 ms, or 1 s at most), off the edit. A save appends what happened to the
 * history since the save before (a delta: undo and redo steps, new operations, the net change of
 * the rows they touched, left out when the delta is only single-cell edits of stored rows and a
 * rebase can work it out from them; see encode-delta.ts), so its cost follows what changed, not
 * what is pending. The draft is written whole (its base: the pending state and history in one value) at
 * its first save, when the history was cleared or an operation moved is a schema or whole-column
 * change, and when the deltas hold much more than the history (plan-save.ts). Each save is one
 * IndexedDB transaction: a crash loses at most the edits after the last save, never the draft.
 *
 * A draft belongs to the tab session that made it (see draft-owner.ts): a reload restores that
 * tab's drafts; a tab without a draft of its own takes the newest draft of the table that no
 * open tab holds. Two open tabs never write over each other's drafts.
 */
export class Drafts {
  /** Whether drafts are saved: `openDatabase` with persistence, unless `drafts: false`. */
  readonly enabled: boolean;
  readonly #name: string;
  readonly #host: DraftHost;
  readonly #store: DraftStore | null;
  readonly #owner: Promise<DraftOwner> | null;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Listeners<DraftEvent>();
  #chain: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | null = null;
  #closed = false;
  #busy = 0;
  readonly #onHide = (): void => {
    if (typeof document === 'undefined' || document.visibilityState === 'hidden')
      void this.flush().catch(() => undefined);
  };

  /** @internal Made by the database. */
  constructor(name: string, enabled: boolean, host: DraftHost) {
    this.#name = name;
    this.#host = host;
    this.enabled = enabled && typeof indexedDB !== 'undefined';
    this.#store = this.enabled ? new DraftStore(name) : null;
    this.#owner = this.enabled ? claimOwner(name) : null;
    if (!this.enabled) return;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    globalThis.addEventListener?.('pagehide', this.#onHide);
    globalThis.addEventListener?.('visibilitychange', this.#onHide);
  }

  /** The loaded tables that have pending edits or a saved draft. */
  status(): DraftStatus[] {
    const out: DraftStatus[] = [];
    for (const { table } of this.#host.tables()) {
      const e = this.#entries.get(table.name);
      const s = table.state;
      const counts = table.changeCounts();
      const changes = counts.inserts + counts.updates + counts.deletes + counts.schema;
      const undoable = s.log.done.length;
      const redoable = s.log.undone.length;
      if (!changes && !undoable && !redoable && !e?.exists) continue;
      out.push({
        table: table.name,
        changes,
        undoable,
        redoable,
        savedAt: e?.exists ? e.savedAt : null,
        savedChanges: e?.exists ? e.savedChanges : 0,
        saved: e !== undefined && e.dirtySince === null && e.state === s && e.seen === s.version,
      });
    }
    return out;
  }

  /** Calls `listener` on every draft event. Returns a function that unsubscribes. */
  on(listener: DraftListener): () => void {
    return this.#listeners.on(listener);
  }

  /** Saves every unsaved edit now, without waiting for a pause in the editing. */
  async flush(): Promise<void> {
    if (!this.enabled || this.#closed) return this.#chain;
    this.#tick(true);
    return this.#chain;
  }

  /**
   * @internal How long the last save kept the page busy (ms): its own work (working out the
   * delta, making and handing over each record), not the waits for IndexedDB in between.
   */
  get lastSaveBusyMs(): number {
    return this.#busy;
  }

  /** @internal Calls `fn` with every value handed to IndexedDB (tests count what a save writes). */
  observeWrites(fn: ((value: unknown) => void) | null): void {
    if (this.#store) this.#store.observe = fn;
  }

  /** @internal Restores the draft of a table just loaded (`seq`: the commit it was read at). */
  async restore(table: TrackedTable, seq: number): Promise<void> {
    if (!this.enabled || this.#closed) return;
    const entry = this.#entry(table.state);
    this.#entries.set(table.name, entry);
    let saved;
    let owner: DraftOwner;
    try {
      owner = await this.#owner!;
      saved = await this.#store!.get(table.name, owner.id);
      if (!saved && (await this.#takeOrphan(table.name, owner.id)))
        saved = await this.#store!.get(table.name, owner.id);
    } catch (e) {
      this.#emit({ type: 'failed', table: table.name, error: storageError(e, 'reading') });
      return;
    }
    if (!saved) return;
    entry.exists = true;
    let conflicts: RebaseConflict[] = [];
    let rebased = false;
    const fresh = table.state;
    const head = saved.head;
    try {
      const contested = await restoreSaved(saved, table, seq, (name, since) =>
        this.#host.droppedSince(name, since),
      );
      if (contested) {
        conflicts = contested;
        rebased = true;
      } else {
        entry.base = this.#base(table.state, seq, head.base.fingerprint);
        entry.point = savedPoint(table.state);
        entry.records = head.records;
        entry.events = head.events;
      }
    } catch (e) {
      table.adopt(fresh);
      fresh.resetColumns();
      entry.exists = false;
      entry.point = null;
      await this.#store!.delete(table.name, owner.id).catch(() => undefined);
      const reason = e instanceof Error ? e.message : String(e);
      const error =
        e instanceof PandalchemyError && e.code === 'draft_invalid'
          ? e
          : new PandalchemyError(
              'draft_invalid',
              `The saved draft of '${table.name}' no longer fits the table and was dropped: ${reason}`,
              { table: table.name },
            );
      this.#emit({ type: 'dropped', table: table.name, error });
      return;
    }
    const { base, point, records, events } = entry;
    Object.assign(entry, this.#entry(table.state), {
      exists: true,
      savedAt: head.savedAt,
      savedChanges: head.changes,
      base,
      point,
      records,
      events,
      // Rebased: saved again at the next tick, over the rows it was rebased onto.
      dirtySince: rebased ? 0 : null,
    });
    this.#emit({
      type: 'restored',
      table: table.name,
      changes: changeCount(table),
      savedAt: head.savedAt,
      rebased,
      conflicts,
    });
  }

  /** @internal A table's edits were pushed: its draft goes at once, not at the next tick. */
  pushed(table: TrackedTable): void {
    if (!this.enabled || this.#closed) return;
    this.#queue(table, this.#host.tables().find((t) => t.table === table)?.seq ?? 0);
  }

  /** @internal Saves what is unsaved and stops. */
  async close(): Promise<void> {
    if (!this.enabled || this.#closed) return;
    await this.flush().catch(() => undefined);
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    globalThis.removeEventListener?.('pagehide', this.#onHide);
    globalThis.removeEventListener?.('visibilitychange', this.#onHide);
    await this.#chain.catch(() => undefined);
    await this.#store!.close().catch(() => undefined);
    (await this.#owner!).release();
  }

  // ---- internals ------------------------------------------------------------------------------

  #entry(state: TableState): Entry {
    return {
      state,
      seen: state.version,
      changedAt: 0,
      dirtySince: null,
      savedAt: null,
      savedChanges: 0,
      exists: false,
      cost: 0,
      lastSave: 0,
      base: null,
      point: null,
      records: 0,
      events: 0,
    };
  }

  #base(state: TableState, seq: number, fingerprint: number): NonNullable<Entry['base']> {
    return {
      store: state.store,
      revision: state.store.revision,
      base: draftBase(state, seq, fingerprint),
    };
  }

  /** Takes the newest draft of `table` that no open session holds. */
  async #takeOrphan(table: string, owner: string): Promise<boolean> {
    const live = await liveOwners(this.#name);
    if (!live) return false; // Without Web Locks another tab's draft may be in use: leave it.
    const free = (await this.#store!.owners(table))
      .filter((d) => d.owner !== owner && !live.has(d.owner))
      .sort((a, b) => b.savedAt - a.savedAt);
    for (const d of free) if (await this.#store!.take(table, d.owner, owner)) return true;
    return false;
  }

  #tick(now = false): void {
    const t = Date.now();
    for (const { table, seq } of this.#host.tables()) {
      const s = table.state;
      let e = this.#entries.get(table.name);
      if (!e) this.#entries.set(table.name, (e = this.#entry(s)));
      if (e.state !== s || e.seen !== s.version) {
        e.state = s;
        e.seen = s.version;
        e.changedAt = t;
        e.dirtySince ??= t;
      }
      if (e.dirtySince === null) continue;
      // A table whose push is in flight is left alone until the push settles: pushed, its draft
      // is deleted at once; refused, its edits are still pending and saved at the next tick. A
      // save meanwhile would copy every pending edit only to delete them (after a whole-column
      // transform of a million rows, seconds of the page's time in the middle of the push). An
      // explicit flush (the page hiding, `flush()`) still saves it.
      if (!now && s.lockedBy !== null) continue;
      // A save copies every pending edit: past tens of thousands it takes a while, so saves are
      // then spaced to keep the page busy saving a tenth of the time at most.
      const spaced = t - e.lastSave >= SPACING * e.cost;
      if (now || (spaced && (t - e.changedAt >= QUIET_MS || t - e.dirtySince >= MAX_WAIT_MS))) {
        e.dirtySince = null;
        this.#queue(table, seq);
      }
    }
  }

  /** Saves (or deletes) a table's draft after the saves queued before. */
  #queue(table: TrackedTable, seq: number): void {
    this.#chain = this.#chain
      .then(() => this.#save(table, seq))
      .catch((e: unknown) =>
        this.#emit({ type: 'failed', table: table.name, error: storageError(e, 'saving') }),
      );
  }

  async #save(table: TrackedTable, seq: number): Promise<void> {
    const e = this.#entries.get(table.name);
    if (!e || this.#closed) return;
    const owner = await this.#owner!;
    const db = await this.#store!.ready();
    // From here to the put nothing awaits: the records are the table's objects as they are now.
    const s = table.state;
    const nothing = !table.hasChanges && s.log.done.length === 0 && s.log.undone.length === 0;
    if (nothing) {
      e.point = null;
      if (!e.exists) return;
      e.exists = false;
      e.base = null;
      await this.#store!.delete(table.name, owner.id);
      this.#emit({ type: 'cleared', table: table.name });
      return;
    }
    const start = performance.now();
    let b = e.base;
    if (!b || b.store !== s.store || b.revision !== s.store.revision || b.base.seq !== seq) {
      e.base = b = this.#base(s, seq, storeFingerprint(s.store));
      e.point = null;
    }
    const changes = changeCount(table);
    const savedAt = Date.now();
    const progress =
      e.exists && e.point ? { point: e.point, records: e.records, events: e.events } : null;
    const plan = planSave(progress, s, {
      table: table.name,
      owner: owner.id,
      savedAt,
      base: b.base,
      changes,
    });
    const sink = { ms: 0 };
    const planned = performance.now();
    const saved = plan.whole
      ? this.#store!.saveWhole(db, plan.head, plan.whole, plan.wholeParts ?? [], sink)
      : plan.delta
        ? this.#store!.append(db, plan.head, plan.first, deltaParts(plan.delta, s), sink)
        : null;
    ({ point: e.point, events: e.events } = plan.progress);
    e.lastSave = Date.now();
    e.cost = performance.now() - start;
    try {
      e.records = (await saved) ?? e.records;
    } catch (err) {
      if (err instanceof SaveSuperseded) {
        // The rows changed under the save: written again, whole, at the next tick.
        e.point = null;
        e.dirtySince ??= Date.now();
        return;
      }
      // What is stored is the draft as of the save before: the next save writes it whole. The
      // edits are unsaved again (a failed save left them saved for status() and never tried
      // again until the next edit); tried again after a second at the earliest.
      e.point = null;
      e.dirtySince ??= Date.now();
      e.cost = Math.max(e.cost, RETRY_MS / SPACING);
      throw err;
    }
    this.#busy = planned - start + sink.ms;
    e.cost = this.#busy;
    e.exists = true;
    e.savedAt = savedAt;
    e.savedChanges = changes;
    this.#emit({ type: 'saved', table: table.name, changes, savedAt });
  }

  #emit(event: DraftEvent): void {
    this.#listeners.emit(event);
  }
}

function changeCount(table: TrackedTable): number {
  const c = table.changeCounts();
  return c.inserts + c.updates + c.deletes + c.schema;
}
