/**
 * What is kept for trigger detection, as newly stored events are folded (with the
 * report's aggregates, exactly once): the visitors' rows, carts and product views, and
 * the pending signals they arm or disarm. Load → pure → write: the rows the fold's
 * events can touch are read with one statement per table, the pure {@link foldTriggers}
 * (fold.ts) computes the rows to write, and one pass of statements per table writes them.
 */
import type { Db } from '../database';
import { distinctKeys, keyedReader } from '../fold-load';
import type { SiteRegistry } from '../sites';
import type { ValidEvent } from '../validate-event';
import { foldTriggers, triggerKeys, type CartRow, type PendingWrite, type SettingsOf, type TriggerChanges, type TriggerKeys, type TriggerState, type ViewRow } from './fold';
import { createVisitorWriter, type StoredVisitor } from './visitors';

/** Reads the stored trigger rows of a fold's keys (fold.ts's `triggerKeys`), one statement per table. */
export function createTriggerLoader(db: Db): (keys: TriggerKeys) => TriggerState {
  const readVisitors = keyedReader(db, 'trigger_visitors', ['site', 'visitor'], 'site, visitor, traits, scores, top_category, top_score, top_at');
  const readCarts = keyedReader(db, 'trigger_carts', ['site', 'visitor'], 'site, visitor, items, updated_at');
  const readViews = keyedReader(db, 'trigger_views', ['site', 'product_id', 'visitor'], 'site, product_id, visitor, views, last_view, price, bought');
  return (keys) =>
    triggerStateOf(
      readVisitors(distinctKeys(keys.visitors)) as VisitorStateRow[],
      readCarts(distinctKeys(keys.carts)) as [string, string, string, number][],
      readViews(distinctKeys(keys.views)) as ViewRow[],
    );
}

/** A stored visitor as the loaders read it: site, visitor, traits, scores, top_category, top_score, top_at. */
export type VisitorStateRow = [string, string, string, string, string | null, number, number];

/** The trigger state from its stored rows, however a store read them (SQLite here, PostgreSQL in server/postgres/). */
export function triggerStateOf(visitorRows: readonly VisitorStateRow[], cartRows: readonly [string, string, string, number][], viewRows: readonly ViewRow[]): TriggerState {
  const visitors = new Map<string, StoredVisitor>();
  for (const [site, visitor, traits, scores, top_category, top_score, top_at] of visitorRows) {
    visitors.set(`${site}\0${visitor}`, { traits, scores, top_category, top_score, top_at });
  }
  const carts = new Map<string, { items: string; updated_at: number }>();
  for (const [site, visitor, items, updated_at] of cartRows) carts.set(`${site}\0${visitor}`, { items, updated_at });
  const views = new Map<string, ViewRow>();
  for (const row of viewRows) views.set(`${row[0]}\0${row[1]}\0${row[2]}`, row);
  return { visitors, carts, views };
}

/** Prepares the writes of a fold's trigger changes, for the fold's transaction. */
export function createTriggerWriter(db: Db): (changes: TriggerChanges) => void {
  const writeVisitors = createVisitorWriter(db);
  const putCart = db.prepare<CartRow>(
    `INSERT INTO trigger_carts (site, visitor, items, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (site, visitor) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at`,
  );
  const dropCart = db.prepare<[string, string]>('DELETE FROM trigger_carts WHERE site = ? AND visitor = ?');
  const putView = db.prepare<ViewRow>(
    `INSERT INTO trigger_views (site, product_id, visitor, views, last_view, price, bought) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, product_id, visitor) DO UPDATE SET
       views = excluded.views, last_view = excluded.last_view, price = excluded.price, bought = excluded.bought`,
  );
  const clearPending = db.prepare<[string, string, string]>('DELETE FROM trigger_pending WHERE site = ? AND visitor = ? AND kind = ?');
  const putPending = db.prepare<PendingWrite>(
    `INSERT INTO trigger_pending (site, visitor, kind, subject, cause_at, due_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, kind, subject) DO UPDATE SET cause_at = excluded.cause_at, due_at = excluded.due_at`,
  );
  return (changes) => {
    writeVisitors(changes.visitors);
    for (const row of changes.cartDrops) dropCart.run(...row);
    for (const row of changes.carts) putCart.run(...row);
    for (const row of changes.views) putView.run(...row);
    for (const row of changes.pendingClears) clearPending.run(...row);
    for (const row of changes.pending) putPending.run(...row);
  };
}

/** Returns the ingest hook: call it with newly stored events, inside the fold's transaction. */
export function createTriggerIngest(db: Db, sites: SiteRegistry): (events: readonly ValidEvent[]) => void {
  const load = createTriggerLoader(db);
  const write = createTriggerWriter(db);
  return (events) => {
    // Settings are looked up once per site and fold (an open registry builds them on each call).
    const settings = new Map<string, ReturnType<SiteRegistry['get']>>();
    const settingsOf: SettingsOf = (id) => (settings.has(id) ? settings.get(id) : settings.set(id, sites.get(id)).get(id));
    write(foldTriggers(load(triggerKeys(events, settingsOf)), events, settingsOf));
  };
}
