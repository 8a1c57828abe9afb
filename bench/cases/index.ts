import type { BenchCase } from '../bench-case';
import { fullDiff, heap, oneColumnTransform, planBuild, singleCellEdit } from './core-cases';

/** Every benchmark case, in the order of the report. */
export const CASES: readonly BenchCase[] = [
  singleCellEdit,
  oneColumnTransform,
  fullDiff,
  planBuild,
  heap,
];
