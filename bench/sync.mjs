// npm run bench:sync [-- --edits 200 --devices 20 --pushes 50 --behind 1000 --rows 10000 --runs 3]
// Sync over loopback, each case next to the floor PostgreSQL itself sets in the same run:
// - echo: an edit on device A (a database opened with `sync` in Chromium) until device B's
//   `change` event shows it, against an UPDATE + NOTIFY on one pg connection until a LISTENing
//   one hears it (median and p99 of `edits` each);
// - throughput: `devices` protocol clients (Node, as devices speak it) each pushing `pushes`
//   one-row updates in turn, every commit fanned out to all of them, against as many pg
//   connections each running the same UPDATEs in their own transactions;
// - catch-up: a device `behind` one-row commits behind reopening and syncing, against a new device
//   loading the same table of `rows` rows from scratch.
// A throwaway PostgreSQL cluster (Debian's postgresql) and the sync server run in this process;
// the page is served by Vite on a port chosen at run time, in headless Chromium with a persistent
// profile (IndexedDB on disk).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const smoke = args.includes('--smoke');
const params = {
  edits: arg('edits', smoke ? 10 : 200),
  devices: arg('devices', smoke ? 3 : 20),
  pushes: arg('pushes', smoke ? 5 : 50),
  behind: arg('behind', smoke ? 20 : 1000),
  rows: arg('rows', smoke ? 500 : 10_000),
  runs: arg('runs', smoke ? 1 : 3),
};
const load = [loadavg()[0]];

const vite = await createServer({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
});
await vite.listen();
const ssr = (path) => vite.ssrLoadModule(path);
const { createSyncServer } = await ssr('/src/server.ts');
const { PLAN_VERSION } = await ssr('/src/plan/execution-plan.ts');
const { encodePlan } = await ssr('/src/plan/plan-json.ts');
const { startPostgresCluster } = await ssr('/test/support/postgres-cluster.ts');
const { SyncDevice } = await ssr('/test/support/sync-device.ts');
const { chromiumLaunchOptions } = await ssr('/test/chromium.ts');
const pg = (await import('pg')).default;

const step = (what) => console.log(`bench:sync: ${what}`);
step('starting PostgreSQL');
const cluster = await startPostgresCluster();
const pool = new pg.Pool({ connectionString: cluster.url, max: params.devices + 4 });
const tokens = {};
for (let d = 0; d < Math.max(params.devices, 3); d++)
  tokens[`token-${d}`] = { user: `user-${d}`, device: `device-${d}` };
const tables = ['echo_bench', 'push_bench', 'load_bench'];
await pool.query('CREATE TABLE echo_bench (id bigint PRIMARY KEY, title text)');
await pool.query("INSERT INTO echo_bench VALUES (1, 'start')");
// The floor writes a table of its own: the server does not sync it (a write behind its back would
// make the devices' next push a conflict).
await pool.query('CREATE TABLE floor_bench (id bigint PRIMARY KEY, title text)');
await pool.query("INSERT INTO floor_bench VALUES (1, 'start')");
await pool.query('CREATE TABLE push_bench (id bigint PRIMARY KEY, n bigint)');
await pool.query('INSERT INTO push_bench SELECT g, 0 FROM generate_series(0, $1) g', [
  params.devices,
]);
await pool.query('CREATE TABLE load_bench (id bigint PRIMARY KEY, title text, n bigint)');
// Scattered keys and text of realistic length, not 1..N.
await pool.query(
  "INSERT INTO load_bench SELECT g * 7919 % 1000003, 'row ' || md5(g::text), g FROM generate_series(1, $1) g",
  [params.rows],
);
const sync = createSyncServer({ pool, authenticate: tokens, tables });
const listening = await sync.listen({ port: 0 });
step(`server at ${listening.url}`);
const url = listening.url;

const profileDir = mkdtempSync(join(tmpdir(), 'pandalchemy-sync-bench-'));
const launch = chromiumLaunchOptions();
const context = await chromium.launchPersistentContext(profileDir, { ...launch, headless: true });

/** Median, p99 and range of `values`. */
function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p99: at(0.99), min: s[0], max: s[s.length - 1], n: s.length };
}
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const show = (s, unit) =>
  `${fmt(s.median)} ${unit} (p99 ${fmt(s.p99)}, range ${fmt(s.min)}-${fmt(s.max)}, n=${s.n})`;

/** A one-row update of `table` setting `column` of row `id` to `value`. */
function updatePlan(table, id, column, value) {
  return encodePlan({
    version: PLAN_VERSION,
    steps: [
      {
        kind: 'update',
        table,
        key: ['id'],
        keyTypes: ['INTEGER'],
        keys: [Float64Array.of(id)],
        set: [column],
        types: ['INTEGER'],
        values: [Float64Array.of(value)],
        count: 1,
        guard: null,
      },
    ],
  });
}

/** The floor of the echo: an UPDATE and NOTIFY committed on one connection, heard on another. */
async function notifyEcho(edits) {
  const listener = await pool.connect();
  const writer = await pool.connect();
  try {
    await listener.query('LISTEN bench_echo');
    const times = [];
    for (let i = 0; i < edits; i++) {
      const heard = new Promise((resolve) =>
        listener.once('notification', (n) => n.payload === String(i) && resolve()),
      );
      const t0 = performance.now();
      await writer.query('BEGIN');
      await writer.query('UPDATE floor_bench SET title = $1 WHERE id = 1', [`floor ${i}`]);
      await writer.query('SELECT pg_notify($1, $2)', ['bench_echo', String(i)]);
      await writer.query('COMMIT');
      await heard;
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    listener.release();
    writer.release();
  }
}

/** `devices` protocol clients pushing `pushes` one-row updates each: pushes per second. */
async function deviceThroughput(round) {
  const devices = await Promise.all(
    Array.from({ length: params.devices }, (_, d) =>
      SyncDevice.connect(url, `token-${d}`, null).then((c) => c.device),
    ),
  );
  try {
    const t0 = performance.now();
    await Promise.all(
      devices.map(async (device, d) => {
        for (let i = 0; i < params.pushes; i++) {
          const answer = await device.push(
            updatePlan('push_bench', d, 'n', round * 1e6 + i),
            randomUUID(),
          );
          if (answer.type !== 'accepted') throw new Error(`push ${JSON.stringify(answer)}`);
        }
      }),
    );
    return (params.devices * params.pushes) / ((performance.now() - t0) / 1000);
  } finally {
    for (const device of devices) device.close();
  }
}

/** The same updates straight through pg, one transaction each, from as many connections. */
async function pgThroughput(round) {
  const clients = await Promise.all(Array.from({ length: params.devices }, () => pool.connect()));
  try {
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (client, d) => {
        for (let i = 0; i < params.pushes; i++) {
          await client.query('BEGIN');
          await client.query('UPDATE push_bench SET n = $1 WHERE id = $2', [round * 1e6 + i, d]);
          await client.query('COMMIT');
        }
      }),
    );
    return (params.devices * params.pushes) / ((performance.now() - t0) / 1000);
  } finally {
    for (const client of clients) client.release();
  }
}

/** `behind` one-row commits to load_bench from a protocol client. */
async function pushBehind(round) {
  const { device } = await SyncDevice.connect(url, 'token-2', null);
  try {
    const ids = (
      await pool.query('SELECT id FROM load_bench ORDER BY id LIMIT $1', [params.behind])
    ).rows;
    for (let i = 0; i < params.behind; i++) {
      const id = Number(ids[i % ids.length].id);
      const answer = await device.push(updatePlan('load_bench', id, 'n', round * 1e6 + i));
      if (answer.type !== 'accepted') throw new Error(`push ${JSON.stringify(answer)}`);
    }
  } finally {
    device.close();
  }
}

const results = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${vite.resolvedUrls.local[0]}bench/sync.html`);
  await page.waitForFunction(() => window.__syncBenchReady === true, null, { timeout: 120_000 });
  const devices = {
    open: (name, token, table) =>
      page.evaluate(
        ([n, u, t, tb]) => window.__syncBench.open(n, u, t, tb),
        [name, url, token, table],
      ),
    echo: (edits) =>
      page.evaluate((e) => window.__syncBench.echo('echo-a', 'echo-b', 'echo_bench', e), edits, {
        timeout: 0,
      }),
    openSynced: (name, token, table) =>
      page.evaluate(
        ([n, u, t, tb]) => window.__syncBench.openSynced(n, u, t, tb),
        [name, url, token, table],
      ),
    close: (name) => page.evaluate((n) => window.__syncBench.close(n), name),
  };

  step('echo');
  // Echo: alternating halves so that a busy minute lands on both.
  await devices.open('echo-a', 'token-0', 'echo_bench');
  await devices.open('echo-b', 'token-1', 'echo_bench');
  await devices.echo(5);
  await notifyEcho(5);
  const echo = [];
  const floor = [];
  for (let half = 0; half < 2; half++) {
    echo.push(...(await devices.echo(params.edits / 2)));
    floor.push(...(await notifyEcho(params.edits / 2)));
  }
  results.push({
    case: 'edit on device A to change event on device B (push, server, fan-out, take in)',
    library: show(stats(echo), 'ms'),
    floor: `UPDATE + NOTIFY heard by LISTEN: ${show(stats(floor), 'ms')}`,
    ratio: fmt(stats(echo).median / stats(floor).median),
  });
  await devices.close('echo-a');
  await devices.close('echo-b');

  step('throughput');
  await deviceThroughput(0);
  const served = [];
  const direct = [];
  for (let run = 1; run <= params.runs; run++) {
    served.push(await deviceThroughput(run));
    direct.push(await pgThroughput(run));
  }
  results.push({
    case: `one-row pushes from ${params.devices} devices, ${params.pushes} each, every commit fanned out to all`,
    library: show(stats(served), 'pushes/s'),
    floor: `same UPDATEs from ${params.devices} pg connections: ${show(stats(direct), 'tx/s')}`,
    ratio: fmt(stats(direct).median / stats(served).median),
  });

  step('catch-up');
  const catchUp = [];
  const opening = [];
  const fresh = [];
  await devices.open('behind', 'token-2', 'load_bench');
  await devices.close('behind');
  for (let run = 1; run <= params.runs; run++) {
    await pushBehind(run);
    const again = await devices.openSynced('behind', 'token-2', 'load_bench');
    const first = await devices.openSynced(`fresh-${run}`, 'token-1', 'load_bench');
    if (again.rows !== params.rows || first.rows !== params.rows)
      throw new Error(`rows: ${again.rows} and ${first.rows}, not ${params.rows}`);
    catchUp.push(again.ms);
    opening.push(again.openMs);
    fresh.push(first.ms);
    await devices.close('behind');
    await devices.close(`fresh-${run}`);
  }
  results.push({
    case: `a device ${params.behind} one-row commits behind: open and sync`,
    library: `${show(stats(catchUp), 'ms')}, of which openDatabase ${show(stats(opening), 'ms')}`,
    floor: `a new device loading the ${params.rows}-row table: ${show(stats(fresh), 'ms')}`,
    ratio: fmt(stats(catchUp).median / stats(fresh).median),
  });
  load.push(loadavg()[0]);
  console.log(`bench:sync ${JSON.stringify(params)}`);
  console.table(results);
  console.log(`load average (1 min) at start and end: ${load.map((l) => l.toFixed(1)).join(', ')}`);
} finally {
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
  await listening.close();
  await pool.end();
  cluster.stop();
  await vite.close();
}
