import { expect, test } from 'vitest';
import { freshPostgresDatabase } from '../support/postgres-database';

test('runs queries on the throwaway cluster, on loopback', async () => {
  const client = await freshPostgresDatabase();
  try {
    const { rows } = await client.query<{ version: string; address: string }>(
      'SELECT version() AS version, inet_server_addr()::text AS address',
    );
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
    expect(rows[0]?.address).toBe('127.0.0.1/32');
  } finally {
    await client.end();
  }
});
