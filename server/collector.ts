/**
 * `startCollector`: the bundled backend as one function, for the command line,
 * the tests, the demo and the benchmark.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminGuard } from './admin';
import { startFoldInThread, type AggregateFold } from './aggregate-fold';
import { createConfigSource } from './config-source';
import { DEFAULT_CONNECTION_LIMITS, guardConnections, serverOptions, type ConnectionLimits } from './connections';
import { COLLECTOR_COOCCURRENCE } from './cooccurrence-cache';
import { createCoocKeeper, type CoocKeeper } from './cooc/keeper';
import { createCoocService } from './cooc/service';
import { createCors, DEMO_ORIGIN } from './cors';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase } from './database';
import { createVisitorLookup } from './erasure/lookup';
import { createErasureStore } from './erasure/store';
import { createBatchWriter, createEventStore, type BatchWriter } from './event-store';
import { placementRules } from './exposure-rules';
import { createFoldApply } from './fold-hooks';
import { createRetention, type RetentionResult } from './retention';
import { createRepeatLog } from './repeat-log';
import { loadSites, openSites, sitesFrom } from './sites';
import { createWriteLimiter, type RateLimits } from './rate-limit';
import { createReportReader } from './report-store';
import { createRouter } from './router';
import { createTableCache } from './site-cache';
import { startTriggers, type TriggerOptions } from './triggers/service';
import { startWriter } from './writer';

/** Options of {@link startCollector}. */
export interface CollectorOptions extends Partial<ConnectionLimits> {
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
  /** How often repeated problems are summarised in the log, in ms (default 60 s): each is logged in full once, then counted. */
  repeatedLogWindowMs?: number;
  /** The clock, in ms since the epoch, that timestamps are judged against and popularity decays to at the latest. Default `Date.now`; tests fix it. */
  clock?: () => number;
  /** How long a write waits for another process's write lock before answering 503, in ms (default 100). */
  busyTimeoutMs?: number;
  /** Sites whose tables and configs are held in memory at most (default 1,000; least recently used dropped first). */
  maxSites?: number;
  /** How long a pull waits for its site's changed lists to be recomputed before serving the last table, in ms (default 200). */
  rebuildWaitMs?: number;
  /**
   * The module the writer thread runs for a database file: one that imports
   * server/writer-worker.ts.
   * Default: the built collector (dist/collector.mjs) itself. Running from the
   * TypeScript source (the tests), give a built one.
   */
  workerModule?: URL;
  /**
   * The admin token that guards `GET /v1/report` and the dashboard (at least 16
   * characters). Default: the `ATTUNE_ADMIN_TOKEN` environment variable; without
   * either, both are off and say how to turn them on.
   */
  adminToken?: string;
  /**
   * How often raw events past their site's `retainDays` are deleted, in ms (default one
   * hour; see server/retention.ts); 0 turns the timer off (a test sweeps with
   * `sweepRetention()`).
   */
  retentionIntervalMs?: number;
  /**
   * The sites served: a sites file's path, or its parsed document (see server/sites.ts).
   * Without it every site exists and writes need no key, which is logged at start:
   * for development and tests only. The command line always asks for sites.
   */
  sites?: string | object;
  /** Trigger detection's interval and webhook retries (server/triggers/service.ts); the defaults suit production. */
  triggers?: TriggerOptions;
  /**
   * Rate limits on `POST /v1/batch` (see server/rate-limit.ts), each part defaulted, or
   * `false` for none. Default: the defaults with `sites`, none without (the open
   * development mode, whose tests post thousands of events as one visitor).
   */
  rateLimits?: Partial<RateLimits> | false;
}

/** A running collector. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /** Runs trigger detection now and waits until the webhooks it queued and any due are tried (tests, benchmarks). */
  runTriggers(): Promise<void>;
  /** How many sites the per-site caches hold (the largest of them): never more than `maxSites`. */
  heldSites(): number;
  /** Deletes what is past retention now (the timer does the same): what it deleted. */
  sweepRetention(): Promise<RetentionResult>;
  /** Stops accepting requests, lets those in flight finish (up to a second), then closes the database. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 1000;

/**
 * Opens the database (refusing a corrupt one), then listens. Resolves once the port
 * is bound; rejects (closing the database again) if it cannot be, e.g. when the port
 * is taken.
 *
 * @example const c = await startCollector({ port: 0, db: ':memory:' }); … await c.close();
 */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const { port = 8787, host = '127.0.0.1', db: file = ':memory:', configFile, origins = [DEMO_ORIGIN], clock = Date.now } = options;
  const { busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS, maxSites = 1000 } = options;
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS };
  for (const key of Object.keys(limits) as (keyof ConnectionLimits)[]) limits[key] = options[key] ?? limits[key];
  const log = options.log ?? ((message: string) => process.stderr.write(`attune-collector: ${message}\n`));
  // The config is read before anything opens, so a bad file fails the start, not the first request.
  const config = configFile === undefined ? undefined : createConfigSource(configFile, log, maxSites);
  const sites =
    options.sites === undefined ? openSites(origins) : typeof options.sites === 'string' ? loadSites(options.sites) : sitesFrom(options.sites);
  if (sites.open && options.log === undefined) log('no sites given: every site accepts writes without a key (development only; pass --sites)');
  const admin = createAdminGuard(options.adminToken ?? (process.env.ATTUNE_ADMIN_TOKEN || undefined), clock);
  const db = openDatabase(file, busyTimeoutMs);
  const problem = createRepeatLog(log, { windowMs: options.repeatedLogWindowMs });
  const triggers = startTriggers(db, sites, clock, problem, options.triggers);
  const workerUrl = options.workerModule ?? new URL(import.meta.url);
  // Marks the sites whose co-occurrence is rebuilt, before anything folds. Lists are
  // refreshed where the fold runs (the writer is set below, before any pull).
  const cooc = createCoocService(db, COLLECTOR_COOCCURRENCE, clock, (site) => writer.refresh(site), maxSites);
  // An in-memory database only this thread can see; a file's batches are written and folded by the writer thread.
  let fold: AggregateFold;
  let writer: BatchWriter & { refresh(site: string): Promise<void> };
  let keeper: CoocKeeper | undefined;
  if (file === ':memory:') {
    keeper = createCoocKeeper(db, cooc.settings, (site, error) =>
      problem(`co-occurrence refresh failed: ${(error as Error)?.message}`, `refreshing the co-occurrence lists of site ${site} failed: ${(error as Error)?.stack ?? error}`),
    );
    const inThread = startFoldInThread(db, createFoldApply(db, { rulesOf: placementRules(config), sites, cooc: keeper }));
    [fold, writer] = [inThread, { ...createBatchWriter(db, busyTimeoutMs, inThread.queue), refresh: keeper.refresh }];
    // An in-memory database starts empty, so no site is marked for a rebuild.
  } else {
    const onError = (error: Error) => problem(`writer failed: ${error.message.split('\n')[0]}`, error.stack ?? error.message);
    ({ fold, ...writer } = startWriter(db, { workerUrl, file, busyTimeoutMs, configFile, sites: options.sites, origins, maxSites, onError }));
  }
  const store = createEventStore(db, writer);
  const tables = createTableCache({
    version: cooc.version,
    rebuild: cooc.tables,
    maxSites,
    waitMs: options.rebuildWaitMs,
    onError: (site, error) => problem(`rebuild failed: ${(error as Error)?.message}`, `rebuilding the tables of site ${site} failed: ${(error as Error)?.stack ?? error}`),
  });
  const { rateLimits = sites.open ? false : {} } = options;
  const limiter = rateLimits === false ? undefined : createWriteLimiter(rateLimits);
  const retention = createRetention({
    db,
    sites,
    clock,
    intervalMs: options.retentionIntervalMs,
    onError: (error) => problem(`retention sweep failed: ${(error as Error)?.message}`, `retention sweep failed: ${(error as Error)?.stack ?? error}`),
  });
  const [erasure, visitors] = [createErasureStore(db), createVisitorLookup(db)];
  const router = createRouter({ store, config, tables, admin, sites, triggers, erasure, visitors, limiter, report: createReportReader(db), problem, clock, bodyTimeoutMs: limits.bodyTimeoutMs }, createCors(origins, sites));
  const server = createServer(serverOptions(limits));
  server.on('request', guardConnections(server, limits, router, problem));
  const shutdown = async () => {
    await triggers.close();
    await Promise.all([retention.close(), fold.close()]);
    keeper?.close();
    problem.close();
    // Closing checkpoints the WAL into the main file.
    db.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await shutdown();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostInUrl}:${bound}`,
    port: bound,
    runTriggers: () => triggers.runNow(),
    heldSites: () => Math.max(tables.size, config?.size ?? 0),
    sweepRetention: retention.sweep,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          void shutdown().then(resolve);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
