/**
 * A name for messages: quoted, and cut short when long.
 *
 * @example
 * ```ts
 * nameForMessage('zip') // '"zip"'
 * ```
 */
export function nameForMessage(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return typeof name === 'string' ? JSON.stringify(shown) : shown;
}
