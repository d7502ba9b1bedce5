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
 * A fold gathers each visitor's changes in memory and writes them with one statement;
 * the row is read first only when affinities or traits need its current values.
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

/** The visitors one fold touches. */
export interface VisitorBatch {
  /** The visitor's changes so far in this fold (created for its first event). */
  change(site: string, visitor: string, time: number): VisitorChange;
  /** Writes every touched row; call once per fold, inside its transaction. */
  flush(): void;
}

interface Stored {
  traits: string;
  scores: string;
  top_category: string | null;
  top_score: number;
  top_at: number;
}

/** Prepares the visitor statements over a migrated database. */
export function createVisitorBatch(db: Db): () => VisitorBatch {
  const select = db.prepare<[string, string], Stored>('SELECT traits, scores, top_category, top_score, top_at FROM trigger_visitors WHERE site = ? AND visitor = ?');
  const write = (also: string) =>
    db.prepare<[string, string, string | null, string | null, number, number, number, number, string, string, string | null, number, number]>(
      `INSERT INTO trigger_visitors (site, visitor, anonymous_id, user_id, first_seen, last_seen, orders, last_order, traits, scores, top_category, top_score, top_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, visitor) DO UPDATE SET anonymous_id = coalesce(excluded.anonymous_id, anonymous_id),
         user_id = coalesce(excluded.user_id, user_id), first_seen = min(first_seen, excluded.first_seen),
         last_seen = max(last_seen, excluded.last_seen), orders = orders + excluded.orders, last_order = max(last_order, excluded.last_order)${also}`,
    );
  // The light write leaves traits and affinities as they are; the full one sets what was computed from the row.
  const light = write('');
  const full = write(', traits = excluded.traits, scores = excluded.scores, top_category = excluded.top_category, top_score = excluded.top_score, top_at = excluded.top_at');

  return () => {
    const changes = new Map<string, [site: string, visitor: string, change: VisitorChange]>();
    return {
      change(site, visitor, time) {
        const id = `${site}\0${visitor}`;
        let entry = changes.get(id);
        if (!entry) {
          entry = [site, visitor, { anonymousId: null, userId: null, first: time, last: time, orders: 0, lastOrder: 0, traits: null, affinity: [] }];
          changes.set(id, entry);
        }
        return entry[2];
      },
      flush() {
        for (const [site, visitor, c] of changes.values()) {
          const ids = [site, visitor, c.anonymousId, c.userId, c.first, c.last, c.orders, c.lastOrder] as const;
          if (c.traits === null && c.affinity.length === 0) {
            light.run(...ids, '{}', '{}', null, 0, 0);
            continue;
          }
          const row = select.get(site, visitor);
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
          full.run(...ids, traits, JSON.stringify(Object.fromEntries(scores)), top.category, top.score, top.at);
        }
        changes.clear();
      },
    };
  };
}
