// @vitest-environment node
// The pure aggregate fold's rules, without a database: state in, rows out.
import { describe, expect, it } from 'vitest';
import { foldAggregates, memberId, clickId, dayOf, type AggregateState, type Member, type MemberKey } from '../../../server/aggregate-pure';
import { placementRules, type RulesOf } from '../../../server/exposure-rules';
import type { ValidEvent } from '../../../server/validate-event';

const T0 = Date.UTC(2024, 4, 1, 12);
const MIN = 60_000;
const DAY = 864e5;
const D0 = dayOf(T0);

let n = 0;
function ev(type: ValidEvent['type'], event: string | null, properties: Record<string, unknown>, time: number): ValidEvent {
  return { site: 's', type, event, messageId: `m${++n}`, timestamp: new Date(time).toISOString(), time, anonymousId: 'v', userId: null, properties, payload: JSON.stringify({ properties }) };
}
const viewed = (time: number, p: Record<string, unknown> = {}) => ev('track', 'Variant Viewed', { placement: 'hero', variant: 'x', segment: 'new', group: 'treatment', reason: 'bandit', ...p }, time);
const converted = (time: number, p: Record<string, unknown> = {}) => ev('track', 'Variant Converted', { placement: 'hero', variant: 'x', segment: 'new', group: 'treatment', goal: 'order', value: 10, ...p }, time);
const order = (time: number, products: { product_id: string; price: number }[] = [], revenue = 20) => ev('track', 'Order Completed', { revenue, currency: 'eur', products }, time);
const page = (time: number) => ev('page', null, {}, time);

const empty = (): AggregateState => ({ members: new Map(), chains: new Map(), clicks: new Map() });
function withMembers(...rows: [MemberKey, Member][]): AggregateState {
  return { ...empty(), members: new Map(rows.map(([key, member]) => [memberId(key), { key, member }])) };
}
const fold = (state: AggregateState, events: ValidEvent[], rules: RulesOf = placementRules(undefined)) =>
  foldAggregates(state, events.map((event) => ({ event, visitor: 'v' })), rules);
const counts = (out: ReturnType<typeof fold>, metric: string) => out.dailyCounts.filter((r) => r[2] === metric);
const cohort = (out: ReturnType<typeof fold>, kind: string) => out.cohortDaily.filter((r) => r[2] === kind);
const member = (out: ReturnType<typeof fold>, kind: string, subject = 'hero') => out.members.find((r) => r[2] === kind && r[3] === subject);

describe('the pure aggregate fold', () => {
  it('fixes a member’s day and segment at its first exposure; later impressions count in that row, one per minute', () => {
    const out = fold(empty(), [viewed(T0), viewed(T0 + 30_000), viewed(T0 + DAY, { segment: 'returning' })]);
    expect(member(out, 'variant')!.slice(6)).toEqual([D0, 'new', 0, 0, T0 + DAY]);
    expect(cohort(out, 'variant')).toEqual([['s', D0, 'variant', 'hero', 'x', 'treatment', 'new', 1, 2, 0, 0, 0, 0]]);
    // The bandit's rows follow the segment each impression reports.
    expect(out.variantStats).toEqual([['s', 'hero', 'x', 'new', 1, 0], ['s', 'hero', 'x', 'returning', 1, 0]]);
  });

  it('counts a conversion only with an exposure, stored or in the fold, within the window; else apart', () => {
    const none = fold(empty(), [converted(T0)]);
    expect(none.members).toEqual([]);
    expect(counts(none, 'unmatched-conversion')).toEqual([['s', D0, 'unmatched-conversion', 'hero', '', 1, 0]]);
    const stored = withMembers([['s', 'v', 'variant', 'hero', 'x', 'treatment'], { day: D0 - 3, label: 'new', conversions: 0, value: 0, last_seen: T0 - 3 * DAY }]);
    const out = fold(stored, [converted(T0)]);
    expect(cohort(out, 'variant')).toEqual([['s', D0 - 3, 'variant', 'hero', 'x', 'treatment', 'new', 0, 0, 1, 1, 10, 100]]);
    expect(out.variantStats).toEqual([['s', 'hero', 'x', 'new', 0, 1]]);
    // A 2-day window from the config: the exposure 3 days ago no longer counts.
    const late = fold(stored, [converted(T0)], () => ({ windowMs: 2 * DAY, goals: null }));
    expect(cohort(late, 'variant')).toEqual([]);
    expect(counts(late, 'unmatched-conversion')).toHaveLength(1);
  });

  it('counts each goal at most once per exposure, a stored goal included, and the bandit only the first', () => {
    const out = fold(empty(), [viewed(T0), converted(T0 + MIN), converted(T0 + 2 * MIN), converted(T0 + 3 * MIN, { goal: 'signup', value: 5 })]);
    expect(member(out, 'variant')!.slice(8, 10)).toEqual([2, 15]);
    expect(out.members.filter((r) => r[2] === 'goal').map((r) => r[3])).toEqual(['["hero","order"]', '["hero","signup"]']);
    expect(out.variantStats).toEqual([['s', 'hero', 'x', 'new', 1, 1]]);
    const stored = withMembers(
      [['s', 'v', 'variant', 'hero', 'x', 'treatment'], { day: D0, label: 'new', conversions: 1, value: 10, last_seen: T0 }],
      [['s', 'v', 'goal', '["hero","order"]', 'x', 'treatment'], { day: 0, label: '', conversions: 1, value: 0, last_seen: 0 }],
    );
    expect(fold(stored, [converted(T0 + MIN)]).members).toEqual([]);
    // The config's goals: any other goal is not counted.
    expect(fold(stored, [converted(T0 + MIN, { goal: 'other' })], () => ({ windowMs: DAY, goals: new Set(['order', 'signup']) })).members).toEqual([]);
  });

  it('starts a session after 30 minutes without a page view, never for one sent late, from the stored last view', () => {
    const stored = withMembers([['s', 'v', 'visitor', '', '', ''], { day: D0, label: '', conversions: 0, value: 0, last_seen: T0 - 10 * MIN }]);
    const out = fold(stored, [page(T0), page(T0 + 29 * MIN), page(T0 + 60 * MIN), page(T0 + 5 * MIN)]);
    expect(counts(out, 'session')).toEqual([['s', D0, 'session', '', '', 1, 0]]);
    expect(counts(out, 'page')[0][5]).toBe(4);
    expect(member(out, 'visitor', '')![10]).toBe(T0 + 60 * MIN);
  });

  it('puts a visitor first exposed in the site holdout in the holdout cohort, which their orders convert', () => {
    const out = fold(empty(), [viewed(T0, { group: 'holdout', holdout: 'site' }), viewed(T0 + DAY, { placement: 'grid' }), order(T0 + 2 * DAY)]);
    expect(cohort(out, 'site')).toEqual([['s', D0, 'site', '', '', '', 'holdout', 1, 0, 1, 1, 20, 400]]);
    expect(out.variantStats).toEqual([['s', 'grid', 'x', 'new', 1, 0]]);
    expect(counts(out, 'repeat-order')).toEqual([]);
  });

  it('moves a quiz completer with what they earned from the starters’ row to the completers’', () => {
    const quiz = (name: string, time: number) => ev('track', name, { quiz_id: 'q', outcome: 'bold' }, time);
    const out = fold(empty(), [quiz('Quiz Started', T0), order(T0 + MIN), quiz('Quiz Completed', T0 + DAY)]);
    expect(cohort(out, 'quiz')).toEqual([
      ['s', D0, 'quiz', 'q', '', '', 'started', 0, 0, 0, 0, 0, 0],
      ['s', D0, 'quiz', 'q', '', '', 'completed', 1, 0, 1, 1, 20, 400],
    ]);
    expect(counts(out, 'quiz-completed')).toEqual([['s', D0 + 1, 'quiz-completed', 'q', 'bold', 1, 0]]);
  });

  it('credits a row with an order of a product clicked in it within 7 days, stored clicks included', () => {
    const click = (time: number, list: string) => ev('track', 'Product Clicked', { list_id: list, product_id: 'p1' }, time);
    const state: AggregateState = { ...empty(), clicks: new Map([[clickId('s', 'v', 'p1'), new Map([['old', T0 - 8 * DAY], ['recent', T0 - 6 * DAY]])]]) };
    const out = fold(state, [click(T0, 'top'), order(T0 + MIN, [{ product_id: 'p1', price: 7 }, { product_id: 'p2', price: 3 }], 10), order(T0 + 8 * DAY, [{ product_id: 'p1', price: 7 }], 7)]);
    expect(counts(out, 'row-order').sort()).toEqual([['s', D0, 'row-order', 'recent', '', 1, 7], ['s', D0, 'row-order', 'top', '', 1, 7]]);
    expect(out.rowClicks).toEqual([['s', 'v', 'p1', 'top', T0]]);
  });

  it('puts new days in the stored chains and leaves the state as it was', () => {
    const state: AggregateState = { ...empty(), chains: new Map([['s\0v\0active', [D0 - 2, D0 + 2]]]) };
    const before = structuredClone(state);
    const out = fold(state, [page(T0), page(T0 + 3 * DAY)]);
    expect(out.visitorDays).toEqual([['s', 'v', 'active', D0], ['s', 'v', 'active', D0 + 3]]);
    expect(out.dayLinks).toEqual([['s', 'active', D0, D0 - 2, 1], ['s', 'active', D0 + 2, D0 - 2, -1], ['s', 'active', D0 + 2, D0, 1], ['s', 'active', D0 + 3, D0 + 2, 1]]);
    expect(state).toEqual(before);
  });
});
