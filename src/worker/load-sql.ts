/// <reference lib="webworker" />
import initSqlJs from 'sql.js';
import type { SqlJs } from '../engine/sqlite';
import { messageOf } from '../engine/sqlite-error';
import { PandalchemyError } from '../errors/pandalchemy-error';
import { withExactTextDecoder } from '../values/exact-text-decoder';

/**
 * sql.js with its WebAssembly from `wasmUrl`. When the wasm cannot be loaded the error says from
 * where, what the server answered and what to check, instead of Emscripten's abort message.
 *
 * @example
 * ```ts
 * const SQL = await loadSql(new URL('./sql-wasm.wasm', import.meta.url).href);
 * ```
 */
export async function loadSql(wasmUrl: string): Promise<SqlJs> {
  try {
    return (await withExactTextDecoder(() =>
      initSqlJs({ locateFile: () => wasmUrl }),
    )) as unknown as SqlJs;
  } catch (e) {
    throw new PandalchemyError(
      'worker_load_failed',
      `The database worker could not load SQLite's WebAssembly from ${wasmUrl}${await answerOf(wasmUrl)} (${messageOf(e)}). Check that sql-wasm.wasm was copied beside pandalchemy-worker.js (your bundler emits it when it follows new URL('./sql-wasm.wasm', import.meta.url); see "Install" in pandalchemy's README) and that your server serves it.`,
    );
  }
}

/** What the server answers for `url`, for the message: `: the server answered 404 Not Found`. */
async function answerOf(url: string): Promise<string> {
  try {
    const response = await fetch(url, { method: 'HEAD' });
    return response.ok
      ? `: the server answered ${response.status} with ${response.headers.get('content-type') ?? 'no content type'}`
      : `: the server answered ${response.status} ${response.statusText}`.trimEnd();
  } catch (e) {
    return `: it could not be fetched (${messageOf(e)})`;
  }
}
