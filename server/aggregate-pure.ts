/**
 * The report's aggregates as a pure function of the stored rows a fold can touch and
 * the fold's events: `(state, events, rules) → changes`, no I/O, so the same code folds
 * on SQLite and on PostgreSQL, and its rules are tested without a database. What the
 * aggregates are is told in aggregates.ts; what one visitor may count in exposure-rules.ts.
 *
 * A fold's events may come in any order; a visitor's rows build on each other in event
 * order, exactly as if each event were folded on its own (the fold-size property test).
 */
import type { ValidEvent } from './validate-event';
import { createDailyDeltas, type CohortKey, type CohortRow, type CountRow, type VariantRow } from './aggregate-deltas';
import { cleanId, conversionOf, orderOf, type Order } from './aggregate-read';
import { goalSubject, IMPRESSION_GAP_MS, MAX_GOALS_PER_EXPOSURE, type RulesOf } from './exposure-rules';
import { placeDays, type DayChains, type DayRow, type LinkRow } from './visitor-days';

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

/** A `cohort_members` row's figures. */
export interface Member {
  day: number;
  label: string;
  conversions: number;
  value: number;
  last_seen: number;
}

/** A `cohort_members` row's key. */
export type MemberKey = [site: string, visitor: string, kind: string, subject: string, arm: string, grp: string];
/** A `cohort_members` row to upsert: key, then day, label, conversions, value, last_seen. */
export type MemberRow = [...MemberKey, day: number, label: string, conversions: number, value: number, lastSeen: number];
/** A `row_clicks` row to upsert (its time only ever grows). */
export type ClickRow = [site: string, visitor: string, productId: string, listId: string, time: number];

/** The key of a member in {@link AggregateState.members}. */
export const memberId = (key: readonly string[]): string => `${key[0]}\0${key[1]}\0${key[2]}\0${key[3]}\0${key[4]}\0${key[5]}`;
/** The key of a visitor's clicks of a product in {@link AggregateState.clicks}. */
export const clickId = (site: string, visitor: string, productId: string): string => `${site}\0${visitor}\0${productId}`;

/** Every stored row of the fold's visitors that the fold can read. */
export interface AggregateState {
  /** `cohort_members` by {@link memberId}, with their keys. */
  members: ReadonlyMap<string, { key: MemberKey; member: Readonly<Member> }>;
  /** `visitor_days` chains. */
  chains: DayChains;
  /** `row_clicks` by {@link clickId}: list id → time of the latest click. */
  clicks: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** An event with the visitor (person) it counts for (identity.ts). */
export interface FoldEvent {
  event: ValidEvent;
  visitor: string;
}

/** What a fold writes, as arrays of rows per table (one multi-row upsert each on PostgreSQL). */
export interface AggregateChanges {
  members: MemberRow[];
  cohortDaily: CohortRow[];
  dailyCounts: CountRow[];
  variantStats: VariantRow[];
  visitorDays: DayRow[];
  dayLinks: LinkRow[];
  rowClicks: ClickRow[];
}

const blank = (day: number, label = ''): Member => ({ day, label, conversions: 0, value: 0, last_seen: 0 });

/** Folds `events` into the aggregates over `state` (which is not changed). */
export function foldAggregates(state: AggregateState, events: readonly FoldEvent[], rulesOf: RulesOf): AggregateChanges {
  const deltas = createDailyDeltas();
  const days = new Map<string, DayRow>();
  const visitorDay = (site: string, day: number, visitor: string, kind: 'active' | 'ordered') => {
    const id = `${site}\0${visitor}\0${kind}\0${day}`;
    if (!days.has(id)) days.set(id, [site, visitor, kind, day]);
  };

  // Members read (copied) or written in this fold; the dirty ones are the output.
  const held = new Map<string, { key: MemberKey; m: Member } | null>();
  const dirty = new Set<string>();
  // Each visitor's `site` and `quiz` members, which an order converts.
  const orderCohorts = new Map<string, string[]>();
  const addOrderCohort = (key: MemberKey, id: string) => {
    if (key[2] !== 'site' && key[2] !== 'quiz') return;
    const visitor = `${key[0]}\0${key[1]}`;
    const list = orderCohorts.get(visitor);
    if (list) list.push(id);
    else orderCohorts.set(visitor, [id]);
  };
  for (const [id, { key }] of state.members) addOrderCohort(key, id);

  const member = (key: MemberKey): Member | undefined => {
    const id = memberId(key);
    let entry = held.get(id);
    if (entry === undefined) {
      const stored = state.members.get(id);
      held.set(id, (entry = stored ? { key, m: { ...stored.member } } : null));
    }
    return entry?.m;
  };
  const save = (key: MemberKey, m: Member) => {
    const id = memberId(key);
    const entry = held.get(id);
    if (!entry && !state.members.has(id)) addOrderCohort(key, id);
    held.set(id, { key, m });
    dirty.add(id);
  };

  const clicks = new Map<string, Map<string, number>>();
  const clicksOf = (id: string): Map<string, number> => {
    let lists = clicks.get(id);
    if (!lists) clicks.set(id, (lists = new Map(state.clicks.get(id) ?? [])));
    return lists;
  };
  const touchedClicks = new Map<string, ClickRow>();

  // A conversion of `value` by a member: its cohort row gains a conversion, maybe a
  // converting visitor, and the change in the member's squared value.
  const convert = (key: MemberKey, m: Member, value: number) => {
    deltas.cohort(cohortOf(key, m), { conversions: 1, converters: m.conversions === 0 ? 1 : 0, value, valueSquares: (m.value + value) ** 2 - m.value ** 2 });
    m.conversions++;
    m.value += value;
    save(key, m);
  };
  const cohortOf = (key: MemberKey, m: Member): CohortKey => [key[0], m.day, key[2], key[3], key[4], key[5], m.label];

  function exposure(e: ValidEvent, visitor: string, day: number): void {
    const { placement, variant, segment, group, holdout } = e.properties as Record<string, string | undefined>;
    const grp = group === 'holdout' ? 'holdout' : 'treatment';
    const key: MemberKey = [e.site, visitor, 'variant', placement!, variant!, grp];
    let m = member(key);
    const first = !m;
    if (!m) {
      m = blank(day, segment ?? '');
      deltas.cohort(cohortOf(key, m), { visitors: 1 });
      // The placement's own cohort counts each visitor once per group, whichever variants
      // rules showed them on different visits: the uplift and the holdout share need people.
      const placementKey: MemberKey = [e.site, visitor, 'placement', placement!, '', grp];
      if (!member(placementKey)) {
        const p = blank(day, segment ?? '');
        save(placementKey, p);
        deltas.cohort(cohortOf(placementKey, p), { visitors: 1 });
      }
    }
    // One impression per member and minute (exposure-rules.ts); `last_seen` is the time of
    // the latest counted one, which the attribution window runs from. An earlier one sent
    // late counts nothing: the member was already exposed then or later.
    if (e.time - m.last_seen < IMPRESSION_GAP_MS) return;
    m.last_seen = e.time;
    save(key, m);
    deltas.cohort(cohortOf(key, m), { impressions: 1 });
    if (grp === 'treatment') deltas.variant(e.site, placement!, variant!, segment ?? '', 1, 0);
    // The site-wide holdout: its members see every default, and say so on each exposure.
    // A visitor already exposed to this variant joined it then, so only a first exposure looks.
    const siteKey: MemberKey = [e.site, visitor, 'site', '', '', ''];
    if (first && !member(siteKey)) {
      const s = blank(day, grp === 'holdout' && holdout === 'site' ? 'holdout' : 'treatment');
      save(siteKey, s);
      deltas.cohort(cohortOf(siteKey, s), { visitors: 1 });
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
    // The goals converted are members of kind `goal` (exposure-rules.ts).
    const goal = typeof e.properties.goal === 'string' ? e.properties.goal : '';
    if (rules.goals ? !rules.goals.has(goal) : m.conversions >= MAX_GOALS_PER_EXPOSURE) return;
    const goalKey: MemberKey = [e.site, visitor, 'goal', goalSubject(placement, goal), variant, grp];
    if (member(goalKey)) return;
    save(goalKey, { day: 0, label: '', conversions: 1, value: 0, last_seen: 0 });
    const firstConversion = m.conversions === 0;
    convert(key, m, value);
    const placementKey: MemberKey = [e.site, visitor, 'placement', placement, '', grp];
    const p = member(placementKey);
    if (p) convert(placementKey, p, value);
    // The bandit counts an exposure's first conversion only, as the SDK's own counts do.
    if (grp === 'treatment' && firstConversion) deltas.variant(e.site, placement, variant, segment, 0, 1);
  }

  function order(e: ValidEvent, visitor: string, day: number, o: Order): void {
    deltas.count(e.site, day, 'order', o.currency, '', 1, o.revenue);
    visitorDay(e.site, day, visitor, 'ordered');
    const key: MemberKey = [e.site, visitor, 'visitor', '', '', ''];
    const v = member(key) ?? blank(day);
    if (v.conversions > 0) deltas.count(e.site, day, 'repeat-order', '', '', 1, 0);
    v.conversions++;
    v.value += o.revenue;
    save(key, v);
    for (const id of orderCohorts.get(`${e.site}\0${visitor}`) ?? []) {
      const entry = held.get(id) ?? state.members.get(id)!;
      const k = entry.key;
      convert(k, member(k)!, o.revenue);
    }
    // Each row is credited once per order, with the revenue of its clicked products in it.
    const credited = new Map<string, number>();
    for (const { productId, revenue } of o.products) {
      for (const [list, time] of clicksOf(clickId(e.site, visitor, productId))) {
        if (time >= e.time - ROW_ATTRIBUTION_MS && time <= e.time) credited.set(list, (credited.get(list) ?? 0) + revenue);
      }
    }
    for (const [list, revenue] of credited) deltas.count(e.site, day, 'row-order', list, '', 1, revenue);
  }

  function pageView(e: ValidEvent, visitor: string, day: number): void {
    deltas.count(e.site, day, 'page', '', '', 1, 0);
    const key: MemberKey = [e.site, visitor, 'visitor', '', '', ''];
    const v = member(key) ?? blank(day);
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
      const fresh = blank(day, step);
      save(key, fresh);
      deltas.cohort(cohortOf(key, fresh), { visitors: 1 });
    } else if (step === 'completed' && m.label === 'started') {
      // A completer moves, with what it has earned so far, from the starters' row to the completers'.
      const moved = { visitors: 1, converters: m.conversions > 0 ? 1 : 0, conversions: m.conversions, value: m.value, valueSquares: m.value ** 2 };
      deltas.cohort(cohortOf(key, m), negate(moved));
      m.label = 'completed';
      deltas.cohort(cohortOf(key, m), moved);
      save(key, m);
    }
  }

  function rowEvent(e: ValidEvent, visitor: string, day: number): void {
    const list = cleanId(e.properties.list_id);
    if (list === null) return;
    const clicked = e.event === 'Product Clicked';
    deltas.count(e.site, day, clicked ? 'row-clicked' : 'row-viewed', list, '', 1, 0);
    const productId = cleanId(e.properties.product_id);
    if (!clicked || productId === null) return;
    const id = clickId(e.site, visitor, productId);
    const lists = clicksOf(id);
    const time = Math.max(lists.get(list) ?? e.time, e.time);
    lists.set(list, time);
    touchedClicks.set(`${id}\0${list}`, [e.site, visitor, productId, list, time]);
  }

  // A visitor's events mostly fall on one day: the day is recorded once per run of them.
  let lastActive: { site: string; visitor: string; day: number } | undefined;
  for (const { event: e, visitor } of events) {
    const day = dayOf(e.time);
    if (lastActive?.day !== day || lastActive.visitor !== visitor || lastActive.site !== e.site) {
      visitorDay(e.site, day, visitor, 'active');
      lastActive = { site: e.site, visitor, day };
    }
    if (e.type === 'page') pageView(e, visitor, day);
    if (e.type !== 'track') continue;
    const name = e.event!;
    if (name === 'Variant Viewed') exposure(e, visitor, day);
    else if (name === 'Variant Converted') conversion(e, visitor);
    else if (name === 'Order Completed') order(e, visitor, day, orderOf(e.properties));
    else if (Object.hasOwn(QUIZ_STEPS, name)) quiz(e, visitor, day);
    else if (name === 'Product List Viewed' || (name === 'Product Clicked' && e.properties.list_id !== undefined)) rowEvent(e, visitor, day);
    else if (SIGNAL_EVENTS.has(name)) deltas.count(e.site, day, 'signal', name, '', 1, 0);
  }

  const members: MemberRow[] = [];
  for (const id of dirty) {
    const { key, m } = held.get(id)!;
    members.push([...key, m.day, m.label, m.conversions, m.value, m.last_seen]);
  }
  return { members, ...deltas.rows(), ...placeDays(state.chains, days.values()), rowClicks: [...touchedClicks.values()] };
}

const negate = <T extends Record<string, number>>(figures: T): T =>
  Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, -v])) as T;
