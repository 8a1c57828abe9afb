import { expect, test } from 'vitest';
import { SYNC_STORAGE_KEY, syncSettings } from '../../demo/sync-settings';

const storage = (saved: Record<string, string>) => ({
  getItem: (key: string) => saved[key] ?? null,
});

test('the address wins over what the Sync dialog saved, and names the tables when it lists them', () => {
  const saved = storage({
    [SYNC_STORAGE_KEY]: JSON.stringify({ url: 'ws://saved/sync', token: 's', tables: '' }),
  });
  expect(syncSettings('?sync=ws://127.0.0.1:8787/sync&token=demo', saved)).toEqual({
    url: 'ws://127.0.0.1:8787/sync',
    token: 'demo',
  });
  expect(syncSettings('?sync=wss://x/sync&token=t&tables=a,%20b,', saved)).toEqual({
    url: 'wss://x/sync',
    token: 't',
    tables: ['a', 'b'],
  });
  expect(syncSettings('', saved)).toEqual({ url: 'ws://saved/sync', token: 's' });
});

test('no server, a URL that is not a WebSocket one, no token, or unreadable saved text: no sync', () => {
  expect(syncSettings('', storage({}))).toBeNull();
  expect(syncSettings('?db=x', null)).toBeNull();
  expect(syncSettings('?sync=http://x/sync&token=t', null)).toBeNull();
  expect(syncSettings('?sync=ws://x/sync', null)).toBeNull();
  expect(syncSettings('', storage({ [SYNC_STORAGE_KEY]: '{not json' }))).toBeNull();
});
