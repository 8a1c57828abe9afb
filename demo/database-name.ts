/**
 * The database the playground opens: `?db=<name>` when given (the end-to-end tests use a fresh
 * name per test, so that they never share IndexedDB state), else `fallback`.
 *
 * @example
 * ```ts
 * databaseName('?db=e2e-42'); // 'e2e-42'
 * ```
 */
export function databaseName(search: string = location.search, fallback = 'playground'): string {
  const name = new URLSearchParams(search).get('db');
  return name && /^[\w-]{1,64}$/.test(name) ? name : fallback;
}
