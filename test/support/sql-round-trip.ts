import { expect } from 'vitest';
import { applyPlan, type AppliedPlan } from '../../src/engine/apply-plan';
import { findTable } from '../../src/engine/introspect';
import { readTable } from '../../src/engine/read-table';
import { replayRecord } from '../../src/engine/durable/replay-record';
import { configureConnection, selectRows, type SqlDatabase } from '../../src/engine/sqlite';
import { quoteIdentifier as q } from '../../src/dialect/quote-identifier';
import type { ColumnarData } from '../../src/protocol/engine-api';
import type { TableInfo } from '../../src/schema/table-info';
import { TrackedTable } from '../../src/table/tracked-table';
import type { TrackedTable as PublicTrackedTable } from '../../src/index';
import { encodeValue } from '../../src/values/codec';
import { cellText, dump, rowsText } from './dump';
import { columnsOf, keyOf, ROW_ID, type Model, type TableConfig } from './model';
import { loadSql } from './memory-storage';

const SQL = await loadSql();

/** A tracked table's current rows as columnar data. */
function tableData(t: PublicTrackedTable): ColumnarData {
  const table = t.table();
  const names = table.columnNames();
  const rows = table.objects() as Record<string, unknown>[];
  return {
    names,
    columns: names.map((n) => rows.map((r) => r[n] as never)),
    length: rows.length,
  };
}

function createStart(db: SqlDatabase, config: TableConfig, start: Model): TableInfo {
  const defs = config.columns.map((c) => `${q(c.name)} ${c.type}`);
  if (config.key !== 'rowid') defs.push(`PRIMARY KEY (${config.key.map(q).join(', ')})`);
  db.run(`CREATE TABLE ${q(config.name)} (${defs.join(', ')})`);
  const cols = columnsOf(config);
  const stmt = db.prepare(
    `INSERT INTO ${q(config.name)} (${cols.map((c) => (c.rowid ? c.name : q(c.name))).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  for (const row of start.rows) stmt.run(cols.map((c) => encodeValue(c.kind, row[c.name] ?? null)));
  stmt.free();
  createChildren(db, config, start);
  return findTable(db, config.name)!;
}

/** The table of child rows that a keyed table's rows own. */
function childTable(config: TableConfig): string {
  return `${config.name}_child`;
}

/**
 * One child row per start row of a keyed table, referencing it with ON DELETE CASCADE (and ON
 * UPDATE CASCADE, so that a key change carries its children along): a push must never delete a
 * row it does not mean to, or its children go with it.
 */
function createChildren(db: SqlDatabase, config: TableConfig, start: Model): void {
  if (config.key === 'rowid') return;
  const key = config.key;
  const typeOf = (k: string) => config.columns.find((c) => c.name === k)!.type;
  const cols = key.map((_, i) => q(`p${i}`));
  db.run(
    `CREATE TABLE ${q(childTable(config))} (${key.map((k, i) => `${cols[i]} ${typeOf(k)}`).join(', ')}, ` +
      `FOREIGN KEY (${cols.join(', ')}) REFERENCES ${q(config.name)} (${key.map(q).join(', ')}) ON DELETE CASCADE ON UPDATE CASCADE)`,
  );
  const kinds = columnsOf(config).filter((c) => c.key);
  const stmt = db.prepare(
    `INSERT INTO ${q(childTable(config))} VALUES (${key.map(() => '?').join(', ')})`,
  );
  for (const row of start.rows)
    stmt.run(keyOf(start, row).map((v, i) => encodeValue(kinds[i]!.kind, v)));
  stmt.free();
}

/**
 * The children the database holds after the push: exactly one per start row still there (by
 * identity, whatever its key became), referencing its final key.
 */
function expectChildren(db: SqlDatabase, config: TableConfig, start: Model, final: Model): void {
  if (config.key === 'rowid') return;
  const kinds = final.cols.filter((c) => c.key).map((c) => c.kind);
  const text = (values: readonly unknown[]) => values.map(cellText).join('|');
  const expected = final.rows
    .filter((r) => Number(r[ROW_ID]) < start.rows.length)
    .map((r) => text(keyOf(final, r).map((v, i) => encodeValue(kinds[i]!, v))))
    .sort();
  const actual = selectRows(db, `SELECT * FROM ${q(childTable(config))}`)
    .map((r) => text(r))
    .sort();
  expect(actual, 'child rows (ON DELETE CASCADE) after the push').toEqual(expected);
}

/**
 * Checks that others can follow a push on `db`: replaying its redo record on `snapshot` (the file
 * before it) gives the same database, byte for byte in content; and `reader`, a copy of the table
 * from before, given the push's effect, ends holding the table's rows (`info`: its schema after).
 */
export function expectOthersFollow(
  db: SqlDatabase,
  snapshot: Uint8Array,
  applied: AppliedPlan,
  reader: TrackedTable,
  info: TableInfo,
): void {
  const restored = new SQL.Database(snapshot);
  configureConnection(restored, true);
  replayRecord(
    restored,
    structuredClone({ seq: 1, pushId: 'p', committedAt: 0, ...applied }),
    true,
  );
  expect(dump(restored)).toEqual(dump(db));
  restored.close();
  const effect = applied.effects.find((e) => e.table === info.name);
  if (effect && !effect.reload) {
    reader.applyUpdate({ kind: 'effect', effect: structuredClone(effect), info });
    expect(rowsText(tableData(reader))).toEqual(rowsText(readTable(db, info, 1)));
  }
}

/**
 * Pushes the tracked table's plan into a real SQLite database holding the start state and checks
 * three things: the database then holds exactly the table; replaying the push's redo record on the
 * start state gives the same database, byte for byte in content; and a second reader of the start
 * state, given the push's effect, ends holding the database's rows. Given the `final` model (rows
 * with their identities), it also checks that each start row still there kept its child row.
 */
export function roundTrip(
  config: TableConfig,
  start: Model,
  t: PublicTrackedTable,
  final?: Model,
): void {
  const db = new SQL.Database();
  const copy = new SQL.Database();
  try {
    configureConnection(db, true);
    const before = createStart(db, config, start);
    const reader = new TrackedTable(before, readTable(db, before, 0));
    const snapshot = db.export();
    const applied = applyPlan(db, t.plan(), { conflict: 'fail' });

    const info = findTable(db, t.name)!;
    expect(info.columns.map((c) => `${c.name} ${c.declaredType}`)).toEqual(
      t.columns
        .filter((c) => !(c.key && config.key === 'rowid'))
        .map((c) => `${c.name} ${c.declaredType}`),
    );
    // The rowid is left out on both sides: a push that renames a column shadowing a rowid name
    // frees the name, and the database then exposes the rowid under another one.
    const skip = info.key.kind === 'rowid' ? info.key.columns[0] : undefined;
    const tracked = config.key === 'rowid' ? t.key[0] : undefined;
    const stored = readTable(db, info, 1);
    expect(rowsText(stored, skip)).toEqual(rowsText(tableData(t), tracked));
    if (final) expectChildren(db, config, start, final);

    expectOthersFollow(db, snapshot, applied, reader, info);
  } finally {
    db.close();
    copy.close();
  }
}
