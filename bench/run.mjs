// npm run bench [-- --rows 1000000 --edits 10000 --runs 5 --db-mb 100 --records 1000 --behind 100 --only name]
//                [-- --profile out.cpuprofile]  (a CPU profile of the page while the cases run)
// Runs every benchmark case in headless Chromium (worker included), each next to its baseline,
// prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
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
};
const only = arg('only', '');
const profile = arg('profile', '');

const server = await createServer({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
});
await server.listen();
const { chromiumLaunchOptions } = await server.ssrLoadModule('/test/chromium.ts');
const launch = chromiumLaunchOptions();
const browser = await chromium.launch({
  ...launch,
  args: [...launch.args, '--js-flags=--expose-gc'],
});
let failed = false;
try {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await page.exposeFunction('__benchHeap', async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    // Typed arrays keep their data outside the JS heap: count their backing stores too.
    const { usedSize, backingStorageSize = 0 } = await cdp.send('Runtime.getHeapUsage');
    return usedSize + backingStorageSize;
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
  const results = await page.evaluate(([p, o]) => window.__runBench(p, o), [params, only], {
    timeout: 0,
  });
  if (profile) {
    const { profile: data } = await cdp.send('Profiler.stop');
    writeFileSync(profile, JSON.stringify(data));
    console.log(`wrote ${profile}`);
  }
  const fmt = (v) =>
    v === null || v === undefined ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
  const rows = results.map((r) => ({
    case: r.name,
    median: `${fmt(r.median)} ${r.unit}`,
    runs: r.runs,
    baseline: r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.median)} ${r.unit}` : '-',
    ratio: fmt(r.ratio),
    target: r.target,
    met: r.met ? 'yes' : 'NO',
  }));
  console.table(rows);
  const out = { date: new Date().toISOString(), params, results };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results.json');
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
