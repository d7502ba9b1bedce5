/**
 * Trigger signals and their webhooks, put together for the collector: the stored
 * catalog `PUT /v1/catalog` replaces, the detection loop and the webhook sender. The
 * trigger state they read is folded from stored events by the fold (server/fold-hooks.ts).
 */
import type { Db } from '../database';
import type { RepeatLog } from '../repeat-log';
import type { SiteRegistry } from '../sites';
import { startWebhookSender, type DeliveryOptions, type WebhookSender } from '../webhooks/deliver';
import { createWebhookQueue, type WebhookQueue } from '../webhooks/queue';
import { createBrowseStore } from './browse';
import { createCartStore } from './cart';
import { createCatalogStore, type CatalogStore } from './catalog';
import { createCatalogSignals } from './catalog-signals';
import { startDetection, type Detection } from './detect';
import { createPendingStore } from './pending';
import { createSignalRecorder } from './signal';
import { winBackDetector } from './winback';

/** Options of the collector's triggers (`startCollector({ triggers })`). */
export interface TriggerOptions {
  /** How often detection looks for signals that fell due, in ms (default 10 s). */
  intervalMs?: number;
  /** How webhooks are tried (server/webhooks/deliver.ts). */
  delivery?: Partial<DeliveryOptions>;
}

/** The running parts. */
export interface Triggers {
  catalog: CatalogStore;
  queue: WebhookQueue;
  detection: Detection;
  sender: WebhookSender;
  /** Runs detection now, then sends what it queued; resolves when nothing due is left. For tests and the benchmark. */
  runNow(): Promise<void>;
  close(): Promise<void>;
}

/** Prepares everything over a migrated database and starts the timers (unref'd: they never keep a process alive). */
export function startTriggers(db: Db, sites: SiteRegistry, clock: () => number, problem: RepeatLog, options: TriggerOptions = {}): Triggers {
  const pending = createPendingStore(db);
  const catalog = createCatalogStore(db);
  const carts = createCartStore(db, catalog);
  const browse = createBrowseStore(db, catalog);
  const queue = createWebhookQueue(db);
  const record = createSignalRecorder(db, sites, queue);
  const sender = startWebhookSender(queue, sites, clock, problem, options.delivery);
  // The sender looks at the queue after the current task (so after the page's transaction
  // commits) instead of at its next poll.
  const recordAndKick: typeof record = (signal, now) => {
    const fresh = record(signal, now);
    if (fresh) sender.kick();
    return fresh;
  };
  const detection = startDetection(
    {
      db, sites, pending, clock, problem,
      detectors: [carts.detector, browse.detector, winBackDetector],
      catalogStep: createCatalogSignals(db, catalog, recordAndKick),
      record: recordAndKick,
    },
    options.intervalMs ?? 10_000,
  );
  return {
    catalog,
    queue,
    detection,
    sender,
    async runNow() {
      await detection.run();
      await sender.idle();
    },
    async close() {
      await detection.close();
      await sender.close();
    },
  };
}
