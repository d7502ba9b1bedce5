/**
 * One person across devices and ids: the links from anonymous ids (and ids merged by
 * `alias`) to the user id that is kept, maintained at ingest, and the visitor key the
 * report's per-visitor rows are counted under.
 *
 * Segment's semantics: an `identify` (and any event carrying both ids) says the device's
 * `anonymousId` is user `userId`; an `alias` says `previousId` (an anonymous id or an
 * earlier user id) is the same person as `userId`, who is kept. The **visitor** of an
 * event is then the person: the user id once known (through the event itself or a link
 * of its anonymous id), else the anonymous id.
 *
 * What happens to what was counted before a link: a person's rows move to the user id
 * when it has none yet, so the first device's visitor simply becomes the user (its
 * exposures still match the conversions it makes once signed in). When the user already
 * has rows (a second device, or an alias of two known users), the earlier id's rows stay
 * where they are: that device was counted as a visitor of its own until it was linked,
 * and everything after the link counts for the user. Merging two sets of rows would mean
 * recounting cohorts and visitor-day chains; keeping them is exact about what was known
 * when. Links are one hop (nothing links to an id that is itself linked), so resolving
 * an id is one indexed lookup; a fold reads the links of all its ids with one statement.
 */
import type { Db } from './database';
import type { ValidEvent } from './validate-event';
import { distinctKeys, keyedReader, type KeyTuple } from './fold-load';

/** The identity part of schema 2 (CREATE … IF NOT EXISTS; see server/database.ts). */
export const IDENTITY_TABLES = `
CREATE TABLE IF NOT EXISTS identity_links (
  site       TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (site, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identity_links_by_user ON identity_links (site, user_id);
`;

/** How a link was learned: an anonymous id seen with a user id, or an id merged by `alias`. */
export type LinkKind = 'anonymous' | 'alias';

/** The per-visitor tables of the report, whose rows move to the user id on a first link. */
export const PERSON_TABLES = ['cohort_members', 'visitor_days', 'row_clicks'] as const;

// A link's last_seen is refreshed at most this often: identified visitors send every
// batch with both ids, and a write per batch would cost more than the lookup it follows.
const TOUCH_EVERY_MS = 3600_000;

/** The identity statements over a migrated database. */
export interface Identities {
  /**
   * Learns the links a batch carries, in order, then returns the visitor key of each of
   * its events. Call inside the batch's transaction, before its aggregates are counted.
   */
  resolve(events: readonly ValidEvent[]): (event: ValidEvent) => string;
  /** The person `id` (an anonymous id, or a user id) belongs to: its link's user id, else `id` itself. */
  personOf(site: string, id: string): string;
}

interface Link {
  user_id: string;
  last_seen: number;
}

/** Prepares the identity statements. */
export function createIdentities(db: Db): Identities {
  const select = db.prepare<[string, string], Link>('SELECT user_id, last_seen FROM identity_links WHERE site = ? AND id = ?');
  const upsert = db.prepare<[string, string, string, string, number, number]>(
    `INSERT INTO identity_links (site, id, user_id, kind, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (site, id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind,
       first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  );
  const repoint = db.prepare<[string, string, string]>('UPDATE identity_links SET user_id = ? WHERE site = ? AND user_id = ?');
  const anyRow = db
    .prepare<string[]>(`SELECT ${PERSON_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE site = ? AND visitor = ?)`).join(' OR ')}`)
    .raw(true);
  const hasRows = (site: string, visitor: string) => !!anyRow.get(...PERSON_TABLES.flatMap(() => [site, visitor]))?.[0];
  const moves = PERSON_TABLES.map((t) => db.prepare<[string, string, string]>(`UPDATE ${t} SET visitor = ? WHERE site = ? AND visitor = ?`));

  const selectAll = keyedReader(db, 'identity_links', ['site', 'id'], 'site, id, user_id, last_seen');

  // Links read in this batch (null: none), so each id costs one lookup per batch.
  const cache = new Map<string, Link | null>();
  const key = (site: string, id: string) => `${site}\0${id}`;
  const linkOf = (site: string, id: string): Link | null => {
    const k = key(site, id);
    let link = cache.get(k);
    if (link === undefined) cache.set(k, (link = select.get(site, id) ?? null));
    return link;
  };
  const personOf = (site: string, id: string) => linkOf(site, id)?.user_id ?? id;

  const write = (site: string, id: string, user: string, kind: LinkKind, time: number) => {
    upsert.run(site, id, user, kind, time, time);
    cache.set(key(site, id), { user_id: user, last_seen: Math.max(time, linkOf(site, id)?.last_seen ?? 0) });
  };

  // `from` (an id counted as a visitor of its own) becomes part of person `to`.
  const join = (site: string, from: string, to: string, kind: LinkKind, time: number) => {
    if (!hasRows(site, to)) for (const move of moves) move.run(to, site, from);
    // Whatever linked to `from` links to `to` now, so every link stays one hop.
    repoint.run(to, site, from);
    for (const [k, link] of cache) if (link?.user_id === from) cache.set(k, { ...link, user_id: to });
    write(site, from, to, kind, time);
  };

  // An anonymous id seen with a user id: linked for good on the first sight. A device
  // already linked to someone else (a shared computer) follows the latest user.
  const identify = (site: string, anonymousId: string, userId: string, time: number) => {
    const person = personOf(site, userId);
    const link = linkOf(site, anonymousId);
    if (anonymousId === person) return;
    if (!link) join(site, anonymousId, person, 'anonymous', time);
    else if (link.user_id !== person) write(site, anonymousId, person, 'anonymous', time);
    else if (time - link.last_seen > TOUCH_EVERY_MS) write(site, anonymousId, person, 'anonymous', time);
  };

  // Segment's alias: previousId's person is merged into userId's, which is kept.
  const alias = (site: string, previousId: string, userId: string, time: number) => {
    const person = personOf(site, userId);
    const old = personOf(site, previousId);
    // A previousId linked to `old` is repointed by the join.
    if (old !== person) join(site, old, person, 'alias', time);
  };

  return {
    resolve(events) {
      cache.clear();
      // Every id of the fold, read at once; ids met later (a join's target) are read alone.
      const ids: KeyTuple[] = [];
      for (const e of events) {
        if (e.anonymousId) ids.push([e.site, e.anonymousId]);
        if (e.userId) ids.push([e.site, e.userId]);
        if (e.type === 'alias') {
          const previousId = previousIdOf(e);
          if (previousId) ids.push([e.site, previousId]);
        }
      }
      const distinct = distinctKeys(ids);
      for (const [site, id] of distinct) cache.set(key(site as string, id as string), null);
      for (const [site, id, user_id, last_seen] of selectAll(distinct) as [string, string, string, number][]) cache.set(key(site, id), { user_id, last_seen });
      for (const e of events) {
        if (e.type === 'alias' && e.userId) {
          const previousId = previousIdOf(e);
          if (previousId) alias(e.site, previousId, e.userId, e.time);
        } else if (e.anonymousId && e.userId) identify(e.site, e.anonymousId, e.userId, e.time);
      }
      return (e) => personOf(e.site, e.userId ?? e.anonymousId!);
    },
    personOf(site, id) {
      cache.clear();
      return personOf(site, id);
    },
  };
}

// Validation has checked previousId; it is read from the stored payload, so a rebuild
// from stored events reads it the same way.
function previousIdOf(e: ValidEvent): string | undefined {
  const { previousId } = JSON.parse(e.payload) as { previousId?: unknown };
  return typeof previousId === 'string' && previousId ? previousId : undefined;
}
