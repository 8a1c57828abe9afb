/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { EngineCore } from '../engine/engine-core';
import { PandalchemyError, type SerializedError } from '../errors/pandalchemy-error';
import type { ExecutionPlan } from '../plan/execution-plan';
import type {
  ApplyResult,
  ColumnarData,
  ProgressCallback,
  TableEffect,
  WorkerApi,
} from '../protocol/engine-api';
import { unpackPlan } from '../protocol/packed-plan';
import { packColumns } from '../protocol/packed-text';

function serialize(e: unknown): SerializedError {
  if (e instanceof PandalchemyError) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  return new PandalchemyError('internal', `The engine failed unexpectedly: ${message}.`).toJSON();
}

async function run<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    // A plain object, not an Error: Comlink would keep only an Error's message.
    throw serialize(e);
  }
}

/** Table data moves to the main thread packed, its buffers transferred rather than copied. */
function transferred(data: ColumnarData): ColumnarData {
  const packed = packColumns(data);
  return Comlink.transfer(packed.data, packed.transfer);
}

/**
 * The answer to a push without the rows of the tables it created: those tables cannot be loaded in
 * the tab that created them (their effects say `reload`), and a million created rows cloned back to
 * it would freeze its page for seconds. The redo log and other tabs still get every row.
 */
function withoutCreatedRows(plan: ExecutionPlan, result: ApplyResult): ApplyResult {
  const created = new Set(plan.steps.flatMap((s) => (s.kind === 'createTable' ? [s.table] : [])));
  if (!created.size) return result;
  const effects = result.effects.map((e): TableEffect =>
    created.has(e.table) && e.reload
      ? {
          ...e,
          deleted: { rowids: null, keys: e.key.map(() => []) },
          upserts: {
            rowids: null,
            columns: e.upserts.columns,
            values: e.upserts.columns.map(() => []),
            priorKeys: e.key.map(() => []),
          },
          patches: [],
        }
      : e,
  );
  return { ...result, effects };
}

/**
 * Sends a table in chunks as they are read, so that the main thread unpacks one while the next is
 * read. Chunks travel on the callback's own port: the answer waits for the last of them, as it
 * could otherwise overtake it.
 */
async function streamTable(
  core: EngineCore,
  table: string,
  onProgress: ProgressCallback | undefined,
  onChunk: (chunk: ColumnarData) => void | Promise<void>,
): Promise<ColumnarData> {
  const deliveries: Promise<void>[] = [];
  const result = await core.readTable(table, onProgress, (chunk) => {
    deliveries.push(Promise.resolve(onChunk(transferred(chunk))));
  });
  await Promise.all(deliveries);
  return result;
}

/**
 * The worker's API over an engine: errors cross as plain serialized errors so that their code and
 * context survive (the client turns them back into typed errors), table data crosses packed.
 *
 * @example
 * ```ts
 * Comlink.expose(workerApi(new EngineCore(parts)));
 * ```
 */
export function workerApi(core: EngineCore): WorkerApi {
  return {
    open: (options, onProgress) => run(core.open(options, onProgress)),
    state: () => run(core.state()),
    readTable: (table, onProgress, onChunk) =>
      run(
        onChunk
          ? streamTable(core, table, onProgress, onChunk)
          : core.readTable(table, onProgress).then(transferred),
      ),
    readRows: (table, keys) => run(core.readRows(table, keys).then(transferred)),
    query: (sql, params) => run(core.query(sql, params).then(transferred)),
    apply: (plan, options, onProgress) =>
      run(
        core.apply(unpackPlan(plan), options, onProgress).then((r) => withoutCreatedRows(plan, r)),
      ),
    hasCommitted: (pushId) => run(core.hasCommitted(pushId)),
    importDatabase: (bytes, onProgress) => run(core.importDatabase(bytes, onProgress)),
    exportDatabase: () =>
      run(
        core
          .exportDatabase()
          .then((bytes) => Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer])),
      ),
    checkpoint: (onProgress) => run(core.checkpoint(onProgress)),
    commitsSince: (seq) => run(core.commitsSince(seq)),
    onRemoteCommit: (callback) => run(core.onRemoteCommit(callback)),
    takeEffects: (commits, outbox) => run(core.takeEffects(commits, outbox)),
    replaceRows: (pushId, tables, outbox) => run(core.replaceRows(pushId, tables, outbox)),
    outbox: () => run(core.outbox()),
    close: () => run(core.close()),
    holdLifeline: (name) =>
      new Promise<void>((held) => {
        // Never released: the lock goes when the worker does.
        void navigator.locks.request(name, () => {
          held();
          return new Promise<never>(() => undefined);
        });
      }),
  };
}
