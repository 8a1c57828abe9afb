/**
 * Equal as a plan's reader sees it, and nothing looser: same classes (a Float64Array is not an
 * array), numbers by Object.is (-0 is not 0), dates by time, the same fields.
 */
export function exactlyEqual(a: unknown, b: unknown, at = 'plan'): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null)
    return Object.is(a, b) ? null : `${at}: ${String(a)} is not ${String(b)}`;
  if (classOf(a) !== classOf(b)) return `${at}: another class`;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime() ? null : `${at}: date`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${at}: fields ${ka.join()} are not ${kb.join()}`;
  for (const k of ka) {
    const d = exactlyEqual(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${at}.${k}`,
    );
    if (d) return d;
  }
  return null;
}

/** An object's class; plain objects are one, whatever their prototype (fast-check's have none). */
function classOf(v: object): unknown {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null ? Object.prototype : proto;
}
