// Shared set-up of the trigger and webhook tests: a collector from the TypeScript
// source on a fresh SQLite file, serving one site with a write key, the admin token
// and a fake clock; a real HTTP receiver on 127.0.0.1; events posted with the key.
import Database from 'better-sqlite3';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorOptions, type RunningCollector } from '../../../server';
import { workerModule } from '../worker-module';

export const SITE = 'shop';
export const WRITE_KEY = 'wk_test_0123456789abcdef';
export const ADMIN = 'admin-token-0123456789';
export const SECRET = 'whsec_0123456789abcdefghijklmn';
/** 2024-05-01T12:00:00Z: the tests' time zero. */
export const T0 = Date.UTC(2024, 4, 1, 12);
export const MINUTE = 60_000;
export const DAY = 864e5;

/** A clock the test moves. */
export function fakeClock(start = T0) {
  let now = start;
  return { now: () => now, set: (t: number) => void (now = t), advance: (ms: number) => void (now += ms) };
}

/** A site's document for `startCollector({ sites })`. */
export function siteDocument(settings: Record<string, unknown> = {}) {
  return { sites: { [SITE]: { writeKeys: [WRITE_KEY], ...settings } } };
}

/** A temporary folder for SQLite files, removed by `remove()`. */
export async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'attune-triggers-'));
  return { file: (name = 'attune.sqlite') => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a collector on `db` with the site, the admin token and `clock`. */
export async function collectorFor(db: string, clock: () => number, settings: Record<string, unknown> = {}, extra: Partial<CollectorOptions> = {}): Promise<RunningCollector> {
  return startCollector({ port: 0, db, clock, workerModule: await workerModule(), adminToken: ADMIN, sites: siteDocument(settings), log: () => undefined, triggers: { intervalMs: 3600_000 }, ...extra });
}

let sequence = 0;

/** A track (or page / identify, by `type`) event of `visitor` at `time`. */
export function event(visitor: string, name: string | null, properties: Record<string, unknown>, time: number, extra: Record<string, unknown> = {}) {
  const e: Record<string, unknown> = {
    type: name === null ? 'page' : 'track',
    anonymousId: visitor,
    messageId: `m-${process.pid}-${++sequence}`,
    timestamp: new Date(time).toISOString(),
    properties,
    ...extra,
  };
  if (name !== null) e.event = name;
  return e;
}

/** Posts events with the site's write key (HTTP Basic, the key as user name). */
export async function post(collector: RunningCollector, events: unknown[]): Promise<void> {
  const response = await fetch(`${collector.url}/v1/batch?site=${SITE}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
    body: JSON.stringify({ batch: events }),
  });
  if (response.status !== 200) throw new Error(`batch answered ${response.status}: ${await response.text()}`);
}

/** Pushes a catalog with the admin token. */
export const putCatalog = (collector: RunningCollector, catalog: unknown, token = ADMIN) =>
  fetch(`${collector.url}/v1/catalog?site=${SITE}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(catalog),
  });

/** Signal events stored, oldest first, read through a separate connection. */
export function signals(db: string, name?: string): { event: string; anonymous_id: string; payload: Record<string, any> }[] {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(`SELECT event, anonymous_id, payload FROM events WHERE message_id LIKE 'sig-%' ${name ? 'AND event = ?' : ''} ORDER BY id`)
      .all(...(name ? [name] : [])) as { event: string; anonymous_id: string; payload: string }[];
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) }));
  } finally {
    conn.close();
  }
}

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering `status()`; it can go down and come back on the same port. */
export async function startReceiver(status: () => number = () => 200) {
  const received: Received[] = [];
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const code = status();
          if (code >= 200 && code < 300) received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(code).end();
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
  const port = await listen(0);
  return {
    received,
    url: `http://127.0.0.1:${port}/hooks/attune`,
    down: () => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())),
    up: () => listen(port).then(() => undefined),
  };
}

/** The webhook queue's rows (id, attempts), read through a separate connection. */
export function queued(db: string): { id: string; attempts: number }[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT id, attempts FROM webhook_deliveries ORDER BY id').all() as { id: string; attempts: number }[];
  } finally {
    conn.close();
  }
}

/** The report's signal counts (daily_counts) and the visitor-days on `day`, read through a separate connection. */
export function reportRows(db: string, day: number): { signals: number; activeThatDay: number } {
  const conn = new Database(db, { readonly: true });
  try {
    const signals = (conn.prepare("SELECT coalesce(sum(count), 0) AS n FROM daily_counts WHERE metric = 'signal'").get() as { n: number }).n;
    const activeThatDay = (conn.prepare('SELECT count(*) AS n FROM visitor_days WHERE day = ?').get(day) as { n: number }).n;
    return { signals, activeThatDay };
  } finally {
    conn.close();
  }
}
