/**
 * The identity links on PostgreSQL: server/identity.ts's `resolve`, rule for rule, over a
 * client in the fold's transaction. What the rules are, and why, is told there; this is
 * its shell for a store whose every statement is a round trip.
 *
 * Why a port and not a shared pure function: a link's join reads whether the person has
 * rows yet and moves rows across three tables, each depending on joins before it in the
 * same fold, so the SQLite code is a read-modify-write sequence, not load → pure → write.
 * Joins happen once per new device, so they stay statements; the links of every id the
 * fold names are read with one statement up front. The conformance test
 * (test/server/postgres/fold-conformance.test.ts) holds both to the same rows.
 */
import type { ValidEvent } from '../validate-event';
import { PERSON_TABLES, type LinkKind } from '../identity';
import { distinctKeys, type KeyTuple } from '../fold-load';
import { unnestReader, type Queryable } from './sql';

interface Link {
  user_id: string;
  last_seen: number;
}

// As server/identity.ts: a link's last_seen is refreshed at most this often.
const TOUCH_EVERY_MS = 3600_000;

const readLinks = unnestReader('identity_links', [['site', 'text'], ['id', 'text']], 'site, id, user_id, last_seen');
const UPSERT = `INSERT INTO identity_links (site, id, user_id, kind, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (site, id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind,
    first_seen = LEAST(identity_links.first_seen, excluded.first_seen), last_seen = GREATEST(identity_links.last_seen, excluded.last_seen)`;
const REPOINT = 'UPDATE identity_links SET user_id = $1 WHERE site = $2 AND user_id = $3';
const HAS_ROWS = `SELECT ${PERSON_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE site = $1 AND visitor = $2)`).join(' OR ')} AS any`;
const MOVES = PERSON_TABLES.map((t) => `UPDATE ${t} SET visitor = $1 WHERE site = $2 AND visitor = $3`);

/**
 * Learns the links the fold's events carry, in order, and returns the visitor (person) of
 * each event; call inside the fold's transaction, before its aggregates are counted.
 */
export async function resolveIdentities(client: Queryable, events: readonly ValidEvent[]): Promise<(event: ValidEvent) => string> {
  const cache = new Map<string, Link | null>();
  const key = (site: string, id: string) => `${site}\0${id}`;
  const linkOf = async (site: string, id: string): Promise<Link | null> => {
    const k = key(site, id);
    let link = cache.get(k);
    if (link === undefined) {
      const { rows } = await client.query<Link>('SELECT user_id, last_seen FROM identity_links WHERE site = $1 AND id = $2', [site, id]);
      cache.set(k, (link = rows[0] ?? null));
    }
    return link;
  };
  const personOf = async (site: string, id: string) => (await linkOf(site, id))?.user_id ?? id;

  const write = async (site: string, id: string, user: string, kind: LinkKind, time: number) => {
    await client.query(UPSERT, [site, id, user, kind, time, time]);
    cache.set(key(site, id), { user_id: user, last_seen: Math.max(time, (await linkOf(site, id))?.last_seen ?? 0) });
  };

  const join = async (site: string, from: string, to: string, kind: LinkKind, time: number) => {
    const { rows } = await client.query<{ any: boolean }>(HAS_ROWS, [site, to]);
    if (!rows[0].any) for (const move of MOVES) await client.query(move, [to, site, from]);
    await client.query(REPOINT, [to, site, from]);
    for (const [k, link] of cache) if (link?.user_id === from) cache.set(k, { ...link, user_id: to });
    await write(site, from, to, kind, time);
  };

  const identify = async (site: string, anonymousId: string, userId: string, time: number) => {
    const person = await personOf(site, userId);
    const link = await linkOf(site, anonymousId);
    if (anonymousId === person) return;
    if (!link) await join(site, anonymousId, person, 'anonymous', time);
    else if (link.user_id !== person) await write(site, anonymousId, person, 'anonymous', time);
    else if (time - link.last_seen > TOUCH_EVERY_MS) await write(site, anonymousId, person, 'anonymous', time);
  };

  const alias = async (site: string, previousId: string, userId: string, time: number) => {
    const person = await personOf(site, userId);
    const old = await personOf(site, previousId);
    if (old !== person) await join(site, old, person, 'alias', time);
  };

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
  for (const [site, id, user_id, last_seen] of (await readLinks(client, distinct)) as [string, string, string, number][]) cache.set(key(site, id), { user_id, last_seen });
  for (const e of events) {
    if (e.type === 'alias' && e.userId) {
      const previousId = previousIdOf(e);
      if (previousId) await alias(e.site, previousId, e.userId, e.time);
    } else if (e.anonymousId && e.userId) await identify(e.site, e.anonymousId, e.userId, e.time);
  }
  // Every id of the fold is in the cache now, so the answer needs no statement.
  return (e) => {
    const id = e.userId ?? e.anonymousId!;
    return cache.get(key(e.site, id))?.user_id ?? id;
  };
}

// As server/identity.ts: previousId is read from the stored payload.
function previousIdOf(e: ValidEvent): string | undefined {
  const { previousId } = JSON.parse(e.payload) as { previousId?: unknown };
  return typeof previousId === 'string' && previousId ? previousId : undefined;
}
