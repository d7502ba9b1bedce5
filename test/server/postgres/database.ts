// A fresh database per test file on the run's cluster (./global-setup.ts), dropped after it.
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';

/** The run's cluster, or null when PostgreSQL tests are skipped. */
export const postgres = inject('postgres');

/** `describe`, skipped (with the reason printed once by the global setup) when PostgreSQL is missing. */
export const describePostgres = describe.skipIf(postgres === null);

const created: string[] = [];

// Registered once per test file (each file imports this module afresh): every database it made goes.
afterAll(async () => {
  for (const name of created.splice(0)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/**
 * Creates an empty database and returns its connection string; every database a file
 * creates is dropped after all of the file's tests (connections still open are ended by FORCE).
 */
export async function freshDatabase(): Promise<string> {
  if (!postgres) throw new Error('PostgreSQL is not available (describePostgres skips this test)');
  const name = `attune_${process.pid}_${Date.now().toString(36)}_${created.length + 1}`;
  await admin(`CREATE DATABASE ${name}`);
  created.push(name);
  return postgres.url.replace(/\/[^/]*$/, `/${name}`);
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client(postgres!.url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
