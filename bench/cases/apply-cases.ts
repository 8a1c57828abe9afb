import { caseResult, timePairs, type BenchCase, type BenchParams } from '../bench-case';
import { mixedPlan, otherWriter } from '../bench-plans';
import { benchName, shapeFile, shapeInfo, workerEngine } from '../engine-fixture';
import { KEY_SHAPES, type KeyShape } from '../key-shapes';

type ApplyMode = 'based' | 'meanwhile' | 'noBasis';

const APPLY_NOTES: Record<ApplyMode, string> = {
  based:
    'the plan as push() sends it for a table no other writer touched since it was read; library time includes working out what the database decided',
  meanwhile:
    "another writer's commit changed 100 rows between reading and pushing (untimed, done to both sides); the library checks the guards of the 50 of them that the plan updates",
  noBasis:
    'every guard of the updated and deleted rows is checked, by both sides (the library inside its write statements, as this plan allows)',
};

/**
 * Apply 10k scattered updates + 10k inserts + 10k scattered deletes to a 1M-row table, in the
 * engine's worker, against the strongest hand-written loop in the same worker (plan's key order,
 * reused parameters, same connection settings, one transaction). Both are timed in the worker.
 * `based`: the plan says its table is as of the engine's latest commit, as `push()` says of a
 * table no other writer touched since it was read. `meanwhile`: another writer committed to 100
 * rows since. `noBasis`: the plan says nothing of what its edits were based on; every guard is
 * checked, and so the loop checks the same guards.
 */
function applyCase(shape: KeyShape, mode: ApplyMode): BenchCase {
  const what =
    mode === 'based'
      ? 'apply 10k updates + 10k inserts + 10k deletes'
      : mode === 'meanwhile'
        ? "apply 10k + 10k + 10k after another writer's commit to 100 rows"
        : 'apply 10k + 10k + 10k, plan without a basis: every guard checked';
  return {
    name: `${what}, ${shape} keys`,
    async run(p: BenchParams) {
      const bytes = await shapeFile(shape, p.rows);
      const info = await shapeInfo(shape);
      const plan = mixedPlan(info, shape, p.rows, p.edits);
      const other = otherWriter(shape, p.rows, p.edits);
      const { engine, loop } = await workerEngine(benchName('apply'), { persist: false });
      let run = plan;
      // Three times the pairs of other cases: a ratio of two close medians needs them.
      const [runs, baseRuns] = await timePairs(
        p.runs * 3,
        {
          fn: async () => (await engine.apply(run, { pushId: crypto.randomUUID() })).applyMs,
          setup: async () => {
            const { seq } = await engine.importDatabase(bytes);
            if (mode === 'meanwhile') await engine.apply(other, { pushId: crypto.randomUUID() });
            run = mode === 'noBasis' ? plan : { ...plan, basis: [{ table: 'bench', seq }] };
          },
        },
        {
          fn: () => loop.loopApply(plan, mode === 'noBasis'),
          setup: async () => {
            await loop.loopOpen(bytes);
            if (mode === 'meanwhile') await loop.loopApply(other, false);
          },
        },
      );
      await loop.loopClose();
      await engine.close();
      engine.terminate();
      return caseResult({
        name: this.name,
        unit: 'ms',
        runs,
        baseline: {
          name:
            mode === 'noBasis'
              ? 'hand-written loop in the same worker, guards in its WHERE clauses'
              : 'hand-written loop in the same worker (plan order, reused parameters)',
          runs: baseRuns,
        },
        target: 'ratio <= 1.0',
        met: (m, b) => m <= b!,
        notes: { note: APPLY_NOTES[mode] },
      });
    },
  };
}

/** The apply cases: the plain one on every key shape, the other two on dense keys. */
export const applyCases: readonly BenchCase[] = [
  ...KEY_SHAPES.map((shape) => applyCase(shape, 'based')),
  applyCase('dense', 'meanwhile'),
  applyCase('dense', 'noBasis'),
];
