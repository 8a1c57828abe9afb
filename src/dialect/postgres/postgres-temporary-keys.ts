import { PandalchemyError } from '../../errors/pandalchemy-error';
import type { UpdateStep } from '../../plan/execution-plan';
import type { ColumnKind } from '../../values/column-kind';
import type { SqlValue } from '../../values/sql-value';
import { temporaryIntegers } from '../temporary-integers';
import type { Dialect, TableSchema } from '../dialect';
import { keyMovesOf, newKeyRange, uniqueBlobs } from '../key-moves';
import { quotePostgresIdentifier as q } from './postgres-text';
import type { PostgresValue } from './postgres-types';

/**
 * The key column a move through temporaries goes through: the first the step sets, so that the
 * step's own update sets it again (from its temporary to its new value) — as the SQLite engine
 * chooses.
 */
export function throughColumn(step: UpdateStep): number {
  return step.key.findIndex((k) => step.set.includes(k));
}

const DAY_MS = 86_400_000;

/** The smallest whole number at least the value PostgreSQL printed (an integer or a numeric). */
function wholeAtLeast(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return BigInt(Math.ceil(Number(text)));
  const whole = BigInt(`${m[1]}${m[2]}`);
  const fraction = /[1-9]/.test(m[3] ?? '');
  return fraction && m[1] !== '-' ? whole + 1n : whole;
}

/** `-text` as PostgreSQL would print it. */
function negate(text: string): string {
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/**
 * The largest and smallest of the stored keys (as PostgreSQL printed them) and of the step's new
 * keys, in the terms {@link temporaries} reads: whole numbers for numeric kinds, ISO text for
 * dates.
 */
function withNewKeys(
  kind: ColumnKind,
  stored: { max: string | null; min: string | null },
  moved: ReturnType<typeof newKeyRange>,
): { max: string | null; min: string | null } {
  if (kind === 'date' || kind === 'datetime') {
    const max =
      moved.text !== null && (stored.max === null || moved.text > stored.max)
        ? moved.text
        : stored.max;
    return { max, min: stored.min };
  }
  const max =
    moved.max !== null && (stored.max === null || moved.max > wholeAtLeast(stored.max))
      ? String(moved.max)
      : stored.max;
  const min =
    moved.min !== null && (stored.min === null || moved.min < -wholeAtLeast(negate(stored.min)))
      ? String(moved.min)
      : stored.min;
  return { max, min };
}

/** Free temporary values for one key column, from its largest and smallest stored value. */
function temporaries(
  kind: ColumnKind,
  n: number,
  max: string | null,
  min: string | null,
): SqlValue[] {
  const out = new Array<SqlValue>(n);
  switch (kind) {
    case 'integer':
    case 'numeric': {
      // Exact: a key past 2^53 read as a double would round onto a stored key.
      const top = wholeAtLeast(max ?? '0');
      const bottom = -wholeAtLeast(negate(min ?? '0'));
      return temporaryIntegers(n, top, bottom);
    }
    case 'real': {
      // Doubles one apart above the largest key (or below the smallest), where they still differ.
      const top = Number(max ?? 0);
      const bottom = Number(min ?? 0);
      const up = Number.isFinite(top) && top + n + 1 !== top + n && Math.abs(top) < 2 ** 52;
      const down = Number.isFinite(bottom) && Math.abs(bottom) < 2 ** 52;
      if (!up && !down) {
        throw new PandalchemyError(
          'invalid_plan',
          'This push swaps REAL keys between rows, and the table holds keys so large (or infinite) that no free temporary key is left to move a row through. Nothing was written: change those keys in two pushes.',
        );
      }
      for (let i = 0; i < n; i++) out[i] = up ? Math.floor(top) + 1 + i : Math.ceil(bottom) - 1 - i;
      return out;
    }
    case 'date':
    case 'datetime': {
      const top = Date.parse(`${(max ?? '2000-01-01').slice(0, 10)}T00:00:00Z`);
      for (let i = 0; i < n; i++) {
        const iso = new Date(top + (i + 1) * DAY_MS).toISOString();
        out[i] = kind === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} 00:00:00`;
      }
      return out;
    }
    case 'blob':
      return uniqueBlobs(n);
    case 'boolean':
      throw new PandalchemyError(
        'invalid_plan',
        'This push swaps the values of a BOOLEAN key column between rows, which PostgreSQL cannot do row by row (there is no third value to move a row through). Nothing was written: change those keys in two pushes.',
      );
    default: {
      const salt = Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) =>
        b.toString(36),
      ).join('');
      for (let i = 0; i < n; i++) out[i] = `\u0001pandalchemy:${salt}:${i}`;
      return out;
    }
  }
}

/**
 * The free temporary keys a key swap of `step` moves its rows through, read from the column it
 * goes through ({@link throughColumn}); null when the step's keys can move directly.
 */
export const postgresTemporaryKeys: Dialect<TableSchema, PostgresValue>['temporaryKeys'] = (
  step,
  schema,
) => {
  if (keyMovesOf(step) !== 'viaTemporary') return null;
  const through = throughColumn(step);
  const column = step.key[through]!;
  const kind = schema.columns.find((c) => c.name === column)?.kind ?? 'text';
  const k = q(column);
  return {
    sql: `SELECT max(${k})::text, min(${k})::text FROM ${q(step.table)}`,
    runs: 1,
    parameters: () => [],
    read(answers) {
      const row = answers[0]?.[0];
      const stored = {
        max: row?.[0] == null ? null : String(row[0]),
        min: row?.[1] == null ? null : String(row[1]),
      };
      // Past the new keys too: a row may move to the key just past the largest stored one.
      const { max, min } = withNewKeys(kind, stored, newKeyRange(step, column));
      const temps = temporaries(kind, step.count, max, min);
      // Unique in that column, so unique as keys whatever the other columns hold.
      return step.keys.map((old, j) => (j === through ? temps : old));
    },
  };
};
