import type { BenchCase } from '../bench-case';
import { fullDiff, heap, oneColumnTransform, planBuild, singleCellEdit } from './core-cases';
import {
  applyGuarded,
  applyMeanwhile,
  applyMixed,
  catchUp,
  loadTable,
  persistBig,
  persistSmall,
  pushOneCell,
  reopen,
} from './engine-cases';

/** Every benchmark case, in the order of the report. */
export const CASES: readonly BenchCase[] = [
  singleCellEdit,
  oneColumnTransform,
  fullDiff,
  planBuild,
  applyMixed,
  applyMeanwhile,
  applyGuarded,
  persistSmall,
  persistBig,
  pushOneCell,
  loadTable,
  reopen,
  heap,
  catchUp,
];
