import type { BenchCase } from '../bench-case';
import { fullDiff, heap, oneColumnTransform, planBuild, singleCellEdit } from './core-cases';
import {
  applyCases,
  catchUp,
  coldOpen,
  persistBig,
  persistSmall,
  pushLatency,
  reopenAfterPushes,
} from './engine-cases';
import { pushMixed, transformJoinPush, transformRebuiltPush } from './path-cases';
import { loadVsSqliteWasm, peers, pushVsSqliteWasm } from './peer-cases';

/** Every benchmark case, in the order of the report. */
export const CASES: readonly BenchCase[] = [
  singleCellEdit,
  oneColumnTransform,
  fullDiff,
  planBuild,
  heap,
  ...applyCases,
  transformRebuiltPush,
  transformJoinPush,
  pushMixed,
  pushVsSqliteWasm,
  loadVsSqliteWasm,
  peers,
  persistSmall,
  persistBig,
  pushLatency,
  reopenAfterPushes,
  coldOpen,
  catchUp,
];
