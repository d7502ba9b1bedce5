/**
 * The derive hook that keeps co-occurrence and popularity (server/cooc/schema.ts): called
 * like the trigger ingest hook, inside the fold's transaction, with newly stored events,
 * so every event is added exactly once. A fold's interactions are grouped per site; each
 * visitor's open baskets are read once, the pure `foldInteractions` adds them, and only
 * increments are written (pairs, baskets), so the cost is that of the fold's events, not
 * of the history.
 */
import type { Interaction } from '../../src/recommend/cooccurrence';
import { foldInteractions } from '../../src/recommend/cooccurrence-state';
import type { Db } from '../database';
import { interactionsOf } from '../derive';
import type { ValidEvent } from '../validate-event';
import { POPULAR_WEIGHTS, type CoocSettings } from './options';
import { createCoocStore, type Weighed } from './store';

/**
 * Returns the hook. `touched` is told each site whose state changed (after the write, in
 * the same transaction), so its lists can be refreshed soon after.
 */
export function createCoocIngest(db: Db, settings: CoocSettings, touched: (site: string) => void): (events: readonly ValidEvent[]) => void {
  const store = createCoocStore(db);
  return (events) => {
    for (const [site, interactions] of interactionsBySite(events)) {
      store.createSite(site, settings.key, false);
      // A site waiting for its rebuild from the raw interactions gets these from there.
      if (store.site(site)!.replay) continue;
      const changes = foldInteractions(interactions, (visitor) => store.openOf(site, visitor), settings.baskets);
      const { latest, weighed } = weighedOf(interactions);
      store.apply(site, changes, latest);
      store.addPopularity(site, weighed, settings.rates);
      touched(site);
    }
  };
}

/** A fold's interactions per site, in event order (the same grouping for every store). */
export function interactionsBySite(events: readonly ValidEvent[]): Map<string, Interaction[]> {
  const bySite = new Map<string, Interaction[]>();
  for (const e of events) {
    const found = interactionsOf(e);
    if (found.length === 0) continue;
    const list = bySite.get(e.site);
    if (list) list.push(...found);
    else bySite.set(e.site, found);
  }
  return bySite;
}

/** A site's fold interactions for popularity: each product's `[time, weight]`s, and the latest time. */
export function weighedOf(interactions: readonly Interaction[]): { latest: number; weighed: Map<string, Weighed> } {
  let latest = -Infinity;
  const weighed = new Map<string, Weighed>();
  for (const i of interactions) {
    latest = Math.max(latest, i.time);
    const list = weighed.get(i.productId);
    const entry: [number, number] = [i.time, POPULAR_WEIGHTS[i.kind]];
    if (list) list.push(entry);
    else weighed.set(i.productId, [entry]);
  }
  return { latest, weighed };
}
