/**
 * Rebuilding a site's pull tables off the event loop, in a worker thread that runs
 * the shared pure functions (`cooccurrence`, `popularity`) and sends back the
 * serialised tables. For a database file the worker reads the interactions itself;
 * an in-memory database only this thread can read, so it reads the site's
 * interactions in pages, yielding between them, and streams them to the worker.
 * Either way a request never waits behind a rebuild: the loop does at most one page's
 * worth of reading at a time.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { CooccurrenceOptions } from '../src/recommend/cooccurrence';
import type { EventStore } from './event-store';
import { WORKER_DATA, type FromWorker, type ToWorker } from './rebuild-worker';
import { buildTables, type Tables } from './tables';

/** Builds a site's tables for a version of its interactions. */
export interface Rebuilder {
  /** The tables of `site` from its interactions up to `version` (see `EventStore.productsVersion`). */
  rebuild(site: string, version: number): Promise<Tables>;
  /** Stops the worker; rebuilds in progress are rejected. */
  close(): Promise<void>;
}

/** Options of {@link createRebuilder}. */
export interface RebuilderOptions {
  store: EventStore;
  /** The database file, which the worker reads itself; undefined for an in-memory database. */
  file: string | undefined;
  options: CooccurrenceOptions;
  /** The module the worker runs: one that imports rebuild-worker.ts (by default the built collector itself). */
  workerUrl: URL;
  clock: () => number;
  /** Rows read per turn of the event loop (default 2,000: a few milliseconds). */
  pageSize?: number;
  /** Rebuilds run at once (default 2); more wait, so the worker's memory stays bounded. */
  concurrency?: number;
}

/** Creates a rebuilder; its worker starts with the first rebuild and restarts after a crash. */
export function createRebuilder({ store, file, options, workerUrl, clock, pageSize = 2000, concurrency = 2 }: RebuilderOptions): Rebuilder {
  let worker: Worker | undefined;
  let nextJob = 1;
  const waiting = new Map<number, { resolve: (tables: Tables) => void; reject: (error: Error) => void }>();
  let running = 0;
  const queue: (() => void)[] = [];

  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerUrl, { workerData: WORKER_DATA(options) });
    w.on('message', (message: FromWorker) => {
      const job = waiting.get(message.job);
      waiting.delete(message.job);
      if ('tables' in message) job?.resolve(message.tables);
      else job?.reject(new Error(`rebuild failed in the worker: ${message.error}`));
    });
    w.on('error', (error: Error) => failAll(new Error(`rebuild worker failed: ${error.message}`, { cause: error })));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`rebuild worker exited with code ${code}`));
    });
    // Idle, the worker must not keep the process alive; the server does that.
    w.unref();
    return w;
  };
  const post = (message: ToWorker) => (worker ??= start()).postMessage(message);

  // Waits for a free slot; at most `concurrency` rebuilds stream rows at once.
  const slot = async () => {
    if (running >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    queue.shift()?.();
  };

  return {
    async rebuild(site, version) {
      // A site without interactions (any made-up ?site=) costs no worker round trip.
      if (version === 0) return buildTables(site, [], options, clock());
      await slot();
      try {
        const job = nextJob++;
        const done = new Promise<Tables>((resolve, reject) => waiting.set(job, { resolve, reject }));
        // Caught here and rethrown below, so a crash while rows are still streaming is not unhandled.
        done.catch(() => undefined);
        if (file !== undefined) {
          post({ job, site, now: clock(), read: { file, upTo: version } });
          return await done;
        }
        for (let after = 0; after < version; ) {
          const page = store.interactionPage(site, after, version, pageSize);
          if (!page.rows.length) break;
          post({ job, rows: page.rows });
          after = page.last;
          // Let requests in between pages: this is what keeps /healthz answering during a rebuild.
          await nextTurn();
          if (!waiting.has(job)) break;
        }
        if (waiting.has(job)) post({ job, site, now: clock() });
        return await done;
      } finally {
        release();
      }
    },
    async close() {
      const w = worker;
      worker = undefined;
      failAll(new Error('the collector is closing'));
      if (w) await w.terminate();
    },
  };
}
