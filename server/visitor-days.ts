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
 *
 * {@link placeDays} is the pure part (a fold's new days against its visitors' stored
 * chains); {@link createVisitorDays} is a shell over it that reads and writes one batch.
 */
import type { Db } from './database';
import { keysReader, type KeyTuple } from './fold-load';

/** Active days (`active`) and order days (`ordered`) are separate chains. */
export type DayKind = 'active' | 'ordered';

/** A `visitor_days` row. */
export type DayRow = [site: string, visitor: string, kind: DayKind, day: number];
/** A `day_links` delta: visitors added to (site, kind, day, prev_day); never 0. */
export type LinkRow = [site: string, kind: string, day: number, prevDay: number, visitors: number];

/** Stored chains by `site\0visitor\0kind`: each visitor's days, ascending (or the part of them around the new days: see {@link createChainReader}). */
export type DayChains = ReadonlyMap<string, readonly number[]>;

const keyOf = (parts: readonly (string | number)[]) => parts.join('\0');

/** The key of a chain in {@link DayChains}. */
export const chainKey = (site: string, visitor: string, kind: string): string => `${site}\0${visitor}\0${kind}`;

/** Index of the first day ≥ `day` in an ascending chain. */
function firstAtOrAfter(chain: readonly number[], day: number): number {
  let lo = 0;
  let hi = chain.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chain[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Puts new days, in the order given, into their visitors' chains: the rows to insert
 * and the links' deltas (summed per link, zero sums left out). Pure: `chains` is not
 * changed; a day already in its chain (stored, or earlier in `days`) adds nothing.
 */
export function placeDays(chains: DayChains, days: Iterable<DayRow>): { visitorDays: DayRow[]; dayLinks: LinkRow[] } {
  const touched = new Map<string, number[]>();
  const inserts: DayRow[] = [];
  const links = new Map<string, LinkRow>();
  const link = (site: string, kind: string, day: number, prev: number, delta: number) => {
    const id = `${site}\0${kind}\0${day}\0${prev}`;
    const row = links.get(id);
    if (row) row[4] += delta;
    else links.set(id, [site, kind, day, prev, delta]);
  };
  for (const row of days) {
    const [site, visitor, kind, day] = row;
    const id = chainKey(site, visitor, kind);
    let chain = touched.get(id);
    if (!chain) touched.set(id, (chain = [...(chains.get(id) ?? [])]));
    const at = firstAtOrAfter(chain, day);
    if (chain[at] === day) continue;
    const prev = at > 0 ? chain[at - 1] : -1;
    const next = at < chain.length ? chain[at] : undefined;
    chain.splice(at, 0, day);
    inserts.push(row);
    link(site, kind, day, prev, 1);
    // The day after it used to follow `prev`; it now follows `day`.
    if (next !== undefined) {
      link(site, kind, next, prev, -1);
      link(site, kind, next, day, 1);
    }
  }
  return { visitorDays: inserts, dayLinks: [...links.values()].filter((row) => row[4] !== 0) };
}

/**
 * Reads, with one statement, what {@link placeDays} needs of each chain a fold adds to,
 * given as (site, visitor, kind, earliest new day): the stored days from that day on and
 * the one day before it. Every new day's neighbours are among those, and a fold's new
 * days are mostly today's, so this is a row or two per visitor, not their whole history.
 */
export function createChainReader(db: Db): (chains: readonly KeyTuple[]) => Map<string, number[]> {
  const k = (i: number) => `k.value->>${i}`;
  const read = keysReader(
    db,
    `SELECT d.site, d.visitor, d.kind, d.day FROM json_each(?) k
       JOIN visitor_days d ON d.site = ${k(0)} AND d.visitor = ${k(1)} AND d.kind = ${k(2)} AND d.day >= ${k(3)}
     UNION ALL
     SELECT ${k(0)}, ${k(1)}, ${k(2)},
       (SELECT max(d.day) FROM visitor_days d WHERE d.site = ${k(0)} AND d.visitor = ${k(1)} AND d.kind = ${k(2)} AND d.day < ${k(3)})
     FROM json_each(?) k`,
  );
  return (keys) => chainsOfRows(read(keys) as [string, string, string, number | null][]);
}

/** The chains of (site, visitor, kind, day) rows as {@link createChainReader}'s statement returns them (null days skipped), each ascending. */
export function chainsOfRows(rows: Iterable<readonly [string, string, string, number | null]>): Map<string, number[]> {
  const chains = new Map<string, number[]>();
  for (const [site, visitor, kind, day] of rows) {
    if (day === null) continue;
    const id = chainKey(site, visitor, kind);
    const chain = chains.get(id);
    if (chain) chain.push(day);
    else chains.set(id, [day]);
  }
  for (const chain of chains.values()) chain.sort((a, b) => a - b);
  return chains;
}

/** The (site, visitor, kind, earliest day) of each chain that `days` add to. */
export function chainKeysOf(days: Iterable<DayRow>): KeyTuple[] {
  const earliest = new Map<string, [string, string, string, number]>();
  for (const [site, visitor, kind, day] of days) {
    const id = chainKey(site, visitor, kind);
    const held = earliest.get(id);
    if (!held) earliest.set(id, [site, visitor, kind, day]);
    else if (day < held[3]) held[3] = day;
  }
  return [...earliest.values()];
}

/** Prepares the writes of {@link placeDays}'s output, for the caller's transaction. */
export function createDayWriter(db: Db): (changes: { visitorDays: readonly DayRow[]; dayLinks: readonly LinkRow[] }) => void {
  const insert = db.prepare<DayRow>('INSERT INTO visitor_days (site, visitor, kind, day) VALUES (?, ?, ?, ?)');
  const upsertLink = db.prepare<LinkRow>(
    `INSERT INTO day_links (site, kind, day, prev_day, visitors) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site, kind, day, prev_day) DO UPDATE SET visitors = day_links.visitors + excluded.visitors`,
  );
  // A link a day arriving late took its last visitor from is deleted: a row of 0 would
  // make the stored rows depend on where folds began (in one fold, +1 and −1 sum to no row).
  const dropEmpty = db.prepare<[string, string, number, number]>('DELETE FROM day_links WHERE site = ? AND kind = ? AND day = ? AND prev_day = ? AND visitors = 0');
  return ({ visitorDays, dayLinks }) => {
    for (const row of visitorDays) insert.run(...row);
    for (const row of dayLinks) {
      upsertLink.run(...row);
      if (row[4] < 0) dropEmpty.run(row[0], row[1], row[2], row[3]);
    }
  };
}

/** Records visitor days; changes to `day_links` are summed and written by {@link VisitorDays.flush}. */
export interface VisitorDays {
  /** `visitor` was active (or ordered) on `day`; repeated calls are free until flushed. */
  add(site: string, visitor: string, kind: DayKind, day: number): void;
  /** Puts the batch's new days in their chains and writes the links. */
  flush(): void;
  /** Forgets what was added since the last flush. */
  clear(): void;
}

/** A shell over {@link placeDays}: reads the added days' chains, places them, writes the result. */
export function createVisitorDays(db: Db): VisitorDays {
  const readChains = createChainReader(db);
  const write = createDayWriter(db);
  let pending = new Map<string, DayRow>();
  return {
    add(site, visitor, kind, day) {
      const id = keyOf([site, visitor, kind, day]);
      if (!pending.has(id)) pending.set(id, [site, visitor, kind, day]);
    },
    flush() {
      const rows = [...pending.values()];
      pending = new Map();
      write(placeDays(readChains(chainKeysOf(rows)), rows));
    },
    clear() {
      pending = new Map();
    },
  };
}
