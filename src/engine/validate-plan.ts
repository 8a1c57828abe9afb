import { PandalchemyError } from '../errors/pandalchemy-error';
import { checkExpressionProblem } from '../plan/check-expression';
import {
  FOREIGN_KEY_ACTIONS,
  PLAN_VERSION,
  STEP_ORDER,
  type ExecutionPlan,
  type PlanStep,
} from '../plan/execution-plan';
import {
  checkDeclaredType,
  identifierKey,
  MAX_IDENTIFIER_LENGTH,
} from '../dialect/sqlite/sqlite-text';
import { isWellFormedText } from '../values/codec';
import { article } from './plan-keys';
import type { ColumnKind } from '../values/column-kind';
import { INT64_MAX, INT64_MIN } from '../values/sql-value';

/**
 * Where a plan is not well formed: a path such as `steps[2].values[1][7]`, and why. Thrown by the
 * checks below, turned into an `invalid_plan` error by {@link validatePlan}.
 */
class Malformed {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {}
}

type Value = unknown;
/** Checks one field: `at` is its path. Throws {@link Malformed}. */
type Check = (value: Value, at: string) => void;

const bad = (at: string, why: string): never => {
  throw new Malformed(at, why);
};

const KINDS: ReadonlySet<string> = new Set(Object.keys(STEP_ORDER));
const COLUMN_KINDS: ReadonlySet<string> = new Set<ColumnKind>([
  'integer',
  'real',
  'numeric',
  'text',
  'blob',
  'boolean',
  'date',
  'datetime',
  'any',
]);
const KEYWORDS: ReadonlySet<string> = new Set([
  'CURRENT_TIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
]);

// ---- checks of one value ------------------------------------------------------------------------

function isObject(v: Value): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** An object with exactly the fields of `spec` (those ending in `?` may be left out), each checked. */
function record(spec: Readonly<Record<string, Check>>): Check {
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

const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') bad(at, `is ${shown(v)}, not true or false`);
};

const count: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    bad(at, `is ${shown(v)}, not a row count (a whole number of 0 or more)`);
};

/** A table or column name: what `checkIdentifier` lets the library create, any table prefix. */
const name: Check = (v, at) => {
  if (typeof v !== 'string') return bad(at, `is ${shown(v)}, not a name`);
  if (v === '') bad(at, 'is an empty name');
  if (v.length > MAX_IDENTIFIER_LENGTH) bad(at, `is a name of ${v.length} characters`);
  if (v.includes('\0')) bad(at, 'is a name holding NUL');
  if (!isWellFormedText(v)) bad(at, 'is a name holding a lone surrogate');
};

/** A list of distinct names (ASCII case ignored, as SQLite ignores it); `min` at least. */
function names(min: number): Check {
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

function oneOf(values: readonly string[]): Check {
  return (v, at) => {
    if (typeof v !== 'string' || !values.includes(v))
      bad(at, `is ${shown(v)}, not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  };
}

/** A list whose every item passes `item`. */
function list(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list`);
    v.forEach((x: unknown, i) => item(x, `${at}[${i}]`));
  };
}

const nameOrNull: Check = (v, at) => {
  if (v !== null) name(v, at);
};

/** An index's name: SQLite keeps the `sqlite_` prefix for its own. */
const indexName: Check = (v, at) => {
  name(v, at);
  if (/^sqlite_/i.test(v as string)) bad(at, "takes the 'sqlite_' prefix, which is SQLite's");
};

/** A CHECK expression: one expression that stays inside its parentheses. */
const checkText: Check = (v, at) => {
  const problem = checkExpressionProblem(v);
  if (problem !== null) bad(at, problem);
};

const declaredType: Check = (v, at) => {
  try {
    checkDeclaredType(v);
  } catch {
    bad(at, `is ${shown(v)}, not a declared type (words, optionally with (n) or (n, m))`);
  }
};

/** The declared types of the `width` columns `of` names. */
function declaredTypes(v: Value, at: string, width: number, of: string): void {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of declared types`);
  if (v.length !== width) bad(at, `lists ${v.length} types for the ${width} columns of ${of}`);
  v.forEach((t: unknown, i) => declaredType(t, `${at}[${i}]`));
}

/** A stored value: NULL, a number (not NaN), a 64-bit integer, valid text or bytes. */
function sqlValue(v: Value, at: string): void {
  switch (typeof v) {
    case 'number':
      if (v !== v) bad(at, 'is NaN, which SQLite stores as NULL');
      return;
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) bad(at, `is ${v}n, outside the 64-bit integer range`);
      return;
    case 'string':
      if (!isWellFormedText(v)) bad(at, 'is text holding a lone surrogate');
      return;
    default:
      if (v === null || v instanceof Uint8Array) return;
      bad(at, `is ${shown(v)}, not a stored value (a number, a BigInt, text, bytes or null)`);
  }
}

/** A value as a guard expects it (decoded: booleans and dates too). */
function cellValue(v: Value, at: string): void {
  if (typeof v === 'boolean') return;
  if (v instanceof Date) {
    if (v.getTime() !== v.getTime()) bad(at, 'is an Invalid Date');
    return;
  }
  sqlValue(v, at);
}

/** Whether every string of `values` is well-formed text: one native scan of them all. */
function wellFormedTexts(values: readonly unknown[]): boolean {
  // The separator keeps a surrogate at the end of one value from pairing with the next one's.
  return (values.join('\u0001') as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Whether every value is a number (not NaN), NULL or text: the common column, checked in one
 * loop (text's well-formedness in one scan) rather than value by value.
 */
function plainColumn(values: readonly unknown[]): boolean {
  let text = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') text = true;
    else if (!(typeof v === 'number' && v === v) && v !== null) return false;
  }
  return !text || wellFormedTexts(values);
}

/** A column of `n` values (`n` undefined: any length), each checked by `each`. */
function column(each: (v: Value, at: string) => void): (v: Value, at: string, n?: number) => void {
  return (v, at, n) => {
    if (v instanceof Float64Array) {
      for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) bad(`${at}[${i}]`, 'is NaN');
    } else if (Array.isArray(v)) {
      if (!plainColumn(v)) for (let i = 0; i < v.length; i++) each(v[i], `${at}[${i}]`);
    } else {
      bad(at, `is ${shown(v)}, not a column of values (an array or a Float64Array)`);
    }
    const length = (v as ArrayLike<unknown>).length;
    if (n !== undefined && length !== n) bad(at, `holds ${length} values, not ${n}`);
  };
}

const storedColumn = column(sqlValue);
const cellColumn = column(cellValue);

/** A list of `width` columns of `n` values each. */
function columns(
  v: Value,
  at: string,
  width: number,
  n: number | undefined,
  each = storedColumn,
): void {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of columns`);
  if (v.length !== width) bad(at, `holds ${v.length} columns, not ${width}`);
  v.forEach((c: unknown, i) => each(c, `${at}[${i}]`, n));
}

const columnDefault: Check = (v, at) => {
  if (v === null) return;
  if (isObject(v) && 'keyword' in v) {
    record({ keyword: oneOf([...KEYWORDS]) })(v, at);
    return;
  }
  record({ value: sqlValue })(v, at);
  const value = (v as { value: unknown }).value;
  if (typeof value === 'string' && value.includes('\0'))
    bad(`${at}.value`, 'is text holding NUL, which a DEFAULT clause (SQL text) cannot hold');
};

const columnDefinition = record({
  name,
  declaredType,
  notNull: bool,
  default: columnDefault,
});

/** A guard of a step of `n` rows. */
function guard(v: Value, at: string, n: number): void {
  if (v === null) return;
  record({
    key: names(1),
    keys: () => undefined,
    columns: names(0),
    kinds: () => undefined,
    expected: () => undefined,
  })(v, at);
  const g = v as {
    key: string[];
    keys: unknown;
    columns: string[];
    kinds: unknown;
    expected: unknown;
  };
  columns(g.keys, `${at}.keys`, g.key.length, n);
  if (!Array.isArray(g.kinds)) return bad(`${at}.kinds`, `is ${shown(g.kinds)}, not a list`);
  if (g.kinds.length !== g.columns.length)
    bad(`${at}.kinds`, `lists ${g.kinds.length} kinds for ${g.columns.length} columns`);
  g.kinds.forEach((k: unknown, i) => {
    if (typeof k !== 'string' || !COLUMN_KINDS.has(k))
      bad(`${at}.kinds[${i}]`, `is ${shown(k)}, not a column kind`);
  });
  columns(g.expected, `${at}.expected`, g.columns.length, n, cellColumn);
}

// ---- steps, by kind -----------------------------------------------------------------------------

/** Fields checked alone, then what must hold between them. */
interface StepSpec {
  readonly fields: Readonly<Record<string, Check>>;
  readonly consistent?: (step: Record<string, unknown>, at: string) => void;
}

const ignore: Check = () => undefined;

/**
 * Each kind's fields, as data: a step of a kind has exactly these (`kind` and `table` besides).
 * Fields whose check needs others (lengths against `count`) are checked in `consistent`.
 */
const STEPS: { readonly [K in PlanStep['kind']]: StepSpec } = {
  createTable: {
    fields: {
      columns: (v, at) => {
        if (!Array.isArray(v) || v.length === 0) bad(at, 'lists no columns');
        (v as unknown[]).forEach((c, i) => columnDefinition(c, `${at}[${i}]`));
        const list = (v as { name: string }[]).map((c) => c.name);
        names(1)(list, at);
      },
      primaryKey: names(0),
      autoIncrement: bool,
      'unique?': list(names(1)),
      'checks?': list(record({ column: nameOrNull, expression: checkText })),
      'foreignKeys?': list(
        record({
          columns: names(1),
          references: name,
          to: names(0),
          onDelete: oneOf(FOREIGN_KEY_ACTIONS),
          onUpdate: oneOf(FOREIGN_KEY_ACTIONS),
        }),
      ),
    },
    consistent: (s, at) => {
      const cols = s['columns'] as { name: string; declaredType: string }[];
      const pk = s['primaryKey'] as string[];
      const column = (k: string, path: string): void => {
        if (!cols.some((c) => c.name === k))
          bad(path, `names ${JSON.stringify(k)}, which is not a column`);
      };
      pk.forEach((k, i) => column(k, `${at}.primaryKey[${i}]`));
      const single = pk.length === 1 ? cols.find((c) => c.name === pk[0]) : undefined;
      if (s['autoIncrement'] === true && single?.declaredType.toUpperCase() !== 'INTEGER')
        bad(`${at}.autoIncrement`, 'needs a primary key of one INTEGER column');
      ((s['unique'] ?? []) as string[][]).forEach((u, i) =>
        u.forEach((k, j) => column(k, `${at}.unique[${i}][${j}]`)),
      );
      ((s['checks'] ?? []) as { column: string | null }[]).forEach((c, i) => {
        if (c.column !== null) column(c.column, `${at}.checks[${i}].column`);
      });
      ((s['foreignKeys'] ?? []) as { columns: string[]; to: string[] }[]).forEach((fk, i) => {
        fk.columns.forEach((k, j) => column(k, `${at}.foreignKeys[${i}].columns[${j}]`));
        if (fk.to.length && fk.to.length !== fk.columns.length)
          bad(
            `${at}.foreignKeys[${i}].to`,
            `lists ${fk.to.length} columns for ${fk.columns.length} referencing ones`,
          );
      });
    },
  },
  createIndex: { fields: { index: indexName, columns: names(1), unique: bool } },
  dropIndex: { fields: { index: indexName } },
  dropTable: { fields: {} },
  renameColumn: {
    fields: { from: name, to: name },
    consistent: (s, at) => {
      if (s['from'] === s['to']) bad(`${at}.to`, 'is the name the column has');
    },
  },
  dropColumn: { fields: { column: name } },
  addColumn: { fields: { column: columnDefinition } },
  retypeColumn: {
    fields: {
      column: name,
      declaredType,
      'changes?': record({ key: names(1), keys: ignore, before: ignore, after: ignore }),
    },
    consistent: (s, at) => {
      const c = s['changes'] as
        { key: string[]; keys: unknown; before: unknown; after: unknown } | undefined;
      if (!c) return;
      storedColumn(c.before, `${at}.changes.before`);
      const n = (c.before as ArrayLike<unknown>).length;
      storedColumn(c.after, `${at}.changes.after`, n);
      columns(c.keys, `${at}.changes.keys`, c.key.length, n);
    },
  },
  delete: {
    fields: { key: names(1), keyTypes: ignore, keys: ignore, count, guard: ignore },
    consistent: (s, at) => {
      const n = s['count'] as number;
      const key = s['key'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, key.length, 'key');
      columns(s['keys'], `${at}.keys`, key.length, n);
      guard(s['guard'], `${at}.guard`, n);
    },
  },
  update: {
    fields: {
      key: names(1),
      keyTypes: ignore,
      keys: ignore,
      set: names(1),
      types: ignore,
      values: ignore,
      count,
      guard: ignore,
    },
    consistent: (s, at) => {
      const n = s['count'] as number;
      const key = s['key'] as string[];
      const set = s['set'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, key.length, 'key');
      columns(s['keys'], `${at}.keys`, key.length, n);
      declaredTypes(s['types'], `${at}.types`, set.length, 'set');
      columns(s['values'], `${at}.values`, set.length, n);
      guard(s['guard'], `${at}.guard`, n);
    },
  },
  insert: {
    fields: {
      key: names(0),
      keyTypes: ignore,
      columns: names(0),
      types: ignore,
      values: ignore,
      count,
    },
    consistent: (s, at) => {
      const cols = s['columns'] as string[];
      declaredTypes(s['keyTypes'], `${at}.keyTypes`, (s['key'] as string[]).length, 'key');
      declaredTypes(s['types'], `${at}.types`, cols.length, 'columns');
      columns(s['values'], `${at}.values`, cols.length, s['count'] as number);
    },
  },
};

const step: Check = (v, at) => {
  if (!isObject(v)) return bad(at, `is ${shown(v)}, not a step`);
  const kind = v['kind'];
  if (typeof kind !== 'string' || !KINDS.has(kind))
    return bad(`${at}.kind`, `is ${shown(kind)}, not a kind of step`);
  const spec = STEPS[kind as PlanStep['kind']];
  record({ kind: ignore, table: name, ...spec.fields })(v, at);
  spec.consistent?.(v, at);
};

const basis: Check = (v, at) => {
  if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of { table, seq }`);
  const seen = new Set<string>();
  v.forEach((b: unknown, i) => {
    record({
      table: name,
      seq: (s, a) => {
        if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0)
          bad(a, `is ${shown(s)}, not a commit number`);
      },
    })(b, `${at}[${i}]`);
    const table = (b as { table: string }).table;
    if (seen.has(table)) bad(`${at}[${i}].table`, `names ${JSON.stringify(table)} twice`);
    seen.add(table);
  });
};

/**
 * Checks a plan's shape before anything runs, in full: plans cross a thread boundary, may be
 * changed by application code (plan passes) and may come from a network, so the engine trusts
 * nothing about them. Every field of every step is checked by the step's `kind` (each kind's
 * fields are listed in `STEPS`), values included; steps must be in {@link STEP_ORDER}. A plan
 * that is not exactly well formed is refused with `invalid_plan`, whose `field` names the first
 * field found wrong (`steps[2].values[1]`) and whose `step` names the step's kind.
 *
 * @example
 * ```ts
 * validatePlan({ version: 2, steps: [{ kind: 'dropTable', table: 't' }] }); // passes
 * validatePlan({ version: 2, steps: [{ kind: 'dropTable', table: 't', priority: 0 }] });
 * // throws invalid_plan: steps[0].priority is not a field of this object
 * ```
 */
export function validatePlan(plan: unknown): asserts plan is ExecutionPlan {
  try {
    record({
      version: (v, at) => {
        if (v !== PLAN_VERSION) bad(at, `is ${shown(v)}, not ${PLAN_VERSION}`);
      },
      steps: (v, at) => {
        if (!Array.isArray(v)) return bad(at, `is ${shown(v)}, not a list of steps`);
        let order = -1;
        v.forEach((s: unknown, i) => {
          step(s, `${at}[${i}]`);
          const kind = (s as PlanStep).kind;
          if (STEP_ORDER[kind] < order)
            bad(`${at}[${i}].kind`, `is '${kind}', which runs before the steps listed ahead of it`);
          order = STEP_ORDER[kind];
        });
      },
      'basis?': basis,
    })(plan, 'plan');
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    const index = /^plan\.steps\[(\d+)\]/.exec(e.path)?.[1];
    const s = index === undefined ? undefined : (plan as ExecutionPlan).steps[Number(index)];
    const where =
      s && typeof s.kind === 'string' && KINDS.has(s.kind)
        ? ` (${article(s.kind)} step${typeof s.table === 'string' ? ` of table ${JSON.stringify(s.table.slice(0, 60))}` : ''})`
        : '';
    const field = e.path.replace(/^plan\.?/, '') || 'plan';
    throw new PandalchemyError(
      'invalid_plan',
      `This plan cannot run: ${field}${where} ${e.why}. Nothing was written. Build plans with table.plan() or db.plan(), and keep their shape in plan passes.`,
      {
        field,
        ...(s && typeof s.kind === 'string' ? { step: s.kind } : {}),
        ...(s && typeof s.table === 'string' ? { table: s.table } : {}),
      },
    );
  }
}

/** A value for messages: its type, and the value itself when short. */
function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 30 ? `text '${v.slice(0, 27)}...'` : `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
