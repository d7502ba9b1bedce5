/**
 * The report's aggregates, derived from newly stored events only (so they are exactly
 * once, like the events), folded in shortly after they are stored, many batches at once
 * (aggregate-fold.ts).
 *
 * - **Cohorts** (`cohort_members`, `cohort_daily`): sets of visitors with per-visitor
 *   running figures. `variant` cohorts are a placement variant's exposed visitors per
 *   group, labelled with the segment of their first exposure; their conversions are
 *   matching `Variant Converted` events (none without the exposure). `placement` cohorts
 *   count a placement's people once per group, whichever variants they saw. `site` cohorts are
 *   the site-wide holdout and everyone else exposed, and `quiz` cohorts a quiz's
 *   starters labelled `started` or `completed`; both convert by `Order Completed`.
 *   A `visitor` member per visitor holds its orders and last page view (sessions).
 *   Daily cohort rows are keyed by the day of the visitor's first exposure, and hold
 *   visitors, converting visitors, conversions, value and the sum of squared
 *   per-visitor values (for the variance of revenue per visitor).
 * - **Daily counts** (`daily_counts`): page views, sessions, orders and revenue, repeat
 *   orders, trigger signals, quiz funnel steps, recommendation-row views, clicks and
 *   attributed orders, each on the day it happened.
 * - **Visitor days** (`visitor_days`): who was active (and who ordered) on which day,
 *   for distinct visitors over any range.
 * - `variant_stats`, which `/v1/stats` serves to the bandit: treatment only.
 *
 * A fold is load → pure → write: the identity links are learned (identity.ts), every
 * stored row the fold's visitors can touch is read with one statement per table, the pure
 * {@link foldAggregates} (aggregate-pure.ts) turns that state and the events into rows per
 * table, and one pass of upserts per table writes them, in the caller's transaction.
 */
import type { Db } from './database';
import type { ValidEvent } from './validate-event';
import { foldAggregates, memberId, clickId, type AggregateChanges, type AggregateState, type FoldEvent, type Member, type MemberKey, type MemberRow, type ClickRow } from './aggregate-pure';
import type { CohortRow, CountRow, VariantRow } from './aggregate-deltas';
import { placementRules, type RulesOf } from './exposure-rules';
import { jsonKeys, keyedReader, keysReader } from './fold-load';
import { aggregateKeys, type AggregateKeys } from './aggregate-keys';
import { createIdentities } from './identity';
import { createChainReader, createDayWriter } from './visitor-days';

export { SESSION_GAP_MS, ROW_ATTRIBUTION_MS, SIGNAL_EVENTS, dayOf } from './aggregate-pure';

/** Adds the aggregates of newly stored events; call inside the transaction that stored them. */
export type Aggregate = (events: readonly ValidEvent[]) => void;

/** Reads the stored rows a fold can touch (aggregate-keys.ts), one statement per table. */
export function createAggregateLoader(db: Db): (keys: AggregateKeys) => AggregateState {
  const columns = 'site, visitor, kind, subject, arm, grp, day, label, conversions, value, last_seen';
  // The members the events name, and the `site` and `quiz` members of visitors with an order
  // (a row in both comes twice, and is held once).
  const readMembers = keysReader(
    db,
    `SELECT ${columns} FROM cohort_members WHERE (site, visitor, kind, subject, arm, grp) IN (${jsonKeys(6)})
     UNION ALL
     SELECT ${columns} FROM cohort_members WHERE (site, visitor) IN (${jsonKeys(2)}) AND kind IN ('site', 'quiz')`,
  );
  const readClicks = keyedReader(db, 'row_clicks', ['site', 'visitor', 'product_id'], 'site, visitor, product_id, list_id, time');
  const readChains = createChainReader(db);
  return (keys) => aggregateStateOf(readMembers(keys.members, keys.buyers) as MemberRow[], readClicks(keys.clicks) as ClickRow[], readChains(keys.chains));
}

/** The fold's state from its stored rows, however a store read them (SQLite here, PostgreSQL in server/postgres/). */
export function aggregateStateOf(memberRows: readonly MemberRow[], clickRows: readonly ClickRow[], chains: AggregateState['chains']): AggregateState {
  const members = new Map<string, { key: MemberKey; member: Member }>();
  for (const [site, visitor, kind, subject, arm, grp, day, label, conversions, value, last_seen] of memberRows) {
    const key: MemberKey = [site, visitor, kind, subject, arm, grp];
    members.set(memberId(key), { key, member: { day, label, conversions, value, last_seen } });
  }
  const clicks = new Map<string, Map<string, number>>();
  for (const [site, visitor, productId, listId, time] of clickRows) {
    const id = clickId(site, visitor, productId);
    const lists = clicks.get(id);
    if (lists) lists.set(listId, time);
    else clicks.set(id, new Map([[listId, time]]));
  }
  return { members, clicks, chains };
}

/** Prepares the writes of a fold's changes: one pass of upserts per table, in the caller's transaction. */
export function createAggregateWriter(db: Db): (changes: AggregateChanges) => void {
  const putMember = db.prepare<MemberRow>(
    `INSERT INTO cohort_members (site, visitor, kind, subject, arm, grp, day, label, conversions, value, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, kind, subject, arm, grp) DO UPDATE SET
       label = excluded.label, conversions = excluded.conversions, value = excluded.value, last_seen = excluded.last_seen`,
  );
  const upsertCohort = db.prepare<CohortRow>(
    `INSERT INTO cohort_daily (site, day, kind, subject, arm, grp, label, visitors, impressions, converters, conversions, value, value_squares)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, day, kind, subject, arm, grp, label) DO UPDATE SET
       visitors = cohort_daily.visitors + excluded.visitors, impressions = cohort_daily.impressions + excluded.impressions,
       converters = cohort_daily.converters + excluded.converters, conversions = cohort_daily.conversions + excluded.conversions,
       value = cohort_daily.value + excluded.value, value_squares = cohort_daily.value_squares + excluded.value_squares`,
  );
  const upsertCount = db.prepare<CountRow>(
    `INSERT INTO daily_counts (site, day, metric, a, b, count, value) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, day, metric, a, b) DO UPDATE SET count = daily_counts.count + excluded.count, value = daily_counts.value + excluded.value`,
  );
  const bumpVariant = db.prepare<VariantRow>(
    `INSERT INTO variant_stats (site, placement, variant, segment, impressions, conversions) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, placement, variant, segment) DO UPDATE SET
       impressions = variant_stats.impressions + excluded.impressions, conversions = variant_stats.conversions + excluded.conversions`,
  );
  const putClick = db.prepare<ClickRow>(
    `INSERT INTO row_clicks (site, visitor, product_id, list_id, time) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, product_id, list_id) DO UPDATE SET time = max(row_clicks.time, excluded.time)`,
  );
  const writeDays = createDayWriter(db);
  return (changes) => {
    for (const row of changes.members) putMember.run(...row);
    for (const row of changes.cohortDaily) upsertCohort.run(...row);
    for (const row of changes.dailyCounts) upsertCount.run(...row);
    for (const row of changes.variantStats) bumpVariant.run(...row);
    for (const row of changes.rowClicks) putClick.run(...row);
    writeDays(changes);
  };
}

/**
 * Prepares the aggregate fold over a migrated database. `rulesOf` gives each
 * placement's attribution window and goals (from the collector's config; see
 * exposure-rules.ts, which also says what one visitor's events may count).
 */
export function createAggregate(db: Db, rulesOf: RulesOf = placementRules(undefined)): Aggregate {
  const identities = createIdentities(db);
  const load = createAggregateLoader(db);
  const write = createAggregateWriter(db);
  return (events) => {
    // The person (the user id once known, else the anonymous id), so one person is one
    // visitor across devices; the fold's identify and alias links are learned first.
    const visitorOf = identities.resolve(events);
    const folded: FoldEvent[] = events.map((event) => ({ event, visitor: visitorOf(event) }));
    const state = load(aggregateKeys(folded));
    write(foldAggregates(state, folded, rulesOf));
  };
}
