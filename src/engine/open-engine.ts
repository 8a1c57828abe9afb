import { PandalchemyError } from '../errors/pandalchemy-error';
import type { EngineOpenOptions, EngineState, ProgressCallback } from '../protocol/engine-api';
import { describeValue } from '../values/codec';
import { catchUp } from './durable/catch-up';
import { DurableLog } from './durable/durable-log';
import { loadStored } from './durable/load-stored';
import type { EngineContext } from './engine-context';
import type { EngineParts } from './engine-parts';
import { introspect } from './introspect';
import { configureConnection } from './sqlite';

/**
 * Opens the engine's database, in its queue: a persisted one as storage holds it (snapshot and
 * log replayed), then kept in step with the other engines on its name; otherwise an empty one in
 * memory. Refuses options that are not understood, and a second open.
 *
 * @example
 * ```ts
 * const state = await ctx.queue.run(() => openEngine(ctx, parts, { name: 'shop', persist: true }));
 * ```
 */
export async function openEngine(
  ctx: EngineContext,
  parts: EngineParts,
  options: EngineOpenOptions,
  onProgress?: ProgressCallback,
): Promise<EngineState> {
  if (ctx.db) throw new PandalchemyError('invalid_argument', 'This engine is open already.');
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new PandalchemyError(
      'invalid_argument',
      'A database needs a name: pass a non-empty string such as "shop".',
    );
  }
  const durability = options.durability ?? 'strict';
  if (durability !== 'strict' && durability !== 'relaxed') {
    throw new PandalchemyError(
      'invalid_argument',
      `durability is ${describeValue(durability)}: pass 'strict' (the default) or 'relaxed'.`,
    );
  }
  ctx.options = options;
  ctx.sql = await parts.loadSql();
  if (options.persist) {
    ctx.log = new DurableLog(parts.storage(options.name, durability), options.checkpointBytes);
    ctx.coordinator = parts.coordinator(options.name);
    await loadStored(ctx, onProgress);
    ctx.coordinator.onAnnounce((seq) => {
      if (seq > ctx.seq) void ctx.queue.run(() => catchUp(ctx, true)).catch(() => undefined);
    });
  } else {
    ctx.db = new ctx.sql.Database();
    configureConnection(ctx.db, ctx.foreignKeys);
    ctx.tables = introspect(ctx.db);
  }
  return ctx.state();
}
