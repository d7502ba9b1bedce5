/**
 * Distinct visitors over any range of days, exactly, at a cost that grows with the
 * days in the range and not with the visitors.
 *
 * Each visitor's active days (and, apart, the days they ordered) are a sorted chain
 * in `visitor_days`. `day_links` counts, for each day, how many visitors were active
 * on it and, by the day each of them was active last before it (`prev_day`, −1 for
 * none). A visitor is active in [from, to] exactly when one of their days in it is
 * the first in it, i.e. its previous day is before `from`; so
 *
 *   distinct visitors in [from, to] = Σ visitors of the links with day in [from, to] and prev_day < from
 *
 * and a day's active visitors are the sum of its links. A day arriving out of order
 * (an outbox sent late) is put in its place in the chain, and the link of the day
 * after it is moved, so the counts stay exact.
 */
import type { Db } from './database';

/** Active days (`active`) and order days (`ordered`) are separate chains. */
export type DayKind = 'active' | 'ordered';

/** Records visitor days; changes to `day_links` are summed and written by {@link VisitorDays.flush}. */
export interface VisitorDays {
  /** `visitor` was active (or ordered) on `day`; repeated calls are free until flushed. */
  add(site: string, visitor: string, kind: DayKind, day: number): void;
  /** Puts the batch's new days in their chains and writes the links. */
  flush(): void;
  /** Forgets what was added since the last flush. */
  clear(): void;
}

const keyOf = (parts: readonly (string | number)[]) => parts.join('\0');

/** Prepares the statements over a migrated database. */
export function createVisitorDays(db: Db): VisitorDays {
  // The visitor's first day on or after `day`: `day` itself if already recorded, else the next one.
  const atOrAfter = db
    .prepare<[string, string, string, number], { day: number }>('SELECT day FROM visitor_days WHERE site = ? AND visitor = ? AND kind = ? AND day >= ? ORDER BY day LIMIT 1');
  const before = db
    .prepare<[string, string, string, number], { day: number }>(
      'SELECT day FROM visitor_days WHERE site = ? AND visitor = ? AND kind = ? AND day < ? ORDER BY day DESC LIMIT 1',
    );
  const insert = db.prepare<[string, string, string, number]>('INSERT INTO visitor_days (site, visitor, kind, day) VALUES (?, ?, ?, ?)');
  const upsertLink = db.prepare<[string, string, number, number, number]>(
    `INSERT INTO day_links (site, kind, day, prev_day, visitors) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site, kind, day, prev_day) DO UPDATE SET visitors = visitors + excluded.visitors`,
  );
  let pending = new Map<string, [string, string, DayKind, number]>();

  return {
    add(site, visitor, kind, day) {
      const id = keyOf([site, visitor, kind, day]);
      if (!pending.has(id)) pending.set(id, [site, visitor, kind, day]);
    },
    flush() {
      const links = new Map<string, [string, string, number, number, number]>();
      const link = (site: string, kind: string, day: number, prev: number, delta: number) => {
        const id = keyOf([site, kind, day, prev]);
        const row = links.get(id);
        if (row) row[4] += delta;
        else links.set(id, [site, kind, day, prev, delta]);
      };
      for (const [site, visitor, kind, day] of pending.values()) {
        const next = atOrAfter.get(site, visitor, kind, day)?.day;
        if (next === day) continue;
        const prev = before.get(site, visitor, kind, day)?.day ?? -1;
        insert.run(site, visitor, kind, day);
        link(site, kind, day, prev, 1);
        // The day after it used to follow `prev`; it now follows `day`.
        if (next !== undefined) {
          link(site, kind, next, prev, -1);
          link(site, kind, next, day, 1);
        }
      }
      for (const row of links.values()) if (row[4] !== 0) upsertLink.run(...row);
      pending = new Map();
    },
    clear() {
      pending = new Map();
    },
  };
}
