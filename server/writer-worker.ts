/**
 * The writer: a worker thread that owns the collector's hot writes to a database file,
 * storing each accepted batch and folding the stored events into the aggregates
 * (aggregate-fold.ts), over its own connection. The collector's thread keeps the HTTP,
 * the validation and the reads, so on a machine with two cores or more the two halves
 * of ingest run side by side, and the fold never holds the event loop.
 *
 * One thread writes the batches and folds them, so the two never wait on each other's
 * write lock (SQLite has one writer per file). The collector's other writes (erasure,
 * trigger detection, the catalog, retention) are rare and take the lock as any other
 * connection would.
 *
 * This module runs as the worker when loaded by one started with {@link WRITER_DATA}; the
 * built collector is its own worker script. It also keeps co-occurrence (server/cooc/keeper.ts):
 * its fold hook, the refresh of changed lists, and the rebuild of sites marked at start,
 * which runs before the first batch is taken.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { startFoldInThread } from './aggregate-fold';
import { createConfigSource } from './config-source';
import { COLLECTOR_COOCCURRENCE } from './cooccurrence-cache';
import { createCoocKeeper } from './cooc/keeper';
import { coocSettings } from './cooc/options';
import { configureDatabase, isBusy } from './database';
import { createBatchWriter, type ErasureKeyOfBatch } from './event-store';
import { placementRules } from './exposure-rules';
import { createFoldApply } from './fold-hooks';
import { loadSites, openSites, sitesFrom } from './sites';
import { isObject, type ValidEvent } from './validate-event';

/** What the writer needs from the collector's options to fold as the collector would. */
export interface WriterData {
  attuneWriter: true;
  file: string;
  busyTimeoutMs: number;
  /** The config file, for the placements' attribution rules. */
  configFile?: string;
  /** The sites file's path or document; absent: every site open, as `origins` allow. */
  sites?: string | object;
  origins: readonly string[];
  maxSites: number;
}

/** The marker a worker is started with, so this module knows to write. */
export const WRITER_DATA = (data: Omit<WriterData, 'attuneWriter'>): WriterData => ({ attuneWriter: true, ...data });

/**
 * An accepted event as posted to the writer: its fields without the parsed properties,
 * which the writer takes from the payload again. Copying strings between threads is a
 * copy of bytes; copying the properties' objects cost the collector's thread more than
 * validating them.
 */
export type EventOnWire = [site: string, type: ValidEvent['type'], event: string | null, messageId: string, timestamp: string, time: number, anonymousId: string | null, userId: string | null, payload: string];

/** An event as posted to the writer. */
export const toWire = (e: ValidEvent): EventOnWire => [e.site, e.type, e.event, e.messageId, e.timestamp, e.time, e.anonymousId, e.userId, e.payload];

/** The event the collector's thread accepted, from what it posted. */
export function fromWire([site, type, event, messageId, timestamp, time, anonymousId, userId, payload]: EventOnWire): ValidEvent {
  const { properties } = JSON.parse(payload) as { properties?: unknown };
  return { site, type, event, messageId, timestamp, time, anonymousId, userId, properties: isObject(properties) ? properties : {}, payload };
}

/** From the collector's thread: store a batch; fold everything stored; refresh a site's co-occurrence lists; or stop. */
export type ToWriter =
  | { id: number; store: { events: EventOnWire[]; receivedAt: number; erasureKey?: ErasureKeyOfBatch } }
  | { id: number; settle: true }
  | { id: number; refresh: string }
  | { id: number; stop: true };
/** To the collector's thread: a request's answer, or its failure (`busy` for SQLITE_BUSY), or a background refresh's failure (`problem`). */
export type FromWriter =
  | { id: number; result?: unknown }
  | { id: number; error: { message: string; stack?: string }; busy: boolean }
  | { problem: { message: string; stack?: string } };

/** Serves the collector's writes on `port` until told to stop. */
export function serveWrites(port: MessagePort, data: WriterData): void {
  const db = new Database(data.file, { fileMustExist: true });
  // The collector's thread opened the file first (checked, migrated, in WAL): nothing here takes the write lock.
  configureDatabase(db, data.busyTimeoutMs, true);
  // The collector's thread reports config problems; this copy stays quiet.
  const config = data.configFile === undefined ? undefined : createConfigSource(data.configFile, () => undefined, data.maxSites);
  const sites = data.sites === undefined ? openSites(data.origins) : typeof data.sites === 'string' ? loadSites(data.sites) : sitesFrom(data.sites);
  const cooc = createCoocKeeper(db, coocSettings(COLLECTOR_COOCCURRENCE), (site, error) => {
    const { message = String(error), stack } = (error ?? {}) as Partial<Error>;
    port.postMessage({ problem: { message: `refreshing the co-occurrence lists of site ${site}: ${message}`, stack } } satisfies FromWriter);
  });
  const fold = startFoldInThread(db, createFoldApply(db, { rulesOf: placementRules(config), sites, cooc }));
  const writer = createBatchWriter(db, data.busyTimeoutMs, fold.queue);

  const answer = (id: number, work: () => Promise<unknown>) =>
    work().then(
      (result) => port.postMessage({ id, result } satisfies FromWriter),
      (error: unknown) => {
        const { message = String(error), stack } = (error ?? {}) as Partial<Error>;
        port.postMessage({ id, error: { message, stack }, busy: isBusy(error) } satisfies FromWriter);
      },
    );
  // The rebuild of marked sites waits for a fold that got through (another process may hold
  // the lock at start); it runs in the turn the settle ends in, before any other message.
  let replayed = false;
  const settleThenReplay = () =>
    fold.settle().then(() => {
      if (replayed) return;
      replayed = true;
      cooc.replayMarked();
    });
  const serve = () =>
    port.on('message', (message: ToWriter) => {
      if ('store' in message) void answer(message.id, () => writer.storeBatch(message.store.events.map(fromWire), message.store.receivedAt, message.store.erasureKey));
      else if ('settle' in message) void answer(message.id, settleThenReplay);
      else if ('refresh' in message) void answer(message.id, () => cooc.refresh(message.refresh));
      else {
        void answer(message.id, async () => {
          await fold.settle().catch(() => undefined);
          await fold.close();
          cooc.close();
          db.close();
        }).then(() => port.close());
      }
    });
  // Messages wait on the port until it is served: the rebuild sees every stored event folded and none queued.
  settleThenReplay().then(serve, (error: unknown) => {
    const { message = String(error), stack } = (error ?? {}) as Partial<Error>;
    // Busy: the next read's settle rebuilds. Anything else is reported, and the writer serves on.
    if (!isBusy(error)) port.postMessage({ problem: { message: `rebuilding co-occurrence failed: ${message}`, stack } } satisfies FromWriter);
    serve();
  });
}

const data = workerData as Partial<WriterData> | null;
if (!isMainThread && parentPort && data?.attuneWriter === true && typeof data.file === 'string') serveWrites(parentPort, data as WriterData);
