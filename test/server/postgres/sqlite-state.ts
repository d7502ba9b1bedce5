// State for the conformance tests: events from the fold tests' seeded generator, stored
// and folded by the real SQLite collector path (the in-thread fold with every hook), in a
// database left open for the test to read and copy (./copy-from-sqlite.ts).
import fc from 'fast-check';
import { startFoldInThread } from '../../../server/aggregate-fold';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import { createCoocIngest } from '../../../server/cooc/ingest';
import type { CoocKeeper } from '../../../server/cooc/keeper';
import { coocSettings, type CoocSettings } from '../../../server/cooc/options';
import { createRefresher } from '../../../server/cooc/refresh';
import { openDatabase, type Db } from '../../../server/database';
import { createBatchWriter, createEventStore, type EventStore } from '../../../server/event-store';
import { placementRules } from '../../../server/exposure-rules';
import { createFoldApply } from '../../../server/fold-hooks';
import { sitesFrom } from '../../../server/sites';
import { validateBatch } from '../../../server/validate-batch';
import { eventStream, MINUTE, T0 } from '../fold/fold-fixtures';

/** The site every generated event is for. */
export const SITE = 'shop';
/** The collector's clock while storing: two days after the generator's last event. */
export const NOW = T0 + 4 * 24 * 60 * MINUTE;
/** The collector's co-occurrence settings. */
export const SETTINGS: CoocSettings = coocSettings(COLLECTOR_COOCCURRENCE);

const sites = sitesFrom({
  sites: { [SITE]: { writeKeys: ['wk_test_0123456789abcdef'], webhooks: [{ url: 'https://hooks.example/in', events: ['Cart Abandoned'], secret: 'whsec_0123456789abcdefghijklmn', traits: ['plan'] }] } },
});

/**
 * About `runs` × 40 raw events: `runs` streams of the fold tests' generator (seeded), each
 * with its own four visitors and message ids, and its three products moved along `products`
 * ids (eight by default), so the co-occurrence lists have more than one partner.
 */
export function generatedEvents(runs: number, seed: number, products = 8): Record<string, unknown>[] {
  const streams = fc.sample(eventStream(80), { numRuns: runs, seed });
  return streams.flatMap((events, run) =>
    events.map((e) => {
      const text = JSON.stringify(e).replace(/"p([123])"/g, (_, n: string) => JSON.stringify(`p${(Number(n) + run) % products}`));
      const event = JSON.parse(text) as Record<string, unknown>;
      return {
        ...event,
        messageId: `r${run}-${event.messageId as string}`,
        anonymousId: `r${run}-${event.anonymousId as string}`,
        ...(event.userId ? { userId: `r${run}-${event.userId as string}` } : {}),
      };
    }),
  );
}

/** An open SQLite collector state: its database, store, and the co-occurrence refresh it was kept with. */
export interface SqliteState {
  db: Db;
  store: EventStore;
  /** Stores and folds more events, in batches of 50; the co-occurrence lists are left marked. */
  add(events: Record<string, unknown>[]): Promise<void>;
  /** Recomputes the site's marked co-occurrence lists (what the keeper runs 100 ms after a fold). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** Opens an in-memory SQLite collector state and stores `events` (refresh not yet run). */
export async function sqliteState(events: Record<string, unknown>[], file = ':memory:'): Promise<SqliteState> {
  const db = openDatabase(file);
  const refresher = createRefresher(db, SETTINGS);
  // The keeper without its timer: lists are refreshed only when the test says, so it can copy marked state.
  const cooc: CoocKeeper = { ingest: createCoocIngest(db, SETTINGS, () => undefined), refresh: (site) => refresher.refresh(site), replayMarked: () => undefined, close: () => undefined };
  const fold = startFoldInThread(db, createFoldApply(db, { rulesOf: placementRules(undefined), sites, cooc }));
  const store = createEventStore(db, createBatchWriter(db, 0, fold.queue));
  const add = async (more: Record<string, unknown>[]) => {
    for (let at = 0; at < more.length; at += 50) {
      const valid = validateBatch({ batch: more.slice(at, at + 50) }, SITE, NOW);
      if (!valid.ok || valid.rejected.length) throw new Error(`the generator made an invalid event: ${JSON.stringify(valid.ok ? valid.rejected : valid.errors)}`);
      await store.storeBatch(valid.events, NOW);
    }
    await fold.settle();
  };
  await add(events);
  return {
    db,
    store,
    add,
    refresh: () => refresher.refresh(SITE),
    async close() {
      await fold.close();
      db.close();
    },
  };
}
