import type { ExecutionPlan } from '../../src/plan/execution-plan';
import { STEP_ORDER } from '../../src/plan/execution-plan';

/**
 * Mutations that make a well-formed plan malformed, one field at a time: each is certain to break
 * the plan, so the engine must refuse the result with `invalid_plan` naming a field at or under
 * `path` (a path such as `steps[2].values[1]`, or `plan` for the whole plan).
 */
export interface PlanMutation {
  readonly path: string;
  readonly what: string;
  apply(plan: ExecutionPlan): unknown;
}

type Key = string | number;
type Node = Record<Key, unknown>;

const pathText = (keys: readonly Key[]): string =>
  keys.reduce<string>(
    (text, k) => (typeof k === 'number' ? `${text}[${k}]` : text ? `${text}.${k}` : k),
    '',
  ) || 'plan';

/** Names that no table or column can have. */
const BAD_NAMES: readonly unknown[] = ['', 'a\0b', 'x\uD800', 42, null, ['a']];
/** Values no column of stored values can hold. */
const BAD_STORED: readonly unknown[] = [NaN, {}, 2n ** 64n, 'x\uDC00', [1], true];
/** Values no guard can expect. */
const BAD_EXPECTED: readonly unknown[] = [NaN, {}, 'x\uDC00', new Date(NaN), [1]];

/** Fields a plan may leave out: deleting them keeps it well formed. */
const OPTIONAL = new Set(['basis', 'changes', 'unique', 'checks', 'foreignKeys']);
/** Lists of names by field, and where an empty list or a duplicate is a fault. */
const NAME_LISTS = new Set(['key', 'set', 'columns', 'primaryKey']);
/** Lists of value columns, and the lists that give their widths. */
const VALUE_LISTS = new Set(['keys', 'values', 'expected']);

/**
 * A deep copy in which no two places share an object, as a plan that crossed the wire as JSON
 * would be (built plans share arrays, such as a key list, between steps; `structuredClone` keeps
 * such sharing, so one mutation would land in several places).
 */
function unshared(v: unknown): unknown {
  if (v instanceof Float64Array || v instanceof Uint8Array) return v.slice();
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return v.map(unshared);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unshared(x)]));
  return v;
}

function at(root: unknown, keys: readonly Key[]): unknown {
  return keys.reduce<unknown>((node, k) => (node as Node | undefined)?.[k], root);
}

/** A copy of `plan` with `edit` applied to the node at `keys` (its parent, and its key). */
function edited(
  plan: ExecutionPlan,
  keys: readonly Key[],
  edit: (parent: Node, key: Key) => void,
): unknown {
  const copy = unshared(plan);
  const parent = at(copy, keys.slice(0, -1)) as Node;
  edit(parent, keys[keys.length - 1]!);
  return copy;
}

function set(plan: ExecutionPlan, keys: readonly Key[], value: unknown): unknown {
  return edited(plan, keys, (p, k) => {
    p[k] = value;
  });
}

/** Every breaking mutation of `plan`. */
export function planMutations(plan: ExecutionPlan): PlanMutation[] {
  const out: PlanMutation[] = [];
  const add = (keys: readonly Key[], what: string, apply: (p: ExecutionPlan) => unknown): void => {
    out.push({ path: pathText(keys), what, apply });
  };
  add([], 'an unknown field', (p) => ({ ...p, extra: 1 }));
  add(['version'], 'the next version', (p) => ({ ...p, version: p.version + 1 }));
  add(['version'], 'the version as text', (p) => ({ ...p, version: String(p.version) }));
  add(['steps'], 'steps that are an object', (p) => ({ ...p, steps: {} }));
  add(['steps'], 'steps missing', (p) => ({ version: p.version }));
  plan.steps.forEach((step, i) => {
    const base = ['steps', i];
    const s = step as unknown as Node;
    add(base, 'a step with an unknown field', (p) => set(p, [...base, 'priority'], 0));
    add(base, 'a step that is a list', (p) => set(p, base, [step]));
    add([...base, 'kind'], "kind 'sql'", (p) => set(p, [...base, 'kind'], 'sql'));
    add([...base, 'kind'], 'kind in another case', (p) =>
      set(p, [...base, 'kind'], step.kind.toUpperCase()),
    );
    const j = plan.steps.findIndex((o) => STEP_ORDER[o.kind] > STEP_ORDER[step.kind]);
    if (j > i) {
      add(base, `steps ${i} and ${j} swapped`, (p) => {
        const steps = [...p.steps];
        [steps[i], steps[j]] = [steps[j]!, steps[i]!];
        return { ...p, steps };
      });
    }
    walk(s, base, out);
  });
  plan.basis?.forEach((_b, i) => {
    const base = ['basis', i];
    add([...base, 'seq'], 'seq -1', (p) => set(p, [...base, 'seq'], -1));
    add([...base, 'seq'], 'seq 1.5', (p) => set(p, [...base, 'seq'], 1.5));
    add([...base, 'table'], 'no table', (p) => set(p, [...base, 'table'], ''));
    add([...base, 'table'], 'a field too many', (p) => set(p, [...base, 'x'], 1));
  });
  return out;
}

/** The mutations of every field of a step (or of an object inside one), recursively. */
function walk(node: Node, keys: readonly Key[], out: PlanMutation[]): void {
  const add = (k: readonly Key[], what: string, apply: (p: ExecutionPlan) => unknown): void => {
    out.push({ path: pathText(k), what, apply });
  };
  for (const [field, value] of Object.entries(node)) {
    const here = [...keys, field];
    if (!OPTIONAL.has(field) && field !== 'kind' && field !== 'table')
      add(here, `${field} missing`, (p) => edited(p, here, (o, k) => Reflect.deleteProperty(o, k)));
    if (field === 'column' && typeof value === 'object' && value !== null) {
      // addColumn's column definition.
      walk(value as Node, here, out);
      add(here, 'a column definition with a field too many', (p) => set(p, [...here, 'x'], 1));
    } else if (field === 'table' || ['name', 'column', 'from', 'to', 'index'].includes(field)) {
      // A CHECK's column may be null: the CHECK is then the table's.
      const onCheck = field === 'column' && keys[keys.length - 2] === 'checks';
      if (typeof value === 'string')
        for (const bad of BAD_NAMES.filter((b) => !(onCheck && b === null)))
          add(here, `${field} ${String(bad)}`, (p) => set(p, here, bad));
      if (field === 'index')
        add(here, "index named with SQLite's prefix", (p) => set(p, here, 'sqlite_ix'));
      if (onCheck) add(here, 'a CHECK on no column of the table', (p) => set(p, here, 'nope'));
    } else if (field === 'unique' && typeof value === 'boolean') {
      for (const bad of ['yes', 1, null])
        add(here, `unique ${String(bad)}`, (p) => set(p, here, bad));
    } else if (field === 'unique' && Array.isArray(value)) {
      add(here, 'unique that is text', (p) => set(p, here, 'v'));
      add(here, 'a UNIQUE constraint over no column', (p) => set(p, here, [[]]));
      add(here, 'a UNIQUE constraint over no column of the table', (p) => set(p, here, [['nope']]));
    } else if (field === 'checks' && Array.isArray(value)) {
      add(here, 'checks that are text', (p) => set(p, here, 'v > 0'));
      value.forEach((_c, i) => {
        const expr = [...here, i, 'expression'];
        for (const bad of ['1); DROP TABLE items; --', 'v > 0; v', '(SELECT 1)', 'v > (', '?', 7])
          add(expr, `a CHECK ${String(bad)}`, (p) => set(p, expr, bad));
        walk(value[i] as Node, [...here, i], out);
      });
    } else if (field === 'kind' || field === 'declaredType') {
      if (field === 'declaredType') {
        add(here, 'a declared type that is SQL', (p) => set(p, here, 'INT); DROP TABLE t; --'));
        add(here, 'a declared type that is a number', (p) => set(p, here, 5));
      }
    } else if (field === 'count') {
      const n = value as number;
      for (const bad of [-1, 1.5, '1', null, NaN])
        add(here, `count ${String(bad)}`, (p) => set(p, here, bad));
      // A count that lies, where some column says how many rows there are.
      if (node['values'] && (node['values'] as unknown[]).length)
        add(here, 'count + 1', (p) => set(p, here, n + 1));
      if (node['keys'] && (node['keys'] as unknown[]).length)
        add(here, 'count + 1', (p) => set(p, here, n + 1));
    } else if ((field === 'types' || field === 'keyTypes') && Array.isArray(value)) {
      // A data step's declared types, one per column it names.
      add(here, `${field} that is text`, (p) => set(p, here, 'INTEGER'));
      add(here, `one of ${field} too many`, (p) => set(p, here, [...value, 'TEXT']));
      if (value.length) {
        add([...here, 0], `${field}[0] that is SQL`, (p) => set(p, [...here, 0], 'INT); --'));
        add([...here, 0], `${field}[0] that is null`, (p) => set(p, [...here, 0], null));
      }
    } else if (field === 'notNull' || field === 'autoIncrement') {
      for (const bad of ['yes', 1, null])
        add(here, `${field} ${String(bad)}`, (p) => set(p, here, bad));
    } else if (field === 'default') {
      add(here, "default keyword 'NOW'", (p) => set(p, here, { keyword: 'NOW' }));
      add(here, 'default NaN', (p) => set(p, here, { value: NaN }));
      add(here, 'default text holding NUL', (p) => set(p, here, { value: 'a\0b' }));
      add(here, 'default of two fields', (p) =>
        set(p, here, { value: 1, keyword: 'CURRENT_TIME' }),
      );
    } else if (
      NAME_LISTS.has(field) &&
      Array.isArray(value) &&
      value.every((v) => typeof v === 'string')
    ) {
      add(here, `${field} that is text`, (p) => set(p, here, 'id'));
      if (value.length) {
        add(here, `${field} naming one twice`, (p) => set(p, here, [...value, value[0]]));
        for (const bad of BAD_NAMES.slice(0, 4))
          add([...here, 0], `${field}[0] ${String(bad)}`, (p) => set(p, [...here, 0], bad));
      }
      if (
        field === 'set' ||
        (field === 'key' && node['kind'] !== 'insert' && keys.length === 2) ||
        (field === 'columns' && node['kind'] === 'createIndex')
      )
        add(here, `${field} empty`, (p) => set(p, here, []));
    } else if (VALUE_LISTS.has(field) && Array.isArray(value)) {
      valueColumns(value as unknown[], here, field === 'expected' ? BAD_EXPECTED : BAD_STORED, add);
    } else if ((field === 'before' || field === 'after') && value !== null) {
      valueColumns([value], here, BAD_STORED, add, true);
    } else if (field === 'kinds' && Array.isArray(value)) {
      add(here, 'kinds that is text', (p) => set(p, here, 'integer'));
      add(here, 'one kind too many', (p) => set(p, here, [...value, 'text']));
      if (value.length) add([...here, 0], "kind 'INTEGER'", (p) => set(p, [...here, 0], 'INTEGER'));
    } else if (field === 'guard' && value !== null) {
      add(here, 'a guard that is a list', (p) => set(p, here, []));
      walk(value as Node, here, out);
    } else if (field === 'changes') {
      add(here, 'changes that are a list', (p) => set(p, here, []));
      walk(value as Node, here, out);
    } else if (field === 'columns' && Array.isArray(value)) {
      // createTable's column definitions.
      add(here, 'no columns', (p) => set(p, here, []));
      add(here, 'a column named twice', (p) => set(p, here, [...value, value[0]]));
      value.forEach((_c, i) => walk(value[i] as Node, [...here, i], out));
    }
  }
}

/** Mutations of a list of value columns (`single`: `here` is one column, not a list of them). */
function valueColumns(
  list: readonly unknown[],
  here: readonly Key[],
  bad: readonly unknown[],
  add: (k: readonly Key[], what: string, apply: (p: ExecutionPlan) => unknown) => void,
  single = false,
): void {
  if (!single) {
    add(here, 'a column too many', (p) => set(p, here, [...list, list[0] ?? []]));
    if (list.length) add(here, 'a column too few', (p) => set(p, here, list.slice(1)));
    add(here, 'columns that are text', (p) => set(p, here, 'x'));
  }
  list.forEach((col, c) => {
    const k = single ? here : [...here, c];
    const values = col as ArrayLike<unknown>;
    add(k, 'a value too many', (p) =>
      set(
        p,
        k,
        values instanceof Float64Array
          ? Float64Array.from([...values, 1])
          : [...Array.from(values), 1],
      ),
    );
    if (values.length) {
      add(k, 'a value too few', (p) =>
        set(p, k, values instanceof Float64Array ? values.slice(1) : Array.from(values).slice(1)),
      );
      for (const v of bad) {
        if (values instanceof Float64Array && typeof v !== 'number') continue;
        add([...k, 0], `value ${String(v)}`, (p) =>
          edited(p, [...k, 0], (o, i) => {
            (o as unknown as unknown[])[i as number] = v;
          }),
        );
      }
    }
  });
}
