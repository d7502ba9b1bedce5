/**
 * Which stored rows a fold of the aggregates can read, from its events alone, so the
 * load reads those and not the visitors' whole history (a visitor of a year has a year
 * of days and every variant they saw). It mirrors what aggregate-pure.ts reads: a row
 * it reads and the load left out would count as absent, which the fold-boundary
 * property test (test/server/fold) catches.
 */
import { cleanId, conversionOf, orderOf } from './aggregate-read';
import { memberId, type FoldEvent, type MemberKey } from './aggregate-pure';
import { goalSubject } from './exposure-rules';
import type { KeyTuple } from './fold-load';

/** The keys of a fold's reads, each list without repeats. */
export interface AggregateKeys {
  /** Full `cohort_members` keys: site, visitor, kind, subject, arm, grp. */
  members: KeyTuple[];
  /** (site, visitor) of visitors with an order, whose `site` and `quiz` members it converts. */
  buyers: KeyTuple[];
  /** (site, visitor, kind, earliest day) of each day chain the fold adds to. */
  chains: KeyTuple[];
  /** (site, visitor, product) of the products ordered, whose row clicks are credited. */
  clicks: KeyTuple[];
}

const QUIZ_MEMBER_EVENTS = new Set(['Quiz Started', 'Quiz Completed']);

/** The keys of the rows {@link foldAggregates} may read for `events`. */
export function aggregateKeys(events: readonly FoldEvent[]): AggregateKeys {
  const members = new Map<string, KeyTuple>();
  const member = (key: MemberKey) => {
    const id = memberId(key);
    if (!members.has(id)) members.set(id, key);
  };
  const buyers = new Map<string, KeyTuple>();
  const chains = new Map<string, [string, string, string, number]>();
  const chain = (site: string, visitor: string, kind: string, day: number) => {
    const id = `${site}\0${visitor}\0${kind}`;
    const held = chains.get(id);
    if (!held) chains.set(id, [site, visitor, kind, day]);
    else if (day < held[3]) held[3] = day;
  };
  const clicks = new Map<string, KeyTuple>();
  let lastVisitor: string | undefined;
  let lastSite: string | undefined;
  for (const { event: e, visitor } of events) {
    const site = e.site;
    const day = Math.floor(e.time / 86_400_000);
    chain(site, visitor, 'active', day);
    // A visitor's own member (sessions, orders) is read by a page view or an order.
    const name = e.event;
    if ((e.type === 'page' || name === 'Order Completed') && (visitor !== lastVisitor || site !== lastSite)) {
      member([site, visitor, 'visitor', '', '', '']);
      lastVisitor = visitor;
      lastSite = site;
    }
    if (e.type !== 'track') continue;
    if (name === 'Variant Viewed') {
      const { placement, variant, group } = e.properties as Record<string, string>;
      const grp = group === 'holdout' ? 'holdout' : 'treatment';
      member([site, visitor, 'variant', placement, variant, grp]);
      member([site, visitor, 'placement', placement, '', grp]);
      member([site, visitor, 'site', '', '', '']);
    } else if (name === 'Variant Converted') {
      const { placement, variant, grp } = conversionOf(e.properties);
      const goal = typeof e.properties.goal === 'string' ? e.properties.goal : '';
      member([site, visitor, 'variant', placement, variant, grp]);
      member([site, visitor, 'placement', placement, '', grp]);
      member([site, visitor, 'goal', goalSubject(placement, goal), variant, grp]);
    } else if (name === 'Order Completed') {
      chain(site, visitor, 'ordered', day);
      buyers.set(`${site}\0${visitor}`, [site, visitor]);
      for (const { productId } of orderOf(e.properties).products) clicks.set(`${site}\0${visitor}\0${productId}`, [site, visitor, productId]);
    } else if (QUIZ_MEMBER_EVENTS.has(name!)) {
      const quizId = cleanId(e.properties.quiz_id);
      if (quizId !== null) member([site, visitor, 'quiz', quizId, '', '']);
    }
  }
  return { members: [...members.values()], buyers: [...buyers.values()], chains: [...chains.values()], clicks: [...clicks.values()] };
}
