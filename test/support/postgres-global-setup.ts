import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The connection string of the run's throwaway PostgreSQL cluster. */
    postgresUrl: string;
  }
}

/**
 * The `postgres` test project's global setup: one throwaway cluster for the run, its connection
 * string given to the tests (`inject('postgresUrl')`), stopped and removed when the run ends.
 * A machine without PostgreSQL fails here: these tests are never skipped.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
