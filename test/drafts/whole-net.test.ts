import { describe, expect, test } from 'vitest';
import { SaveSuperseded } from '../../src/drafts/save-superseded';
import { wholeNetParts } from '../../src/drafts/whole-net';
import { fresh } from './draft-fixtures';

describe("a whole save's records of net changes", () => {
  test('name every changed row once, a few rows a record, in the order rowChanges reports them', () => {
    const t = fresh();
    t.assign('n', (d: Record<string, unknown>) => (d['n'] as number) + 100);
    const parts = [...wholeNetParts(t.state, 2)];
    const rows = parts.flatMap((p) => [...p.net!.rows]);
    expect(parts.every((p) => p.net!.rows.length <= 2 && p.events === '')).toBe(true);
    expect(rows.length).toBe(t.changeCounts().updates);
    expect(new Set(rows).size).toBe(rows.length);
  });

  test('stop with SaveSuperseded when the stored rows change before the last record is made', () => {
    const t = fresh();
    t.assign('n', (d: Record<string, unknown>) => (d['n'] as number) + 100);
    const parts = wholeNetParts(t.state, 1);
    expect(parts.next().done).toBe(false);
    // What a push or a refresh landing between two slices of the save does to the stored rows.
    t.state.store.kill(0);
    expect(() => parts.next()).toThrow(SaveSuperseded);
  });
});
