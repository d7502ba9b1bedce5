/**
 * What detection knows of each visitor, kept at ingest: who they are (ids), when they
 * were first and last seen (a visit since a cart resets its clock), their orders
 * (customers can be won back), their top category (for New Arrival), and the few
 * identify traits a webhook of the site asked for.
 *
 * Every row comes from an event the collector stored, and the SDK sends nothing until
 * the visitor's consent allows it, so every visitor here consented to sending events.
 * Nothing else (catalog pushes, signals) ever creates a visitor.
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

const decayed = (score: number, at: number, now: number) => score * 2 ** (-(Math.max(0, now - at)) / AFFINITY.halfLifeMs);

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

/** The visitors one batch touches, read once and written back once at its end. */
export interface VisitorBatch {
  /** The visitor's row, created for a first event. */
  get(site: string, visitor: string, time: number): VisitorRow;
  /** Adds `weight` to the visitor's affinity for `category` at `time`, and moves their top category if it now leads. */
  affinity(row: VisitorRow, category: string, weight: number, time: number): void;
  /** Writes every touched row; call once per batch, inside its transaction. */
  flush(): VisitorRow[];
}

/** Prepares the visitor statements over a migrated database. */
export function createVisitorBatch(db: Db): () => VisitorBatch {
  const select = db.prepare<[string, string], VisitorRow>('SELECT * FROM trigger_visitors WHERE site = ? AND visitor = ?');
  const upsert = db.prepare<[VisitorRow]>(
    `INSERT INTO trigger_visitors (site, visitor, anonymous_id, user_id, first_seen, last_seen, orders, last_order, traits, top_category, top_score, top_at, arrival_at)
     VALUES (@site, @visitor, @anonymous_id, @user_id, @first_seen, @last_seen, @orders, @last_order, @traits, @top_category, @top_score, @top_at, @arrival_at)
     ON CONFLICT (site, visitor) DO UPDATE SET anonymous_id = excluded.anonymous_id, user_id = excluded.user_id,
       first_seen = excluded.first_seen, last_seen = excluded.last_seen, orders = excluded.orders, last_order = excluded.last_order, traits = excluded.traits,
       top_category = excluded.top_category, top_score = excluded.top_score, top_at = excluded.top_at`,
  );
  const selectAffinity = db.prepare<[string, string, string], { score: number; at: number }>(
    'SELECT score, at FROM trigger_affinity WHERE site = ? AND visitor = ? AND category = ?',
  );
  const putAffinity = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO trigger_affinity (site, visitor, category, score, at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site, visitor, category) DO UPDATE SET score = excluded.score, at = excluded.at`,
  );
  return () => {
    const rows = new Map<string, VisitorRow>();
    return {
      get(site, visitor, time) {
        const id = `${site}\0${visitor}`;
        let row = rows.get(id);
        if (!row) {
          row = select.get(site, visitor) ?? {
            site, visitor, anonymous_id: null, user_id: null, first_seen: time, last_seen: time, orders: 0, last_order: 0,
            traits: '{}', top_category: null, top_score: 0, top_at: 0, arrival_at: 0,
          };
          rows.set(id, row);
        }
        return row;
      },
      affinity(row, category, weight, time) {
        const was = selectAffinity.get(row.site, row.visitor, category);
        const score = (was ? decayed(was.score, was.at, time) : 0) + weight;
        const at = Math.max(time, was?.at ?? 0);
        putAffinity.run(row.site, row.visitor, category, score, at);
        // Every score decays at the same rate, so the leader can change only when one
        // grows: comparing the grown score with the leader's, decayed to now, is exact.
        if (row.top_category === category || score > decayed(row.top_score, row.top_at, time)) {
          Object.assign(row, { top_category: category, top_score: score, top_at: at });
        }
      },
      flush() {
        for (const row of rows.values()) upsert.run(row);
        return [...rows.values()];
      },
    };
  };
}
