import type { TableSchema } from '../dialect/dialect';

/**
 * The name a statement of a push is prepared under on a node-postgres connection: one per text
 * and table schema, so that PostgreSQL parses and plans it once per connection rather than once
 * per row (a 10,000-row UPDATE by key took 0.77x the time named, on loopback).
 *
 * The schema's column types are part of the name because PostgreSQL fixes a prepared
 * statement's parameter types when it first parses it: after another writer changes a column's
 * type, the same text gets a new name, parsed against the new types. Names are bounded by the
 * statement shapes an app pushes; node-postgres refuses one name used for two texts, which a
 * 64-bit hash of both makes as good as impossible.
 */
export function statementName(sql: string, schema: TableSchema): string {
  const types = schema.columns.map((c) => `${c.name}\u0000${c.declaredType}`).join('\u0001');
  return `pandalchemy_${hash(`${sql}\u0002${types}`)}`;
}

/** Two 32-bit FNV-1a hashes of `text` (different offsets), as 16 hex digits. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
