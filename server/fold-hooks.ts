/**
 * What a fold applies to newly stored events: the report's aggregates, then each derive
 * hook (the trigger state, co-occurrence), over one connection. Built the same way on the ingest
 * thread (an in-memory database) and in the fold worker (a database file), so both
 * fold alike.
 */
import { createAggregate, type Aggregate } from './aggregates';
import type { CoocKeeper } from './cooc/keeper';
import type { Db } from './database';
import type { RulesOf } from './exposure-rules';
import type { SiteRegistry } from './sites';
import { createTriggerIngest } from './triggers/ingest';
import { isServerSignal } from './triggers/signal';

/** What the fold's hooks read besides the database. */
export interface FoldContext {
  /** Each placement's attribution window and goals (from the collector's config). */
  rulesOf: RulesOf;
  /** The sites served, with their trigger settings. */
  sites: SiteRegistry;
  /** Co-occurrence's writes over the same connection (made by the fold's driver, which also refreshes and replays with it). */
  cooc: CoocKeeper;
}

/** Builds a derive hook over a connection; called once per connection. */
export type FoldHookFactory = (db: Db, context: FoldContext) => Aggregate;

/**
 * The derive hooks, in the order they run after the aggregates. A new kind of derived
 * state registers here, and both fold drivers run it.
 */
export const FOLD_HOOKS: FoldHookFactory[] = [
  (db, { sites }) => createTriggerIngest(db, sites),
  (_, { cooc }) => cooc.ingest,
];

/**
 * The fold's whole work over `db`: call it inside the fold's transaction with newly
 * stored events sorted by visitor. The collector's own signals (stored without a batch)
 * are counted where they are recorded and are no visit, so the fold skips them.
 */
export function createFoldApply(db: Db, context: FoldContext, hooks: readonly FoldHookFactory[] = FOLD_HOOKS): Aggregate {
  const aggregate = createAggregate(db, context.rulesOf);
  const derive = hooks.map((make) => make(db, context));
  return (events) => {
    const visits = events.some(isServerSignal) ? events.filter((e) => !isServerSignal(e)) : events;
    aggregate(visits);
    for (const hook of derive) hook(visits);
  };
}
