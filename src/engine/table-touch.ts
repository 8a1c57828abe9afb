import { toColumnValues } from '../plan/column-values';
import type { ColumnValues } from '../plan/execution-plan';
import type { TableInfo } from '../schema/table-info';
import { isRowidKeyed } from '../dialect/sqlite/sqlite-rowid';
import { keyTokens, type KeyToken } from '../values/key-hash';
import { DeletedRows } from './deleted-rows';
import { KnownImages } from './known-images';
import type { SqlValue } from '../values/sql-value';

/** A rowid: a number, or a BigInt beyond 2^53. */
export type Rowid = number | bigint;

/** The rows of one update step recorded as patches (see {@link TableTouch.patches}). */
export interface PatchGroup {
  readonly columns: readonly string[];
  /** Stored values per set column, one per row of the step. */
  readonly values: ColumnValues[];
  /** Rows in the step. */
  readonly count: number;
  /**
   * Index in the step of each row patched, ascending, and its rowid: the first `size` entries
   * (made for `count` rows at once: a million pushes onto growing arrays cost more than the rows'
   * UPDATEs' own bookkeeping).
   */
  readonly rows: Int32Array;
  readonly rowids: Rowid[];
  /**
   * A table not keyed by its rowid: each patched row's key as stored, per key column (entries as
   * `rowids`). Null when the rowid is the key.
   */
  readonly keys: SqlValue[][] | null;
  size: number;
  /** {@link TableTouch.stamp} when the group began. */
  readonly stamp: number;
}

/**
 * What one push did to the rows of one table, gathered while it runs: from the change log (which
 * sees trigger and cascade effects too) and from the plan's own keys.
 */
export class TableTouch {
  readonly name: string;
  /** The table as it was when its data steps began (after the push's schema steps). */
  readonly info: TableInfo;
  /** True when a row's rowid is its key (rowid tables and INTEGER PRIMARY KEY tables). */
  readonly rowidKeyed: boolean;
  /** Rowids of rows deleted, with their key before the push when known. */
  readonly deleted = new DeletedRows();
  /** Rowids of rows inserted or updated. */
  readonly written = new Set<Rowid>();
  /**
   * Inserted rows whose images are known without reading them back (values SQLite stores as
   * given), in the order of the table's read columns. Not in `written`.
   */
  readonly known = new KnownImages();
  /**
   * Updates whose rows need not be read back: per update step, the columns it set, their stored
   * values (one per row of the step), and the rows patched (their index in the step and rowid).
   * Rows later written in full or deleted drop out (see {@link livePatches}).
   */
  readonly patches: PatchGroup[] = [];
  /** Key before the push of rows whose key changed, by current rowid. */
  readonly prior = new Map<Rowid, SqlValue[]>();
  /** Keys the plan gave rows it deleted or re-keyed, by rowid (RETURNING), until the log is read. */
  readonly #planKeys = new Map<Rowid, SqlValue[]>();
  /** WITHOUT ROWID tables: keys deleted, and rows written (final key with the key before). */
  readonly deletedKeys = new Map<KeyToken, SqlValue[]>();
  readonly writtenKeys = new Map<KeyToken, { prior: SqlValue[]; key: SqlValue[] }>();

  /**
   * Bumped whenever a row may leave `patchable`: updated in full, moved or deleted. An insert
   * cannot take a patched row's rowid while that row exists, so inserts need not bump it.
   */
  #stamp = 0;

  constructor(info: TableInfo) {
    this.name = info.name;
    this.info = info;
    this.rowidKeyed = isRowidKeyed(info);
  }

  /** The key the plan addressed a row by, learnt from RETURNING rowid. */
  planKey(rowid: Rowid, key: SqlValue[]): void {
    if (!this.#planKeys.has(rowid)) this.#planKeys.set(rowid, key);
  }

  #knownKey(rowid: Rowid): SqlValue[] | null {
    const key = this.prior.get(rowid) ?? this.#planKeys.get(rowid);
    this.#planKeys.delete(rowid);
    return key ?? (this.rowidKeyed ? [rowid] : null);
  }

  /** A row inserted whose image is not known: it is read back (known ones go to {@link known}). */
  inserted(rowid: Rowid): void {
    this.written.add(rowid);
  }

  get stamp(): number {
    return this.#stamp;
  }

  updated(from: Rowid, to: Rowid): void {
    this.#stamp++;
    this.#unknown(from);
    this.#unknown(to);
    if (from === to) {
      const key = this.#planKeys.get(to);
      if (key && !this.prior.has(to)) this.prior.set(to, key);
      this.#planKeys.delete(to);
      this.written.add(to);
      return;
    }
    const prior = this.#knownKey(from);
    this.prior.delete(from);
    this.written.delete(from);
    // Replay must remove the row at its old rowid; readers never see this entry (see effects).
    this.deleted.add(from, prior);
    if (prior) this.prior.set(to, prior);
    this.written.add(to);
  }

  /** Whether an update of this row can be a patch: the push has not written or deleted it yet. */
  patchable(rowid: Rowid): boolean {
    return !this.written.has(rowid) && !this.known.has(rowid) && !this.deleted.has(rowid);
  }

  /**
   * The patches of rows neither written in full nor deleted by the end of the push. A step whose
   * every row is still a patch gives its own value columns, uncopied.
   */
  livePatches(): {
    columns: readonly string[];
    rowids: ColumnValues;
    values: ColumnValues[];
    keys?: ColumnValues[];
  }[] {
    const out = [];
    for (const p of this.patches) {
      // No row left `patchable` since the group began: every row of it is still a patch.
      const all = p.stamp === this.#stamp;
      const whole = (): { keys?: ColumnValues[] } =>
        p.keys ? { keys: p.keys.map((col) => toColumnValues(col)) } : {};
      if (all && p.size === p.count) {
        out.push({
          columns: p.columns,
          rowids: toColumnValues(p.rowids),
          values: p.values,
          ...whole(),
        });
        continue;
      }
      const keep: number[] = [];
      for (let j = 0; j < p.size; j++) if (all || this.patchable(p.rowids[j]!)) keep.push(j);
      if (!keep.length) continue;
      if (keep.length === p.count) {
        out.push({
          columns: p.columns,
          rowids: toColumnValues(p.rowids),
          values: p.values,
          ...whole(),
        });
        continue;
      }
      out.push({
        columns: p.columns,
        rowids: toColumnValues(keep.map((j) => p.rowids[j]!)),
        values: p.values.map((col) => toColumnValues(keep.map((j) => col[p.rows[j]!] ?? null))),
        ...(p.keys
          ? { keys: p.keys.map((col) => toColumnValues(keep.map((j) => col[j] ?? null))) }
          : {}),
      });
    }
    return out;
  }

  /** A known row that changed again: it is read back instead, if it still exists at the end. */
  #unknown(rowid: Rowid): void {
    if (!this.known.has(rowid)) return;
    this.known.forget(rowid);
    this.written.add(rowid);
  }

  removed(rowid: Rowid): void {
    this.#stamp++;
    this.known.forget(rowid);
    const key = this.#knownKey(rowid);
    this.written.delete(rowid);
    this.prior.delete(rowid);
    this.deleted.add(rowid, key);
  }

  /**
   * A row deleted whose key as stored is `key` (told by RETURNING or by the plan, see
   * `matchedKeys`): as {@link planKey} then {@link removed}, without keeping the key meanwhile.
   */
  removedKey(rowid: Rowid, key: SqlValue[]): void {
    this.#stamp++;
    this.known.forget(rowid);
    const prior = this.prior.get(rowid) ?? this.#planKeys.get(rowid) ?? key;
    this.#planKeys.delete(rowid);
    this.written.delete(rowid);
    this.prior.delete(rowid);
    this.deleted.add(rowid, prior);
  }

  /**
   * Rows deleted by one step of a table keyed by its rowid, each once. While the push has done
   * nothing else to the table, they are kept as one run (no work per row); otherwise each is
   * {@link removed}.
   */
  removedRows(rowids: ArrayLike<Rowid>): void {
    this.#stamp++;
    const fresh =
      !this.written.size && !this.known.size && !this.prior.size && !this.#planKeys.size;
    if (fresh) this.deleted.addRun(rowids);
    else for (let i = 0; i < rowids.length; i++) this.removed(rowids[i]!);
  }

  /** WITHOUT ROWID: a row deleted by key. */
  deleteKey(key: SqlValue[]): void {
    const token = keyTokens(key);
    const w = this.writtenKeys.get(token);
    this.writtenKeys.delete(token);
    const prior = w?.prior ?? key;
    this.deletedKeys.set(keyTokens(prior), prior);
  }

  /** WITHOUT ROWID: a row written, moving from `before` to `after` (equal when the key stays). */
  writeKey(before: SqlValue[], after: SqlValue[]): void {
    const t = keyTokens(before);
    const prior = this.writtenKeys.get(t)?.prior ?? before;
    this.writtenKeys.delete(t);
    this.writtenKeys.set(keyTokens(after), { prior, key: after });
  }
}
