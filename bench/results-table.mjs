// Prints bench/results.json (or the file named) as the Markdown table bench/README.md keeps:
// median, range and n of each case and of its baseline or peer, the ratio, the target and met.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('./results.json', import.meta.url);
const { results } = JSON.parse(readFileSync(file, 'utf8'));

/** Three significant figures, thousands separated. */
function format(x) {
  if (x === null || x === undefined) return '-';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return String(Number(x.toPrecision(3)));
}

const side = (m, unit) =>
  `${format(m.median)} (${format(m.range[0])}-${format(m.range[1])}, n=${m.runs}) ${unit}`;

const lines = [
  '| case | library: median (range, n) | baseline or peer: median (range, n) | ratio | target | met |',
  '| --- | --- | --- | --- | --- | --- |',
];
let judged = 0;
let missed = 0;
for (const r of results) {
  const baseline = r.baseline ? `${r.baseline.name}: ${side(r.baseline, r.unit)}` : '-';
  const met = r.met === null || r.met === undefined ? '-' : r.met ? 'yes' : '**no**';
  if (r.met === true || r.met === false) {
    judged++;
    if (!r.met) missed++;
  }
  lines.push(
    `| ${r.name} | ${side(r, r.unit)} | ${baseline} | ${format(r.ratio)} | ${r.target} | ${met} |`,
  );
}
console.log(lines.join('\n'));
console.log(`\n${missed} of ${judged} results judged against a target miss it.`);
