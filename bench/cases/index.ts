import type { BenchCase } from '../bench-case';
import * as core from './core-cases';
import { draftEdits, draftWholeSaves } from './draft-cases';
import { applyCases } from './apply-cases';
import {
  catchUp,
  coldOpen,
  persistBig,
  persistSmall,
  pushLatency,
  reopenAfterPushes,
} from './engine-cases';
import {
  pushMixed,
  refreshOverAssign,
  transformJoinPush,
  transformJoinedPush,
  transformRebuiltPush,
} from './path-cases';
import { loadVsSqliteWasm, peers, pushRelaxed, pushVsSqliteWasm } from './peer-cases';

const isCase = (v: unknown): v is BenchCase =>
  typeof v === 'object' && v !== null && 'name' in v && 'run' in v;

/**
 * Every case a module exports, alone or in arrays, in the order of the export names (a module
 * namespace lists them sorted): a case added to the table layer's file runs in `npm run bench`
 * without being listed here too.
 */
function casesIn(module: Record<string, unknown>): BenchCase[] {
  return Object.values(module).flatMap((v) =>
    Array.isArray(v) ? v.filter(isCase) : isCase(v) ? [v] : [],
  );
}

/** Every benchmark case, in the order of the report. */
export const CASES: readonly BenchCase[] = [
  ...casesIn(core),
  draftEdits,
  draftWholeSaves,
  ...applyCases,
  transformRebuiltPush,
  transformJoinPush,
  transformJoinedPush,
  pushMixed,
  refreshOverAssign,
  pushVsSqliteWasm,
  pushRelaxed,
  loadVsSqliteWasm,
  peers,
  persistSmall,
  persistBig,
  pushLatency,
  reopenAfterPushes,
  coldOpen,
  catchUp,
];
