// Reads the output of `npm test` and prints one closing line, "tests: N passed, M failed", counting
// what Vitest and Playwright reported. Exits non-zero when neither summary is there, so that a run
// that executed no test cannot pass as green.
import { readFileSync } from 'node:fs';

// Colour codes come from the runners' reporters; they are stripped before the summaries are read.
// eslint-disable-next-line no-control-regex
const text = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const lines = text.split('\n');

const count = (line, word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);

// Vitest: "      Tests  2 failed | 604 passed (606)"
const vitest = lines.filter((line) => /^\s*Tests\s+\d/.test(line)).at(-1);
// Playwright: "  42 passed (3.8m)", with "  1 failed" / "  1 flaky" lines around it
const playwrightStart = lines.findLastIndex((line) => /^Running \d+ tests? using/.test(line));
const playwright =
  playwrightStart < 0
    ? []
    : lines.slice(playwrightStart).filter((line) => /^\s+\d+ (passed|failed|flaky)\b/.test(line));

if (vitest === undefined || playwright.length === 0) {
  console.error(
    `ci: no test summary found (Vitest: ${vitest ? 'yes' : 'no'}, Playwright: ${playwright.length > 0 ? 'yes' : 'no'})`,
  );
  process.exit(1);
}
let passed = count(vitest, 'passed');
let failed = count(vitest, 'failed');
for (const line of playwright) {
  passed += count(line, 'passed') + count(line, 'flaky');
  failed += count(line, 'failed');
}
console.log(`tests: ${passed} passed, ${failed} failed`);
