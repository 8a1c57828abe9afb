import * as fc from 'fast-check';
import { inject, test } from 'vitest';
import { openDatabase } from '../../src/index';
import {
  MODEL_TOKENS,
  committed,
  modelAction,
  runDevicesModel,
  synced,
  type ModelWorld,
} from '../support/devices-model';

/*
 * The devices' model (test/support/devices-model.ts) on devices in Chromium: a real worker and
 * real IndexedDB each, against the run's sync server. Each sequence opens three devices: a few
 * sequences here; the same model runs hundreds of sequences on devices in Node
 * (test/server/devices-model.postgres.test.ts).
 */

const url = inject('syncUrl');
const TABLE = 'model_notes';
const RUNS = inject('syncModelRuns');
const SEED = inject('syncModelSeed');

function world(): ModelWorld {
  const names = MODEL_TOKENS.map((t) => `model-${t}-${Math.random().toString(36).slice(2)}`);
  const open = (token: string, name: string) =>
    openDatabase(name, { sync: { url, token, tables: [TABLE] } });
  return {
    table: TABLE,
    open: (i) => open(MODEL_TOKENS[i]!, names[i]!),
    // A new device's load.
    truth: async () => {
      const reader = await open('token-a', `model-reader-${Math.random().toString(36).slice(2)}`);
      try {
        await synced(reader);
        return await committed(reader, TABLE);
      } finally {
        await reader.close();
      }
    },
  };
}

test(
  'three devices, random edits, offline periods, reopenings and refusals: all end with the server’s rows',
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(modelAction, { minLength: 5, maxLength: 20 }),
        fc.boolean(),
        (actions, solo) => runDevicesModel(world(), actions, solo),
      ),
      { numRuns: RUNS, endOnFailure: true, ...(SEED ? { seed: Number(SEED) } : {}) },
    );
  },
  Math.max(300_000, RUNS * 30_000),
);
