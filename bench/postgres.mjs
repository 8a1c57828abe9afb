// npm run bench:postgres [-- --rows 10000 --runs 5 --skip-pglite]
// applyPlan of pandalchemy/postgres against a hand-written loop of the same statements in one
// transaction: a plan of `rows` deletes, `rows` updates and `rows` inserts (10k+10k+10k by
// default) on a table of 3 x `rows` rows, through node-postgres on a throwaway cluster and through
// PGlite. Runs come in pairs, back to back, the loop first in one pair and applyPlan first in the
// next, so that load drifts hit both alike; each run starts from the same table. Prints median,
// range and n of each, the ratio of the medians and the median of the pairs' ratios; then the
// same plan with guards on its updates and deletes (what table.plan() makes: every row checked
// against the values its edits were based on before anything is written).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rows = arg('rows', 10_000);
const runs = arg('runs', 5);
// --skip-pglite: the node-postgres cases only.
const skipPglite = args.includes('--skip-pglite');

const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'warn' });
const load = (path) => server.ssrLoadModule(path);
const { applyPlan } = await load('/src/postgres.ts');
const { PLAN_VERSION } = await load('/src/plan/execution-plan.ts');
const { startPostgresCluster } = await load('/test/support/postgres-cluster.ts');
const pg = (await import('pg')).default;
const { PGlite } = await import('@electric-sql/pglite');

/** Ids 1..rows deleted, rows+1..2*rows updated, 3*rows+1..4*rows inserted. */
function buildPlan() {
  const range = (from) => Float64Array.from({ length: rows }, (_, i) => from + i);
  const updated = range(rows + 1);
  const inserted = range(3 * rows + 1);
  return {
    version: PLAN_VERSION,
    steps: [
      {
        kind: 'delete',
        table: 'bench',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [range(1)],
        count: rows,
        guard: null,
      },
      {
        kind: 'update',
        table: 'bench',
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [updated],
        set: ['a', 's'],
        types: ['INTEGER', 'TEXT'],
        values: [Float64Array.from(updated, (v) => v * 2), Array.from(updated, (v) => `u${v}`)],
        count: rows,
        guard: null,
      },
      {
        kind: 'insert',
        table: 'bench',
        key: ['id'],
        keyTypes: ['INTEGER'],
        columns: ['id', 'a', 'b', 's'],
        types: ['INTEGER', 'INTEGER', 'REAL', 'TEXT'],
        values: [
          inserted,
          Float64Array.from(inserted, (v) => v + 1),
          Float64Array.from(inserted, (v) => v / 4),
          Array.from(inserted, (v) => `i${v}`),
        ],
        count: rows,
      },
    ],
  };
}

/** The plan with a guard on each update and delete: the rows still hold what the table was loaded with. */
function guarded(plan) {
  const [del, upd, ins] = plan.steps;
  const guard = (step) => ({
    key: ['id'],
    keys: step.keys,
    columns: ['a', 's'],
    kinds: ['integer', 'text'],
    expected: [Float64Array.from(step.keys[0]), Array.from(step.keys[0], (v) => `s${v}`)],
  });
  return { ...plan, steps: [{ ...del, guard: guard(del) }, { ...upd, guard: guard(upd) }, ins] };
}

/**
 * The same statements by hand: what an app would write with the driver alone. `query`'s third
 * argument names a statement to prepare once (node-postgres' `name`), when the loop does so.
 */
async function handLoop(query, plan) {
  const [del, upd, ins] = plan.steps;
  await query('BEGIN');
  for (let i = 0; i < rows; i++)
    await query('DELETE FROM bench WHERE id = $1', [String(del.keys[0][i])], 'bench_delete');
  for (let i = 0; i < rows; i++)
    await query(
      'UPDATE bench SET a = $1, s = $2 WHERE id = $3',
      [String(upd.values[0][i]), upd.values[1][i], String(upd.keys[0][i])],
      'bench_update',
    );
  for (let i = 0; i < rows; i++)
    await query(
      'INSERT INTO bench (id, a, b, s) VALUES ($1, $2, $3, $4)',
      [
        String(ins.values[0][i]),
        String(ins.values[1][i]),
        String(ins.values[2][i]),
        ins.values[3][i],
      ],
      'bench_insert',
    );
  await query('COMMIT');
}

async function reset(query) {
  await query('DROP TABLE IF EXISTS bench');
  await query('CREATE TABLE bench (id bigint PRIMARY KEY, a bigint, b double precision, s text)');
  await query(
    `INSERT INTO bench SELECT g, g, g / 4.0, 's' || g FROM generate_series(1, ${3 * rows}) AS g`,
  );
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted.at(-1),
    n: times.length,
  };
}

async function measure(name, query, client, preparedQuery = null) {
  const plan = buildPlan();
  const withGuards = guarded(plan);
  const hand = [];
  const ours = [];
  const ourGuarded = [];
  const prepared = [];
  // The client's own CPU time (this process: the driver, and the library's work on top of it),
  // which the machine's load moves far less than the wall time of 30,000 round trips.
  const cpu = { hand: [], ours: [] };
  const timed = async (run, into) => {
    await reset(query);
    const c = process.cpuUsage();
    const t = performance.now();
    await run();
    const ms = performance.now() - t;
    const used = process.cpuUsage(c);
    into?.push((used.user + used.system) / 1000);
    return ms;
  };
  const pairRatios = [];
  for (let r = 0; r < runs; r++) {
    // Each pair runs back to back, in turns loop first and applyPlan first, so that a busy
    // second of the machine lands on both sides alike.
    const loopFirst = r % 2 === 0;
    const loop = () => timed(() => handLoop(query, plan), cpu.hand);
    const apply = () => timed(() => applyPlan(plan, client), cpu.ours);
    const first = await (loopFirst ? loop() : apply());
    const second = await (loopFirst ? apply() : loop());
    const [h, o] = loopFirst ? [first, second] : [second, first];
    hand.push(h);
    ours.push(o);
    pairRatios.push(o / h);
    ourGuarded.push(await timed(() => applyPlan(withGuards, client)));
    if (preparedQuery) prepared.push(await timed(() => handLoop(preparedQuery, plan)));
  }
  const h = stats(hand);
  const o = stats(ours);
  const pr = stats(pairRatios);
  const fmt = (s) =>
    `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)}, n=${s.n})`;
  console.log(
    `${name}: hand-written loop ${fmt(h)}; applyPlan ${fmt(o)}; ratio ${(o.median / h.median).toFixed(2)}x; ratio within each pair ${pr.median.toFixed(2)}x (${pr.min.toFixed(2)}-${pr.max.toFixed(2)}, n=${pr.n})`,
  );
  const [ch, co] = [stats(cpu.hand), stats(cpu.ours)];
  console.log(
    `${name}: CPU time of the client process: loop ${fmt(ch)}; applyPlan ${fmt(co)}; ratio ${(co.median / ch.median).toFixed(2)}x`,
  );
  if (prepared.length) {
    const p = stats(prepared);
    console.log(
      `${name}: the loop with each statement prepared once (named), as applyPlan prepares them ${fmt(p)}; applyPlan's ratio to it ${(o.median / p.median).toFixed(2)}x`,
    );
  }
  const g = stats(ourGuarded);
  console.log(
    `${name}: applyPlan with guards on its ${2 * rows} updated and deleted rows ${fmt(g)}; ratio to the loop ${(g.median / h.median).toFixed(2)}x`,
  );
}

const cluster = await startPostgresCluster();
try {
  console.log(
    `plan: ${rows} deletes + ${rows} updates + ${rows} inserts; load average ${loadavg()[0].toFixed(1)}`,
  );
  const client = new pg.Client(cluster.url);
  await client.connect();
  await measure(
    'PostgreSQL 15 (node-postgres, loopback)',
    (sql, params) => client.query(sql, params),
    client,
    (sql, params, name) => client.query({ name, text: sql, values: params }),
  );
  await client.end();
  if (!skipPglite) {
    const lite = await PGlite.create();
    await measure('PGlite', (sql, params) => lite.query(sql, params), lite);
    await lite.close();
  }
  console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
} finally {
  cluster.stop();
  await server.close();
}
