// npm run bench [-- --rows 1000000 --edits 10000 --runs 5 --db-mb 100 --records 1000 --behind 100
//                   --peer-rows 100000 --pushes 1000 --only name --profile out.cpuprofile]
// Runs every benchmark case in headless Chromium with a persistent profile (IndexedDB and OPFS on
// disk), each next to its baseline or peer, prints one table and writes bench/results.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const smoke = args.includes('--smoke');
const params = {
  rows: Number(arg('rows', smoke ? 2000 : 1_000_000)),
  edits: Number(arg('edits', smoke ? 100 : 10_000)),
  runs: Number(arg('runs', smoke ? 1 : 5)),
  dbMegabytes: Number(arg('db-mb', smoke ? 1 : 100)),
  records: Number(arg('records', smoke ? 10 : 1000)),
  behind: Number(arg('behind', smoke ? 5 : 100)),
  peerRows: Number(arg('peer-rows', smoke ? 500 : 100_000)),
  pushes: Number(arg('pushes', smoke ? 20 : 1000)),
};
const only = arg('only', '');
const profile = arg('profile', '');
if (params.runs < 5 && !smoke) {
  console.warn(`bench: --runs ${params.runs}: a measurement takes at least 5 runs per case`);
}

/** The 1-minute load average, sampled through the run: the machine is shared. */
const load = [loadavg()[0]];
const sampler = setInterval(() => load.push(loadavg()[0]), 10_000);

const server = await createServer({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
});
await server.listen();
const { chromiumLaunchOptions } = await server.ssrLoadModule('/test/chromium.ts');
const launch = chromiumLaunchOptions();
// A persistent profile: an off-the-record context keeps IndexedDB and OPFS in memory, and every
// persistence, durability and reopen figure would then be measured against memory.
const profileDir = mkdtempSync(join(tmpdir(), 'pandalchemy-bench-'));
const context = await chromium.launchPersistentContext(profileDir, {
  ...launch,
  headless: true,
  args: [...launch.args, '--js-flags=--expose-gc'],
});
const browser = context.browser();
let failed = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const browserCdp = browser ? await browser.newBrowserCDPSession() : null;
  const collect = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
  };
  /** The browser's processes as the OS knows them, or [] where it cannot tell. */
  const processes = async () =>
    browserCdp ? (await browserCdp.send('SystemInfo.getProcessInfo')).processInfo : [];
  const proc = (pid, file) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return null;
    }
  };
  await page.exposeFunction('__benchHeap', async () => {
    await collect();
    // Typed arrays keep their data outside the JS heap: count their backing stores too.
    const { usedSize, backingStorageSize = 0 } = await cdp.send('Runtime.getHeapUsage');
    return usedSize + backingStorageSize;
  });
  // Renderer memory: the proportional set size of every renderer process (the page and its
  // workers, whose WebAssembly memory the JS heap figure does not hold), from /proc.
  await page.exposeFunction('__benchRendererMemory', async () => {
    await collect();
    let total = null;
    for (const p of await processes()) {
      if (p.type !== 'renderer') continue;
      const kb = /^Pss:\s+(\d+) kB/m.exec(proc(p.id, 'smaps_rollup') ?? '');
      if (kb) total = (total ?? 0) + Number(kb[1]) * 1024;
    }
    return total;
  });
  // Bytes written: what every browser process has passed to write() so far (`wchar` in /proc):
  // real bytes, compression and storage overheads included, not an estimate.
  await page.exposeFunction('__benchBytesWritten', async () => {
    let total = null;
    for (const p of await processes()) {
      const w = /^wchar:\s+(\d+)/m.exec(proc(p.id, 'io') ?? '');
      if (w) total = (total ?? 0) + Number(w[1]);
    }
    return total;
  });
  page.on('console', (m) => {
    if (m.text().startsWith('bench:')) console.log(m.text().slice(7));
  });
  page.on('pageerror', (e) => console.error('page error:', e));
  const address = server.resolvedUrls.local[0];
  await page.goto(`${address}bench/index.html`);
  await page.waitForFunction(() => window.__benchReady === true, null, { timeout: 120_000 });
  console.log(`bench: ${JSON.stringify(params)}`);
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
  }
  const started = new Date();
  const results = await page.evaluate(([p, o]) => window.__runBench(p, o), [params, only], {
    timeout: 0,
  });
  if (profile) {
    const { profile: data } = await cdp.send('Profiler.stop');
    writeFileSync(profile, JSON.stringify(data));
    console.log(`wrote ${profile}`);
  }
  load.push(loadavg()[0]);
  const fmt = (v) =>
    v === null || v === undefined
      ? '-'
      : Math.abs(v) >= 100
        ? v.toFixed(0)
        : Math.abs(v) >= 1e-3 || v === 0
          ? v.toPrecision(3)
          : v.toExponential(1);
  const spread = (s) => `${fmt(s.median)} (${fmt(s.range[0])}-${fmt(s.range[1])}, n=${s.runs})`;
  console.table(
    results.map((r) => ({
      case: r.name,
      [`median (range, n)`]: `${spread(r)} ${r.unit}`,
      baseline: r.baseline ? `${r.baseline.name}: ${spread(r.baseline)} ${r.unit}` : '-',
      ratio: Number.isFinite(r.ratio) ? fmt(r.ratio) : '-',
      target: r.target,
      met: r.met === null ? '-' : r.met ? 'yes' : 'NO',
    })),
  );
  const sorted = [...load].sort((a, b) => a - b);
  const out = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    commit: gitCommit(),
    environment: {
      browser: `Chromium ${browser?.version() ?? '?'} (headless)`,
      storage:
        'persistent profile (launchPersistentContext on a temporary folder): IndexedDB and OPFS on disk',
      cpus: cpus().length,
      loadAverage1m: {
        min: sorted[0],
        median: sorted[sorted.length >> 1],
        max: sorted[sorted.length - 1],
        samples: load.length,
      },
    },
    params,
    results,
  };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `load average (1 min) during the run: ${sorted[0].toFixed(1)}-${sorted[sorted.length - 1].toFixed(1)}, median ${sorted[sorted.length >> 1].toFixed(1)}`,
  );
  console.log('wrote bench/results.json');
  if (!results.length) throw new Error(`no case matched --only ${JSON.stringify(only)}`);
  const broken = results.filter((r) => r.notes?.error);
  if (broken.length) throw new Error(`${broken.length} case(s) failed: see their error above`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  clearInterval(sampler);
  await context.close();
  await server.close();
  rmSync(profileDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** The commit measured, marked when the work tree has changes. */
function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return null;
  }
}
