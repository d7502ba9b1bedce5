// One PostgreSQL cluster for the whole test run (initdb and a start take seconds; a
// database per test file takes milliseconds). Test files reach it through
// `inject('postgres')` (see ./database.ts); null means PostgreSQL is not installed here.
import type { TestProject } from 'vitest/node';
import { missingPostgres, startCluster, type Cluster } from './cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's cluster, or null when PostgreSQL is missing outside CI. */
    postgres: { url: string; port: number } | null;
  }
}

let cluster: Cluster | undefined;

/** Starts the cluster, or, outside CI, says once why the PostgreSQL tests are skipped. */
export async function setup(project: TestProject): Promise<void> {
  const missing = missingPostgres();
  if (missing) {
    // CI must prove the PostgreSQL store works; a developer without it still runs everything else.
    if (process.env.CI === 'true') throw new Error(`CI=true and ${missing}: .ci/run installs it`);
    console.warn(`PostgreSQL tests skipped: ${missing}`);
    project.provide('postgres', null);
    return;
  }
  cluster = await startCluster();
  project.provide('postgres', { url: cluster.url(), port: cluster.port });
}

/** Stops the cluster and removes its folder. */
export function teardown(): void {
  cluster?.stop();
  cluster = undefined;
}
