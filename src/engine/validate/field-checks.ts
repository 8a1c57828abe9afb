import { checkExpressionProblem } from '../../plan/check-expression';
import {
  checkDeclaredType,
  identifierKey,
  MAX_IDENTIFIER_LENGTH,
} from '../../dialect/sqlite/sqlite-text';
import { isWellFormedText } from '../../values/codec';
import { bad, isObject, shown, type Check } from './malformed';

/**
 * An object with exactly the fields of `spec` (those ending in `?` may be left out), each checked.
 *
 * @example
 * ```ts
 * record({ table: name, 'seq?': count })(v, 'plan.basis[0]');
 * ```
 */
export function record(spec: Readonly<Record<string, Check>>): Check {
  const fields = Object.keys(spec).map((k) => ({
    name: k.replace(/\?$/, ''),
    optional: k.endsWith('?'),
    check: spec[k]!,
  }));
  const known = new Set(fields.map((f) => f.name));
  return (v, at) => {
    if (!isObject(v)) bad(at, `is ${shown(v)}, not an object`);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!known.has(key)) bad(`${at}.${key}`, 'is not a field of this object');
    }
    for (const f of fields) {
      if (!(f.name in o) || o[f.name] === undefined) {
        if (f.optional) continue;
        bad(`${at}.${f.name}`, 'is missing');
      }
      f.check(o[f.name], `${at}.${f.name}`);
    }
  };
}

/** A field checked elsewhere (against the others, in a step's `consistent`). */
export const ignore: Check = () => undefined;

export const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') bad(at, `is ${shown(v)}, not true or false`);
};

export const count: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    bad(at, `is ${shown(v)}, not a row count (a whole number of 0 or more)`);
};

/** A table or column name: what `checkIdentifier` lets the library create, any table prefix. */
export const name: Check = (v, at) => {
  if (typeof v !== 'string') return bad(at, `is ${shown(v)}, not a name`);
  if (v === '') bad(at, 'is an empty name');
  if (v.length > MAX_IDENTIFIER_LENGTH) bad(at, `is a name of ${v.length} characters`);
  if (v.includes('\0')) bad(at, 'is a name holding NUL');
  if (!isWellFormedText(v)) bad(at, 'is a name holding a lone surrogate');
};

/** A list of distinct names (ASCII case ignored, as SQLite ignores it); `min` at least. */
export function names(min: number): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of names`);
    if (v.length < min) bad(at, `lists ${v.length} names, fewer than ${min}`);
    const seen = new Set<string>();
    v.forEach((n: unknown, i) => {
      name(n, `${at}[${i}]`);
      const key = identifierKey(n as string);
      if (seen.has(key)) bad(`${at}[${i}]`, `names ${JSON.stringify(n)} twice`);
      seen.add(key);
    });
  };
}

export function oneOf(values: readonly string[]): Check {
  return (v, at) => {
    if (typeof v !== 'string' || !values.includes(v))
      bad(at, `is ${shown(v)}, not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  };
}

/** A list whose every item passes `item`. */
export function list(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list`);
    v.forEach((x: unknown, i) => item(x, `${at}[${i}]`));
  };
}

export const nameOrNull: Check = (v, at) => {
  if (v !== null) name(v, at);
};

/** An index's name: SQLite keeps the `sqlite_` prefix for its own. */
export const indexName: Check = (v, at) => {
  name(v, at);
  if (/^sqlite_/i.test(v as string)) bad(at, "takes the 'sqlite_' prefix, which is SQLite's");
};

/** A CHECK expression: one expression that stays inside its parentheses. */
export const checkText: Check = (v, at) => {
  const problem = checkExpressionProblem(v);
  if (problem !== null) bad(at, problem);
};

export const declaredType: Check = (v, at) => {
  try {
    checkDeclaredType(v);
  } catch {
    bad(at, `is ${shown(v)}, not a declared type (words, optionally with (n) or (n, m))`);
  }
};

/** The declared types of the `width` columns `of` names. */
export function declaredTypes(v: unknown, at: string, width: number, of: string): void {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of declared types`);
  if (v.length !== width) bad(at, `lists ${v.length} types for the ${width} columns of ${of}`);
  v.forEach((t: unknown, i) => declaredType(t, `${at}[${i}]`));
}
