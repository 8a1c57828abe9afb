import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { OutboxWrite, ProgressCallback, RedoRecord } from '../../protocol/engine-api';
import type { EngineContext } from '../engine-context';
import { recordSize } from './record-size';
import { messageOf } from '../sqlite-error';
import { restoreFromStorage } from './restore-from-storage';

/**
 * Appends records SQLite has committed to the durable log, with `outbox`'s changes in the same
 * storage transaction, and returns the bytes written. When storage refuses, the engine goes back
 * to what storage holds and the call fails with a `storage` error saying that saving `what`
 * failed: nothing of the records stays.
 *
 * @example
 * ```ts
 * const bytes = await persistRecords(ctx, [record], undefined, 'the push', onProgress);
 * ```
 */
export async function persistRecords(
  ctx: EngineContext,
  records: readonly RedoRecord[],
  outbox: OutboxWrite | undefined,
  what: string,
  onProgress?: ProgressCallback,
): Promise<number> {
  const log = ctx.log!;
  const sizes = records.map(recordSize);
  const bytes = sizes.reduce((n, b) => n + b, 0);
  onProgress?.({ phase: 'persist', done: 0, total: bytes });
  try {
    await log.storage.append(records, outbox);
  } catch (e) {
    throw await storageRefused(ctx, e, what);
  }
  records.forEach((r, i) => log.add(r.seq, sizes[i]!));
  onProgress?.({ phase: 'persist', done: bytes, total: bytes });
  return bytes;
}

/**
 * After storage refused records SQLite had committed: the engine goes back to what storage holds
 * (see {@link restoreFromStorage}). Resolves to the error to fail with, saying that saving `what`
 * failed.
 *
 * @example
 * ```ts
 * try { await storage.append([record]); } catch (e) { throw await storageRefused(ctx, e, 'the push'); }
 * ```
 */
export async function storageRefused(
  ctx: EngineContext,
  e: unknown,
  what: string,
): Promise<PandalchemyError> {
  await restoreFromStorage(ctx);
  return e instanceof PandalchemyError
    ? e
    : new PandalchemyError('storage', `Saving ${what} failed: ${messageOf(e)}.`);
}
