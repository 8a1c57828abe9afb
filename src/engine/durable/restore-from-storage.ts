import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { EngineContext } from '../engine-context';
import { messageOf } from '../sqlite-error';
import { loadStored } from './load-stored';

/**
 * After storage refused a commit that SQLite made: memory goes back to exactly what storage
 * holds (the commits kept in history too). When even that fails, the engine refuses every later
 * call: it can no longer tell what is stored.
 *
 * @example
 * ```ts
 * try { await storage.append(records); } catch (e) { await restoreFromStorage(ctx); throw e; }
 * ```
 */
export async function restoreFromStorage(ctx: EngineContext): Promise<void> {
  const kept = ctx.history.save();
  try {
    await loadStored(ctx);
    ctx.history.restore(kept);
  } catch (e) {
    ctx.queue.break(
      new PandalchemyError(
        'storage',
        `Storage failed and the database could not be read back from it (${messageOf(e)}): reopen it.`,
      ),
    );
  }
}
