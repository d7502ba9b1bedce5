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
 */
import type { Db } from './database';
import type { ValidEvent } from './validate-event';
import { createDailyDeltas, type CohortKey } from './aggregate-deltas';
import { cleanId, conversionOf, orderOf, type Order } from './aggregate-read';
import { createGoalLedger, IMPRESSION_GAP_MS, MAX_GOALS_PER_EXPOSURE, placementRules, type RulesOf } from './exposure-rules';
import { createIdentities } from './identity';

/** A visit ends after this long without a page view (Google Analytics' default). */
export const SESSION_GAP_MS = 30 * 60_000;
/** A recommendation-row click is credited to orders of its product within this window. */
export const ROW_ATTRIBUTION_MS = 7 * 86_400_000;
/** The trigger signals counted by kind (the map's standard names). */
export const SIGNAL_EVENTS = new Set(['Cart Abandoned', 'Browse Abandoned', 'Back In Stock', 'Price Drop', 'New Arrival', 'Win-back']);

// Quiz event name → its funnel step.
const QUIZ_STEPS: Record<string, string> = {
  'Quiz Started': 'started',
  'Quiz Question Answered': 'answered',
  'Quiz Completed': 'completed',
  'Quiz Abandoned': 'abandoned',
};

/** The UTC day number (days since 1970-01-01) of a time in ms. */
export const dayOf = (time: number): number => Math.floor(time / 86_400_000);

interface Member {
  day: number;
  label: string;
  conversions: number;
  value: number;
  last_seen: number;
}

type MemberKey = [site: string, visitor: string, kind: string, subject: string, arm: string, grp: string];

/** Adds the aggregates of newly stored events; call inside the transaction that stored them. */
export type Aggregate = (events: readonly ValidEvent[]) => void;

/**
 * Prepares the aggregate statements over a migrated database. `rulesOf` gives each
 * placement's attribution window and goals (from the collector's config; see
 * exposure-rules.ts, which also says what one visitor's events may count).
 */
export function createAggregate(db: Db, rulesOf: RulesOf = placementRules(undefined)): Aggregate {
  const getMember = db.prepare<MemberKey, Member>(
    `SELECT day, label, conversions, value, last_seen FROM cohort_members
     WHERE site = ? AND visitor = ? AND kind = ? AND subject = ? AND arm = ? AND grp = ?`,
  );
  const putMember = db.prepare<[...MemberKey, number, string, number, number, number]>(
    `INSERT INTO cohort_members (site, visitor, kind, subject, arm, grp, day, label, conversions, value, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, kind, subject, arm, grp) DO UPDATE SET
       label = excluded.label, conversions = excluded.conversions, value = excluded.value, last_seen = excluded.last_seen`,
  );
  const ordersCohorts = db.prepare<[string, string], Member & { kind: string; subject: string; arm: string; grp: string }>(
    `SELECT kind, subject, arm, grp, day, label, conversions, value, last_seen FROM cohort_members
     WHERE site = ? AND visitor = ? AND kind IN ('site', 'quiz')`,
  );
  const bumpVariant = db.prepare<[string, string, string, string, number, number]>(
    `INSERT INTO variant_stats (site, placement, variant, segment, impressions, conversions) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, placement, variant, segment)
     DO UPDATE SET impressions = impressions + excluded.impressions, conversions = conversions + excluded.conversions`,
  );
  const putClick = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO row_clicks (site, visitor, product_id, list_id, time) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, product_id, list_id) DO UPDATE SET time = max(time, excluded.time)`,
  );
  const clicksOf = db.prepare<[string, string, string, number, number], { list_id: string }>(
    'SELECT list_id FROM row_clicks WHERE site = ? AND visitor = ? AND product_id = ? AND time BETWEEN ? AND ?',
  );
  const deltas = createDailyDeltas(db);
  const goals = createGoalLedger(db);
  const identities = createIdentities(db);

  // Members of the visitor at hand, read once and written back when the next visitor's
  // events begin (the fold sorts events by visitor): one visitor touches the same few
  // members on every page view and exposure. Holding one visitor's keeps an order's
  // write-back, before its query, to that visitor's few rows.
  const cache = new Map<string, { key: MemberKey; m: Member | undefined; dirty: boolean }>();
  const member = (key: MemberKey): Member | undefined => {
    const id = key.join('\0');
    let entry = cache.get(id);
    if (!entry) cache.set(id, (entry = { key, m: getMember.get(...key), dirty: false }));
    return entry.m;
  };
  const save = (key: MemberKey, m: Member) => {
    const id = key.join('\0');
    const entry = cache.get(id);
    if (entry) Object.assign(entry, { m, dirty: true });
    else cache.set(id, { key, m, dirty: true });
  };
  const writeBack = () => {
    for (const entry of cache.values()) {
      if (!entry.dirty || !entry.m) continue;
      const { day, label, conversions, value, last_seen } = entry.m;
      putMember.run(...entry.key, day, label, conversions, value, last_seen);
      entry.dirty = false;
    }
  };

  // A conversion of `value` by a member: its cohort row gains a conversion, maybe a
  // converting visitor, and the change in the member's squared value.
  const convert = (key: MemberKey, m: Member, cohort: CohortKey, value: number) => {
    deltas.cohort(cohort, {
      conversions: 1,
      converters: m.conversions === 0 ? 1 : 0,
      value,
      valueSquares: (m.value + value) ** 2 - m.value ** 2,
    });
    m.conversions++;
    m.value += value;
    save(key, m);
  };

  const cohortOf = (site: string, key: MemberKey, m: Member): CohortKey => [site, m.day, key[2], key[3], key[4], key[5], m.label];

  function exposure(e: ValidEvent, visitor: string, day: number): void {
    const { placement, variant, segment, group, holdout } = e.properties as Record<string, string | undefined>;
    const grp = group === 'holdout' ? 'holdout' : 'treatment';
    const key: MemberKey = [e.site, visitor, 'variant', placement!, variant!, grp];
    let m = member(key);
    const first = !m;
    if (!m) {
      m = { day, label: segment ?? '', conversions: 0, value: 0, last_seen: 0 };
      deltas.cohort(cohortOf(e.site, key, m), { visitors: 1 });
      // The placement's own cohort counts each visitor once per group, whichever variants
      // rules showed them on different visits: the uplift and the holdout share need people.
      const placementKey: MemberKey = [e.site, visitor, 'placement', placement!, '', grp];
      if (!member(placementKey)) {
        const p = { day, label: segment ?? '', conversions: 0, value: 0, last_seen: 0 };
        save(placementKey, p);
        deltas.cohort(cohortOf(e.site, placementKey, p), { visitors: 1 });
      }
    }
    // One impression per member and minute (exposure-rules.ts); `last_seen` is the time of
    // the latest counted one, which the attribution window runs from. An earlier one sent
    // late counts nothing: the member was already exposed then or later.
    if (e.time - m.last_seen < IMPRESSION_GAP_MS) return;
    m.last_seen = e.time;
    save(key, m);
    deltas.cohort(cohortOf(e.site, key, m), { impressions: 1 });
    if (grp === 'treatment') bumpVariant.run(e.site, placement!, variant!, segment ?? '', 1, 0);
    // The site-wide holdout: its members see every default, and say so on each exposure.
    // A visitor already exposed to this variant joined it then, so only a first exposure looks.
    const siteKey: MemberKey = [e.site, visitor, 'site', '', '', ''];
    if (first && !member(siteKey)) {
      const s = { day, label: grp === 'holdout' && holdout === 'site' ? 'holdout' : 'treatment', conversions: 0, value: 0, last_seen: 0 };
      save(siteKey, s);
      deltas.cohort(cohortOf(e.site, siteKey, s), { visitors: 1 });
    }
  }

  function conversion(e: ValidEvent, visitor: string): void {
    const { placement, variant, segment, grp, value } = conversionOf(e.properties);
    const key: MemberKey = [e.site, visitor, 'variant', placement, variant, grp];
    const m = member(key);
    const rules = rulesOf(e.site, placement);
    // Never counted without the exposure it converts, within its window (the map's rule,
    // which also keeps a forged conversion from inventing visitors or feeding the bandit);
    // counted apart. A member from before exposure times were kept (last_seen 0) has no window.
    if (!m || (m.last_seen > 0 && e.time > m.last_seen + rules.windowMs)) {
      deltas.count(e.site, dayOf(e.time), 'unmatched-conversion', placement, '', 1, 0);
      return;
    }
    // Once per exposure and goal, only the placement's goals when known, a few otherwise.
    const goal = typeof e.properties.goal === 'string' ? e.properties.goal : '';
    if (rules.goals ? !rules.goals.has(goal) : m.conversions >= MAX_GOALS_PER_EXPOSURE) return;
    if (!goals.first(e.site, visitor, placement, variant, grp, goal)) return;
    const firstConversion = m.conversions === 0;
    convert(key, m, cohortOf(e.site, key, m), value);
    const placementKey: MemberKey = [e.site, visitor, 'placement', placement, '', grp];
    const p = member(placementKey);
    if (p) convert(placementKey, p, cohortOf(e.site, placementKey, p), value);
    // The bandit counts an exposure's first conversion only, as the SDK's own counts do.
    if (grp === 'treatment' && firstConversion) bumpVariant.run(e.site, placement, variant, segment, 0, 1);
  }

  function order(e: ValidEvent, visitor: string, day: number, o: Order): void {
    deltas.count(e.site, day, 'order', o.currency, '', 1, o.revenue);
    deltas.visitorDay(e.site, day, visitor, true);
    const key: MemberKey = [e.site, visitor, 'visitor', '', '', ''];
    const v = member(key) ?? { day, label: '', conversions: 0, value: 0, last_seen: 0 };
    if (v.conversions > 0) deltas.count(e.site, day, 'repeat-order', '', '', 1, 0);
    v.conversions++;
    v.value += o.revenue;
    save(key, v);
    // The query reads the table, so members this batch changed are written first; a member
    // already held is used as held, so its later changes in the batch build on this one.
    writeBack();
    for (const row of ordersCohorts.all(e.site, visitor)) {
      const k: MemberKey = [e.site, visitor, row.kind, row.subject, row.arm, row.grp];
      const m = member(k)!;
      convert(k, m, cohortOf(e.site, k, m), o.revenue);
    }
    // Each row is credited once per order, with the revenue of its clicked products in it.
    const credited = new Map<string, number>();
    for (const { productId, revenue } of o.products) {
      for (const { list_id } of clicksOf.all(e.site, visitor, productId, e.time - ROW_ATTRIBUTION_MS, e.time)) {
        credited.set(list_id, (credited.get(list_id) ?? 0) + revenue);
      }
    }
    for (const [list, revenue] of credited) deltas.count(e.site, day, 'row-order', list, '', 1, revenue);
  }

  function pageView(e: ValidEvent, visitor: string, day: number): void {
    deltas.count(e.site, day, 'page', '', '', 1, 0);
    const key: MemberKey = [e.site, visitor, 'visitor', '', '', ''];
    const v = member(key) ?? { day, label: '', conversions: 0, value: 0, last_seen: 0 };
    // Out-of-order page views (an outbox sent late) never start a visit in the past.
    if (e.time - v.last_seen > SESSION_GAP_MS) deltas.count(e.site, day, 'session', '', '', 1, 0);
    if (e.time > v.last_seen) {
      v.last_seen = e.time;
      save(key, v);
    }
  }

  function quiz(e: ValidEvent, visitor: string, day: number): void {
    const quizId = cleanId(e.properties.quiz_id);
    if (quizId === null) return;
    const step = QUIZ_STEPS[e.event!];
    const detail = step === 'completed' ? cleanId(e.properties.outcome) : cleanId(e.properties.question_id);
    deltas.count(e.site, day, `quiz-${step}`, quizId, detail ?? '', 1, 0);
    if (step !== 'started' && step !== 'completed') return;
    const key: MemberKey = [e.site, visitor, 'quiz', quizId, '', ''];
    const m = member(key);
    if (!m) {
      const fresh = { day, label: step, conversions: 0, value: 0, last_seen: 0 };
      save(key, fresh);
      deltas.cohort(cohortOf(e.site, key, fresh), { visitors: 1 });
    } else if (step === 'completed' && m.label === 'started') {
      // A completer moves, with what it has earned so far, from the starters' row to the completers'.
      const moved = { visitors: 1, converters: m.conversions > 0 ? 1 : 0, conversions: m.conversions, value: m.value, valueSquares: m.value ** 2 };
      deltas.cohort(cohortOf(e.site, key, m), negate(moved));
      m.label = 'completed';
      deltas.cohort(cohortOf(e.site, key, m), moved);
      save(key, m);
    }
  }

  function rowEvent(e: ValidEvent, visitor: string, day: number): void {
    const list = cleanId(e.properties.list_id);
    if (list === null) return;
    const clicked = e.event === 'Product Clicked';
    deltas.count(e.site, day, clicked ? 'row-clicked' : 'row-viewed', list, '', 1, 0);
    const productId = cleanId(e.properties.product_id);
    if (clicked && productId !== null) putClick.run(e.site, visitor, productId, list, e.time);
  }

  return (events) => {
    deltas.clear();
    cache.clear();
    // The person (the user id once known, else the anonymous id), so one person is one
    // visitor across devices; the batch's identify and alias links are learned first.
    const visitorOf = identities.resolve(events);
    let current: string | undefined;
    for (const e of events) {
      const visitor = visitorOf(e);
      if (visitor !== current) {
        writeBack();
        cache.clear();
        current = visitor;
      }
      const day = dayOf(e.time);
      deltas.visitorDay(e.site, day, visitor, false);
      if (e.type === 'page') pageView(e, visitor, day);
      if (e.type !== 'track') continue;
      const name = e.event!;
      if (name === 'Variant Viewed') exposure(e, visitor, day);
      else if (name === 'Variant Converted') conversion(e, visitor);
      else if (name === 'Order Completed') {
        order(e, visitor, day, orderOf(e.properties));
      } else if (Object.hasOwn(QUIZ_STEPS, name)) quiz(e, visitor, day);
      else if (name === 'Product List Viewed' || (name === 'Product Clicked' && e.properties.list_id !== undefined)) rowEvent(e, visitor, day);
      else if (SIGNAL_EVENTS.has(name)) deltas.count(e.site, day, 'signal', name, '', 1, 0);
    }
    writeBack();
    cache.clear();
    deltas.flush();
  };
}

const negate = <T extends Record<string, number>>(figures: T): T =>
  Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, -v])) as T;
