/**
 * What detection knows of each visitor, kept as events are folded: who they are (ids),
 * when they were first and last seen (a visit resets a signal's clock), their orders
 * and latest order, their category affinities and top category (for New Arrival), and
 * the few identify traits a webhook of the site asked for.
 *
 * Every row comes from an event the collector stored, and the SDK sends nothing until
 * the visitor's consent allows it, so every visitor here consented to sending events.
 * Nothing else (catalog pushes, signals) ever creates a visitor.
 *
 * A fold gathers each visitor's changes in memory (server/triggers/fold.ts) and writes
 * each touched row with one statement; the stored row's traits and affinities are read
 * with the fold's other rows, and used only when the fold changes them.
 */
import { DEFAULT_PROFILE_OPTIONS } from '../../src/profile/profile';
import type { Db } from '../database';
import type { SiteSettings } from '../sites';

/** One visitor's row of `trigger_visitors`. */
export interface VisitorRow {
  site: string;
  visitor: string;
  anonymous_id: string | null;
  user_id: string | null;
  first_seen: number;
  last_seen: number;
  orders: number;
  /** When their latest order was placed (0 for none). */
  last_order: number;
  /** JSON object of the kept traits. */
  traits: string;
  top_category: string | null;
  top_score: number;
  top_at: number;
  /** When the visitor's last New Arrival fired (0 for never). */
  arrival_at: number;
}

/** Affinity weights and half-life, as the profile on the device weighs them. */
export const AFFINITY = { view: 1, add: 3, order: 5, halfLifeMs: DEFAULT_PROFILE_OPTIONS.affinityHalfLifeDays * 864e5 };

const decayed = (score: number, at: number, now: number) => score * 2 ** (-Math.max(0, now - at) / AFFINITY.halfLifeMs);

/**
 * The traits of an identify event that may be kept: those a webhook of the site
 * delivers, and of those the sensitive ones only when the site stores them.
 */
export function keptTraits(settings: SiteSettings | undefined, traits: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (!settings) return kept;
  for (const hook of settings.webhooks) {
    for (const name of hook.traits) {
      if (!Object.hasOwn(traits, name)) continue;
      if (settings.sensitiveTraits.includes(name) && !settings.storeSensitiveTraits) continue;
      kept[name] = traits[name];
    }
  }
  return kept;
}

/** One visitor's changes in a fold. */
export interface VisitorChange {
  anonymousId: string | null;
  userId: string | null;
  first: number;
  last: number;
  orders: number;
  lastOrder: number;
  traits: Record<string, unknown> | null;
  /** Affinity added, in event order: [category, weight, time]. */
  affinity: [string, number, number][];
}

/** The stored part of a visitor's row that a fold builds on. */
export interface StoredVisitor {
  traits: string;
  scores: string;
  top_category: string | null;
  top_score: number;
  top_at: number;
}

/**
 * A visitor's write: ids, first and last seen, orders and last order are merged with the
 * stored row by the upsert (min, max, sum); `full` rows also set traits and affinities.
 */
export type VisitorWrite = [
  site: string, visitor: string, anonymousId: string | null, userId: string | null, first: number, last: number, orders: number, lastOrder: number,
  traits: string, scores: string, topCategory: string | null, topScore: number, topAt: number, full: boolean,
];

/** What one visitor's changes in a fold write over the stored row (pure). */
export function visitorWrite(site: string, visitor: string, c: VisitorChange, row: StoredVisitor | undefined): VisitorWrite {
  const ids = [site, visitor, c.anonymousId, c.userId, c.first, c.last, c.orders, c.lastOrder] as const;
  if (c.traits === null && c.affinity.length === 0) return [...ids, '{}', '{}', null, 0, 0, false];
  const traits = c.traits ? JSON.stringify({ ...(row ? JSON.parse(row.traits) : {}), ...c.traits }) : (row?.traits ?? '{}');
  // A Map, so a category named __proto__ is a category like any other.
  const scores = new Map(Object.entries((row ? JSON.parse(row.scores) : {}) as Record<string, [number, number]>));
  let top = { category: row?.top_category ?? null, score: row?.top_score ?? 0, at: row?.top_at ?? 0 };
  for (const [category, weight, time] of c.affinity) {
    const was = scores.get(category);
    const score = (was ? decayed(was[0], was[1], time) : 0) + weight;
    const at = Math.max(time, was?.[1] ?? 0);
    scores.set(category, [score, at]);
    // Every score decays at the same rate, so the leader can change only when one
    // grows: comparing the grown score with the leader's, decayed to now, is exact.
    if (top.category === category || score > decayed(top.score, top.at, time)) top = { category, score, at };
  }
  return [...ids, traits, JSON.stringify(Object.fromEntries(scores)), top.category, top.score, top.at, true];
}

/** Prepares the visitors' upserts, for the fold's transaction. */
export function createVisitorWriter(db: Db): (rows: readonly VisitorWrite[]) => void {
  const write = (also: string) =>
    db.prepare<[string, string, string | null, string | null, number, number, number, number, string, string, string | null, number, number]>(
      `INSERT INTO trigger_visitors (site, visitor, anonymous_id, user_id, first_seen, last_seen, orders, last_order, traits, scores, top_category, top_score, top_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, visitor) DO UPDATE SET anonymous_id = coalesce(excluded.anonymous_id, trigger_visitors.anonymous_id),
         user_id = coalesce(excluded.user_id, trigger_visitors.user_id), first_seen = min(trigger_visitors.first_seen, excluded.first_seen),
         last_seen = max(trigger_visitors.last_seen, excluded.last_seen), orders = trigger_visitors.orders + excluded.orders,
         last_order = max(trigger_visitors.last_order, excluded.last_order)${also}`,
    );
  // The light write leaves traits and affinities as they are; the full one sets what was computed from the row.
  const light = write('');
  const full = write(', traits = excluded.traits, scores = excluded.scores, top_category = excluded.top_category, top_score = excluded.top_score, top_at = excluded.top_at');
  return (rows) => {
    for (const row of rows) (row[13] ? full : light).run(...(row.slice(0, 13) as Parameters<typeof light.run>));
  };
}
