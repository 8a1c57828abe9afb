import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionPlan, PlanStep } from '../../src/plan/execution-plan';
import { createSyncServer, type ListeningSyncServer } from '../../src/server';
import { freshPostgresUrl } from '../support/postgres-database';
import { SyncDevice } from '../support/sync-device';

// Devices that try what they may not: run SQL of their own through a CHECK expression, reference
// a table they may not read, push what a deferred foreign key refuses, connect on another path,
// or bring down the app's authenticate. Each is refused, named by a code, and changes nothing.

const plan = (...steps: PlanStep[]): ExecutionPlan => ({ version: 2, steps });

/**
 * CHECK expressions that read beyond their row: PostgreSQL's functions read other tables
 * (table_to_xml, whose text a failed cast puts in the error), the session, or wait (pg_sleep,
 * holding the log's lock).
 */
const HOSTILE_CHECKS = [
  `id = 0 OR CAST(CAST(table_to_xml('secret', true, false, '') AS text) AS integer) > 0`,
  `pg_sleep(3) IS NULL`,
  `"pg_sleep" (3) IS NULL`,
  `pg_catalog.pg_sleep(3) IS NULL`,
  `CAST('secret' AS regclass) IS NOT NULL`,
  `'secret'::regclass IS NOT NULL`,
  `v <> current_user`,
];

let db: pg.Pool;
let server: ListeningSyncServer;
beforeAll(async () => {
  db = new pg.Pool({ connectionString: await freshPostgresUrl(), max: 6 });
  await db.query(`CREATE TABLE items (id bigint PRIMARY KEY, n bigint)`);
  await db.query(`INSERT INTO items VALUES (1, 1)`);
  await db.query(`CREATE TABLE secret (id bigint PRIMARY KEY, v text)`);
  await db.query(`INSERT INTO secret VALUES (42, 'top secret')`);
  await db.query(`CREATE TABLE parent (id bigint PRIMARY KEY)`);
  await db.query(
    `CREATE TABLE child (id bigint PRIMARY KEY, p bigint REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`,
  );
  const sync = createSyncServer({
    pool: db,
    authenticate: (token) => {
      if (token === 'boom') throw new Error('auth backend at 10.0.0.7 down');
      return token === 'token-a' ? { user: 'ada', device: 'a' } : null;
    },
    // Device a: its own tables whole, items to read, parent and child to write; not secret.
    authorize: (_who, table, access) =>
      table.startsWith('mine') ||
      (table === 'items' && access === 'read') ||
      ((table === 'parent' || table === 'child') && access !== 'schema'),
    tables: [
      'items',
      'secret',
      'parent',
      'child',
      'mine',
      'mine2',
      'mine3',
      'mine4',
      ...HOSTILE_CHECKS.map((_c, i) => `mine_c${i}`),
    ],
  });
  server = await sync.listen();
});
afterAll(async () => {
  await server.close();
  await db.end();
});

const mine = (table: string, extra: Record<string, unknown> = {}): PlanStep =>
  ({
    kind: 'createTable',
    table,
    columns: [
      { name: 'id', declaredType: 'INTEGER', notNull: true, default: null },
      { name: 'v', declaredType: 'TEXT', notNull: false, default: null },
    ],
    primaryKey: ['id'],
    autoIncrement: false,
    ...extra,
  }) as PlanStep;

const fk = (references: string) => ({
  foreignKeys: [
    { columns: ['id'], references, to: [], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' },
  ],
});

async function publicTables(): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'pandalchemy%' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

describe('a device pushing', () => {
  test('SQL of its own in a CHECK expression is refused and runs nothing', async () => {
    const { device: a } = await SyncDevice.connect(server.url, 'token-a');
    const before = await publicTables();
    const payload =
      `v = E'\\'' )); UPDATE secret SET v = 'owned'; DROP TABLE items; ` +
      `CREATE TABLE pwned (a text, CHECK (a <> $$'$$`;
    const answer = await a.push(
      plan(mine('mine', { checks: [{ column: null, expression: payload }] })),
    );
    a.close();
    expect(answer['type']).toBe('refused');
    expect(await publicTables()).toEqual(before);
    expect((await db.query('SELECT v FROM secret')).rows).toEqual([{ v: 'top secret' }]);
  });

  HOSTILE_CHECKS.forEach((expression, i) => {
    test(`a CHECK that reads beyond its row is refused before anything runs: ${expression}`, async () => {
      const { device: a } = await SyncDevice.connect(server.url, 'token-a');
      const before = await publicTables();
      const started = Date.now();
      // The table and a row in one push: the row's insert evaluates the CHECK.
      const table = `mine_c${i}`;
      const answer = await a.push(
        plan(mine(table, { checks: [{ column: null, expression }] }), {
          kind: 'insert',
          table,
          key: ['id'],
          keyTypes: ['INTEGER'],
          columns: ['id', 'v'],
          types: ['INTEGER', 'TEXT'],
          values: [[1], ['x']],
          count: 1,
        }),
      );
      a.close();
      expect(answer['type']).toBe('refused');
      expect(JSON.stringify(answer)).not.toContain('top secret');
      expect(Date.now() - started).toBeLessThan(2500);
      expect(await publicTables()).toEqual(before);
    });
  });

  test('a CHECK of the functions both databases have is taken', async () => {
    const { device: a } = await SyncDevice.connect(server.url, 'token-a');
    const expression = `length(v) > 0 AND lower(v) <> 'x' AND CAST(coalesce(v, '1') AS TEXT) <> ''`;
    const answer = await a.push(plan(mine('mine4', { checks: [{ column: null, expression }] })));
    a.close();
    expect(answer['type']).toBe('accepted');
  });

  test('a foreign key to a table it may not read is forbidden; to one it may read, accepted', async () => {
    const { device: a } = await SyncDevice.connect(server.url, 'token-a');
    const refused = await a.push(plan(mine('mine2', fk('secret'))));
    expect(refused).toMatchObject({
      type: 'refused',
      error: { code: 'forbidden', table: 'mine2' },
    });
    expect(await publicTables()).not.toContain('mine2');
    const accepted = await a.push(plan(mine('mine3', fk('items'))));
    a.close();
    expect(accepted['type']).toBe('accepted');
  });

  test('what a deferred foreign key refuses is refused as constraint and recorded, not failed', async () => {
    const { device: a } = await SyncDevice.connect(server.url, 'token-a');
    const orphan: PlanStep = {
      kind: 'insert',
      table: 'child',
      key: ['id'],
      keyTypes: ['INTEGER'],
      columns: ['id', 'p'],
      types: ['INTEGER', 'INTEGER'],
      values: [[1], [999]],
      count: 1,
    };
    const id = '0b6f2a52-3a84-4f0e-9a8e-7f3b8f4f1a11';
    const first = await a.push(plan(orphan), id);
    const again = await a.push(plan(orphan), id);
    a.close();
    expect(first).toMatchObject({ type: 'refused', error: { code: 'constraint', table: 'child' } });
    expect(again).toEqual(first);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pandalchemy_pushes WHERE push_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ n: 1 }]);
    expect((await db.query('SELECT * FROM child')).rows).toEqual([]);
  });
});

describe('a connection', () => {
  test('on another path is answered 404 at once, not left open', async () => {
    const ws = new WebSocket(server.url.replace('/sync', '/other'));
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('no answer'), 5000);
      ws.once('open', () => (clearTimeout(timer), resolve('opened')));
      ws.once(
        'unexpected-response',
        (_req, res) => (clearTimeout(timer), resolve(`http ${res.statusCode}`)),
      );
      ws.once('error', (e) => (clearTimeout(timer), resolve(`error ${e.message}`)));
    });
    ws.terminate();
    expect(outcome).toMatch(/404/);
  });

  test("whose token the app's authenticate fails on is closed as internal, telling nothing of why", async () => {
    const device = await SyncDevice.open(server.url);
    device.send({ type: 'hello', protocol: 1, token: 'boom', since: null });
    const closed = await device.closed;
    expect(closed.code).toBe(1011);
    expect(device.messages).toMatchObject([{ type: 'error', error: { code: 'internal' } }]);
    expect(JSON.stringify(device.messages)).not.toContain('10.0.0.7');
  });
});
