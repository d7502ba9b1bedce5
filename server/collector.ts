/**
 * `startCollector`: the bundled backend as one function, for the command line,
 * the tests, the demo and the benchmark.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConfigSource } from './config-source';
import { createCooccurrenceCache } from './cooccurrence-cache';
import { createCors, DEMO_ORIGIN } from './cors';
import { openDatabase } from './database';
import { createEventStore } from './event-store';
import { createPopularCache } from './popular-cache';
import { createRouter } from './router';

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** TCP port; 0 picks a free one (tests). Default 8787. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1: reachable from this machine only, until you mean otherwise. */
  host?: string;
  /** SQLite file, created if missing; `":memory:"` for a throwaway database. Default `":memory:"`. */
  db?: string;
  /** JSON file served by `GET /v1/config`; without one that endpoint answers 404. */
  configFile?: string;
  /** Web origins allowed to call from a browser (`"*"` for any). Default: the demo origin. */
  origins?: readonly string[];
  /** Where problems are reported (a failed request, a broken config edit). Default: stderr. */
  log?: (message: string) => void;
  /** The clock, in ms since the epoch, that timestamps are judged against and popularity decays to at the latest. Default `Date.now`; tests fix it. */
  clock?: () => number;
}

/** A running collector. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /** Stops accepting requests, lets those in flight finish (up to a second), then closes the database. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1000;

/**
 * Opens the database, then listens. Resolves once the port is bound; rejects
 * (closing the database again) if it cannot be, e.g. when the port is taken.
 *
 * @example const c = await startCollector({ port: 0, db: ':memory:' }); … await c.close();
 */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const { port = 8787, host = '127.0.0.1', db: file = ':memory:', configFile, origins = [DEMO_ORIGIN], clock = Date.now } = options;
  const log = options.log ?? ((message: string) => process.stderr.write(`attune-collector: ${message}\n`));
  // The config is read before anything opens, so a bad file fails the start, not the first request.
  const config = configFile === undefined ? undefined : createConfigSource(configFile, log);
  const db = openDatabase(file);
  const store = createEventStore(db);
  const router = createRouter(
    { store, config, cooccurrence: createCooccurrenceCache(store), popular: createPopularCache(store, clock), log, clock },
    createCors(origins),
  );
  const server = createServer(router);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostInUrl}:${bound}`,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          // Closing checkpoints the WAL into the main file.
          db.close();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
