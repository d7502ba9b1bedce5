/**
 * The rebuild worker: a worker thread that computes the pull tables, so that a
 * rebuild over millions of interactions never holds the collector's event loop.
 * It reads a site's interactions from the database file through its own read-only
 * connection (WAL lets it read while the main thread writes), or, for an in-memory
 * database, which only the main thread can see, is streamed them in pages; it
 * answers with both bodies and their ETags.
 *
 * This module runs as the worker when loaded by one started with {@link WORKER_DATA}:
 * the built collector (dist/collector.mjs) is its own worker script, so there is no
 * second file to ship or to find.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CooccurrenceOptions, Interaction } from '../src/recommend/cooccurrence';
import type { InteractionRow } from './event-store';
import { buildTables, toInteraction, type Tables } from './tables';

/** What a rebuild worker is started with. */
export interface RebuildWorkerData {
  attuneRebuildWorker: true;
  options: CooccurrenceOptions;
}

/** The marker a worker is started with, so this module knows to serve rebuilds. */
export const WORKER_DATA = (options: CooccurrenceOptions): RebuildWorkerData => ({ attuneRebuildWorker: true, options });

/**
 * From the main thread: more rows of a job, or its end, with the clock's reading for
 * popularity and, for a database file, where to read the site's rows up to `upTo`.
 */
export type ToWorker = { job: number; rows: InteractionRow[] } | { job: number; site: string; now: number; read?: { file: string; upTo: number } };
/** To the main thread: a job's tables, or why they could not be built. */
export type FromWorker = { job: number; tables: Tables } | { job: number; error: string };

/** Serves rebuild jobs on `port` until it closes. Jobs are independent; rows of several may interleave. */
export function serveRebuilds(port: MessagePort, options: CooccurrenceOptions): void {
  const jobs = new Map<number, Interaction[]>();
  // One read-only connection per file, opened on first use and kept: the collector has one file.
  const connections = new Map<string, Database.Database>();
  const readRows = (file: string, site: string, upTo: number, into: Interaction[]) => {
    let db = connections.get(file);
    if (!db) connections.set(file, (db = new Database(file, { readonly: true, fileMustExist: true })));
    const rows = db
      .prepare<[string, number]>('SELECT kind, product_id, visitor, time, order_id FROM interactions WHERE site = ? AND rowid <= ? ORDER BY rowid')
      .raw(true);
    // Row by row, so the rows are never held twice (as arrays and as interactions).
    for (const row of rows.iterate(site, upTo)) into.push(toInteraction(row as InteractionRow));
  };
  port.on('message', (message: ToWorker) => {
    const list = jobs.get(message.job) ?? [];
    if ('rows' in message) {
      for (const row of message.rows) list.push(toInteraction(row));
      jobs.set(message.job, list);
      return;
    }
    jobs.delete(message.job);
    let reply: FromWorker;
    try {
      if (message.read) readRows(message.read.file, message.site, message.read.upTo, list);
      reply = { job: message.job, tables: buildTables(message.site, list, options, message.now) };
    } catch (error) {
      reply = { job: message.job, error: (error as Error)?.stack ?? String(error) };
    }
    port.postMessage(reply);
  });
}

const data = workerData as Partial<RebuildWorkerData> | null;
if (!isMainThread && parentPort && data?.attuneRebuildWorker === true && data.options) serveRebuilds(parentPort, data.options);
