// The real collector (the built dist/collector.mjs) for end-to-end tests: started on
// 127.0.0.1 on a free port and a fresh SQLite file, closed after the file's tests.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { CollectorOptions, RunningCollector } from '../../server';

const COLLECTOR = fileURLToPath(new URL('../../dist/collector.mjs', import.meta.url));

/** A running collector and the SQLite file it writes. */
export type E2ECollector = RunningCollector & { dbFile: string };

/** One stored event, as the collector keeps it. */
export interface StoredRow {
  message_id: string;
  event: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  payload: string;
}

/** Registers the set-up and tear-down; returns a function that starts a collector for the given origins. */
export function useCollector(): (origins: string[], options?: Partial<CollectorOptions>) => Promise<E2ECollector> {
  let start: (options: CollectorOptions) => Promise<RunningCollector>;
  let tmp = '';
  let count = 0;
  const running = new Set<RunningCollector>();
  beforeAll(async () => {
    if (!existsSync(COLLECTOR)) throw new Error(`${COLLECTOR} missing: run \`npm run build\` first.`);
    ({ startCollector: start } = (await import(pathToFileURL(COLLECTOR).href)) as typeof import('../../server'));
    tmp = await mkdtemp(join(tmpdir(), 'attune-e2e-collector-'));
  });
  afterAll(async () => {
    await Promise.all([...running].map((c) => c.close().catch(() => undefined)));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  return async (origins, options = {}) => {
    const dbFile = join(tmp, `collector-${++count}.sqlite`);
    const collector = await start({ port: 0, host: '127.0.0.1', db: dbFile, origins, log: () => undefined, ...options });
    running.add(collector);
    return { ...collector, dbFile };
  };
}

/** Every event stored for `site`, read through a separate read-only connection (WAL allows it while the collector writes). */
export function storedRows(dbFile: string, site: string): StoredRow[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT message_id, event, anonymous_id, user_id, payload FROM events WHERE site = ? ORDER BY id').all(site) as StoredRow[];
  } finally {
    db.close();
  }
}
