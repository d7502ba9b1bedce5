import Database from 'better-sqlite3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorOptions, type RunningCollector } from '../../server';
import { workerModule } from './worker-module';

/** A collector on 127.0.0.1, a random port and a fresh SQLite file; `stop` removes everything. */
export interface TestCollector extends RunningCollector {
  dir: string;
  dbFile: string;
  /** Rows in a table, read through a separate read-only connection (WAL allows it while the server writes). */
  count(table?: string, where?: string): number;
  post(body: unknown, init?: { path?: string; contentType?: string; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestCollector(options: Omit<CollectorOptions, 'db' | 'port'> & { config?: unknown } = {}): Promise<TestCollector> {
  const dir = await mkdtemp(join(tmpdir(), 'attune-collector-'));
  const dbFile = join(dir, 'attune.sqlite');
  let configFile = options.configFile;
  if (options.config !== undefined) {
    configFile = join(dir, 'site-config.json');
    await writeFile(configFile, JSON.stringify(options.config));
  }
  const log = options.log ?? (() => undefined);
  // Pulls wait for their rebuild (no stale table served) unless a test says otherwise, so
  // a table read right after a batch reflects it however loaded the machine is.
  const collector = await startCollector({ rebuildWaitMs: 60_000, workerModule: await workerModule(), ...options, configFile, log, port: 0, db: dbFile });
  return {
    ...collector,
    dir,
    dbFile,
    count(table = 'events', where = '1') {
      const db = new Database(dbFile, { readonly: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
    post(body, { path = '/v1/batch', contentType = 'application/json', headers = {} } = {}) {
      return fetch(collector.url + path, {
        method: 'POST',
        headers: { 'Content-Type': contentType, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async stop() {
      await collector.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;

/** A valid track event in the SDK's shape; `overrides` replace fields (undefined removes one). */
export function trackEvent(event: string, properties: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  sequence++;
  const e: Record<string, unknown> = {
    type: 'track',
    event,
    properties,
    anonymousId: 'anon-1',
    messageId: `msg-${process.pid}-${sequence}-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, sequence % 60)).toISOString(),
    context: {
      page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' },
      locale: 'en-GB',
      timezone: 'Europe/London',
      userAgent: 'test',
      screen: { width: 1280, height: 800, density: 2 },
      library: { name: 'attune', version: '0.1.0' },
    },
    ...overrides,
  };
  for (const key of Object.keys(e)) if (e[key] === undefined) delete e[key];
  return e;
}

/** `{ batch, sentAt }` as the SDK posts it. */
export const batchOf = (events: unknown[], extra: Record<string, unknown> = {}) => ({
  batch: events,
  sentAt: new Date().toISOString(),
  ...extra,
});
