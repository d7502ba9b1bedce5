/**
 * The rebuild worker: a worker thread that computes the pull tables, so that a
 * rebuild over millions of interactions never holds the collector's event loop.
 * The main thread streams it a site's rows in pages and asks for the tables; the
 * worker answers with both bodies and their ETags.
 *
 * This module runs as the worker when loaded by one started with {@link WORKER_DATA}:
 * the built collector (dist/collector.mjs) is its own worker script, so there is no
 * second file to ship or to find.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CooccurrenceOptions, Interaction } from '../src/recommend/cooccurrence';
import type { InteractionRow } from './event-store';
import { buildTables, toInteractions, type Tables } from './tables';

/** What a rebuild worker is started with. */
export interface RebuildWorkerData {
  attuneRebuildWorker: true;
  options: CooccurrenceOptions;
}

/** The marker a worker is started with, so this module knows to serve rebuilds. */
export const WORKER_DATA = (options: CooccurrenceOptions): RebuildWorkerData => ({ attuneRebuildWorker: true, options });

/** From the main thread: more rows of a job, or its end (with the clock's reading for popularity). */
export type ToWorker = { job: number; rows: InteractionRow[] } | { job: number; site: string; now: number };
/** To the main thread: a job's tables, or why they could not be built. */
export type FromWorker = { job: number; tables: Tables } | { job: number; error: string };

/** Serves rebuild jobs on `port` until it closes. Jobs are independent; rows of several may interleave. */
export function serveRebuilds(port: MessagePort, options: CooccurrenceOptions): void {
  const jobs = new Map<number, Interaction[]>();
  port.on('message', (message: ToWorker) => {
    const list = jobs.get(message.job) ?? [];
    if ('rows' in message) {
      for (const i of toInteractions(message.rows)) list.push(i);
      jobs.set(message.job, list);
      return;
    }
    jobs.delete(message.job);
    let reply: FromWorker;
    try {
      reply = { job: message.job, tables: buildTables(message.site, list, options, message.now) };
    } catch (error) {
      reply = { job: message.job, error: (error as Error)?.stack ?? String(error) };
    }
    port.postMessage(reply);
  });
}

const data = workerData as Partial<RebuildWorkerData> | null;
if (!isMainThread && parentPort && data?.attuneRebuildWorker === true && data.options) serveRebuilds(parentPort, data.options);
