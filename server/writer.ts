/**
 * The collector's side of the writer thread (server/writer-worker.ts): batches are
 * posted to it and answered when committed; a read of the aggregates settles its fold.
 * A writer that dies is started again for the next request; what it had not committed
 * was not acknowledged (the sender retries it), and what it had stored but not folded
 * is folded from the table by the next one.
 */
import { Worker } from 'node:worker_threads';
import { ensureFoldMark, registerFold, type AggregateFold } from './aggregate-fold';
import type { Db } from './database';
import type { BatchWriter, StoreResult } from './event-store';
import { toWire, WRITER_DATA, type FromWriter, type ToWriter, type WriterData } from './writer-worker';

/** Options of {@link startWriter}. */
export interface WriterOptions extends Omit<WriterData, 'attuneWriter'> {
  /** The module the thread runs: one that imports writer-worker.ts (the built collector itself by default). */
  workerUrl: URL;
  /** Where a writer that failed is reported (the requests in flight fail with it). */
  onError: (error: Error) => void;
}

/** The writer thread, as the collector's thread uses it. */
export interface Writer extends BatchWriter {
  /** The fold, which readers of the database settle on. */
  fold: AggregateFold;
  /** Recomputes a site's changed co-occurrence lists in the writer (server/cooc/keeper.ts). */
  refresh(site: string): Promise<void>;
}

/**
 * The writer's error as this thread's: its message (what the log keys repeated problems
 * by), its stack from the writer, and SQLITE_BUSY's code, which the route answers with 503.
 */
function errorOf({ message, stack }: { message: string; stack?: string }, busy: boolean): Error {
  const error = new Error(message);
  if (stack) error.stack = stack;
  return busy ? Object.assign(error, { code: 'SQLITE_BUSY' }) : error;
}

/** Starts the writer thread over the file `db` is open on (checked and migrated already). */
export function startWriter(db: Db, { workerUrl, onError, ...data }: WriterOptions): Writer {
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let closing: Promise<void> | undefined;
  // Made here, so that the writer's start takes no write lock (another process may hold it).
  ensureFoldMark(db);

  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerUrl, { workerData: WRITER_DATA(data) });
    w.on('message', (message: FromWriter) => {
      if ('problem' in message) return onError(errorOf(message.problem, false));
      const job = waiting.get(message.id);
      waiting.delete(message.id);
      if (!job) return;
      if ('error' in message) job.reject(errorOf(message.error, message.busy));
      else job.resolve(message.result);
    });
    w.on('error', (error: unknown) => {
      const failure = new Error(`the writer thread failed: ${(error as Error)?.message ?? error}`, { cause: error });
      onError(failure);
      failAll(failure);
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      failAll(new Error(closing ? 'the collector closed' : 'the writer thread stopped'));
    });
    return w;
  };
  worker = start();
  const ask = <T>(message: Omit<ToWriter, 'id'>): Promise<T> => {
    if (closing) return Promise.reject(new Error('the collector is closing'));
    const id = nextId++;
    worker ??= start();
    const w = worker;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      w.postMessage({ id, ...message } as ToWriter);
    });
  };

  const fold: AggregateFold = {
    settle: () => ask<void>({ settle: true }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        const w = worker;
        if (!w) return resolve();
        const id = nextId++;
        w.once('exit', () => resolve());
        waiting.set(id, { resolve: () => void w.terminate(), reject: () => void w.terminate() });
        w.postMessage({ id, stop: true } satisfies ToWriter);
      });
      return closing;
    },
  };
  registerFold(db, fold);
  return {
    fold,
    refresh: (site) => ask<void>({ refresh: site }),
    storeBatch: (events, receivedAt, erasureKey) => ask<StoreResult>({ store: { events: events.map(toWire), receivedAt, erasureKey } }),
  };
}
