/**
 * The fold on PostgreSQL: the driver that drains `fold_queue` (one folder at a time across
 * every collector) and the fold's work, the same pure functions as SQLite's
 * (server/fold-hooks.ts) between one load and one write per table.
 *
 * A fold is one transaction: `pg_try_advisory_xact_lock(FOLD_LOCK)` (another collector
 * folding: this one does nothing, its events are that one's next page), `DELETE …
 * RETURNING` a page of queue rows, the events joined, sorted by visitor, folded, the
 * sites' change tokens bumped, COMMIT. Queue rows leave in the transaction that counts
 * them, so each event is folded exactly once whatever the order in which the batches'
 * transactions commit (server/postgres/DESIGN.md, "The fold mark with many writers").
 */
import type pg from 'pg';
import { sortByVisitor, FOLD_INTERVAL_MS, MAX_QUEUED } from '../aggregate-fold';
import { aggregateKeys } from '../aggregate-keys';
import { foldAggregates, type FoldEvent } from '../aggregate-pure';
import { storedEvent, type StoredRow } from '../aggregate-replay';
import type { CoocSettings } from '../cooc/options';
import type { RulesOf } from '../exposure-rules';
import type { SiteRegistry } from '../sites';
import { isServerSignal } from '../triggers/signal';
import type { ValidEvent } from '../validate-event';
import { writeAggregateChanges, loadAggregateState } from './aggregates';
import { createPostgresCoocIngest } from './cooc';
import { resolveIdentities } from './identity';
import { inTransaction, type Queryable } from './sql';
import { createPostgresTriggerIngest } from './triggers';

/** The advisory lock one folder holds across every collector of the database ("attune-fold"). */
export const FOLD_LOCK = 0x61747475666f6c64n;

/** What the fold's hooks read besides the database (as server/fold-hooks.ts's FoldContext). */
export interface PostgresFoldContext {
  /** Each placement's attribution window and goals. */
  rulesOf: RulesOf;
  /** The sites served, with their trigger settings. */
  sites: SiteRegistry;
  /** Co-occurrence's options. */
  cooc: CoocSettings;
}

/** Change-token subjects a fold bumps for the sites it touched: what a cached pull depends on. */
export type TokenSubject = 'stats' | 'report' | 'products';

/** A derive hook on PostgreSQL: folds a fold's visits and names the token subjects it changed per site. */
export type PostgresFoldHook = (client: Queryable, visits: readonly ValidEvent[]) => Promise<[site: string, subject: TokenSubject][]>;

/** Builds a derive hook from the context; called once per fold driver. */
export type PostgresFoldHookFactory = (context: PostgresFoldContext) => PostgresFoldHook;

/** The derive hooks after the aggregates, in order: PostgreSQL's twin of `FOLD_HOOKS` (a new one registers in both). */
export const POSTGRES_FOLD_HOOKS: PostgresFoldHookFactory[] = [
  ({ sites }) => {
    const ingest = createPostgresTriggerIngest(sites);
    return async (client, visits) => (await ingest(client, visits), []);
  },
  ({ cooc }) => {
    const ingest = createPostgresCoocIngest(cooc);
    return async (client, visits) => (await ingest(client, visits)).map((site) => [site, 'products']);
  },
];

/** The fold's whole work over a client in its transaction, for events sorted by visitor; resolves to the tokens to bump. */
export type PostgresFoldApply = (client: Queryable, events: readonly ValidEvent[]) => Promise<[string, TokenSubject][]>;

/** The aggregates then every hook, as `createFoldApply` does on SQLite (the collector's own signals are no visit). */
export function createPostgresFoldApply(context: PostgresFoldContext, hooks: readonly PostgresFoldHookFactory[] = POSTGRES_FOLD_HOOKS): PostgresFoldApply {
  const derive = hooks.map((make) => make(context));
  return async (client, events) => {
    const visits = events.some(isServerSignal) ? events.filter((e) => !isServerSignal(e)) : events;
    const visitorOf = await resolveIdentities(client, visits);
    const folded: FoldEvent[] = visits.map((event) => ({ event, visitor: visitorOf(event) }));
    await writeAggregateChanges(client, foldAggregates(await loadAggregateState(client, aggregateKeys(folded)), folded, context.rulesOf));
    const tokens: [string, TokenSubject][] = [];
    for (const site of new Set(events.map((e) => e.site))) tokens.push([site, 'stats'], [site, 'report']);
    for (const hook of derive) tokens.push(...(await hook(client, visits)));
    return tokens;
  };
}

const TAKE = `WITH taken AS (DELETE FROM fold_queue WHERE event_id IN (SELECT event_id FROM fold_queue ORDER BY event_id LIMIT $1) RETURNING event_id)
  SELECT id, site, type, event, message_id, timestamp, anonymous_id, user_id, payload FROM events WHERE id IN (SELECT event_id FROM taken) ORDER BY id`;
const BUMP = `INSERT INTO change_tokens (site, subject, token) SELECT site, subject, 1 FROM unnest($1::text[], $2::text[]) AS t(site, subject)
  ON CONFLICT (site, subject) DO UPDATE SET token = change_tokens.token + 1`;

/**
 * One fold of up to `limit` queued events in one transaction: how many it folded (0 when
 * the queue is empty or, unless `wait`, another folder holds the lock). With `wait` it
 * waits for that folder instead, as a reader that must count every acknowledged batch does.
 */
export async function foldOnce(pool: pg.Pool, apply: PostgresFoldApply, limit: number, wait = false): Promise<number> {
  return inTransaction(pool, async (client) => {
    if (wait) await client.query('SELECT pg_advisory_xact_lock($1)', [FOLD_LOCK.toString()]);
    else if (!(await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [FOLD_LOCK.toString()])).rows[0].got) return 0;
    // A data-modifying CTE runs to completion whatever reads it: every queue row taken is folded here.
    const { rows } = await client.query<StoredRow>(TAKE, [limit]);
    if (rows.length === 0) return 0;
    const tokens = await apply(client, sortByVisitor(rows.map((row): [number, ValidEvent] => [Number(row.id), storedEvent(row)])));
    const unique = [...new Map(tokens.map((t) => [t.join('\0'), t])).values()].sort();
    await client.query(BUMP, [unique.map(([site]) => site), unique.map(([, subject]) => subject)]);
    return rows.length;
  });
}

/** The fold of one collector on PostgreSQL. */
export interface PostgresFold {
  /** Folds queued events until none is left, waiting for another folder if one holds the lock; rejects if a fold fails. */
  settle(): Promise<void>;
  /** Stops the timer and waits for the fold in progress. */
  close(): Promise<void>;
}

/**
 * Folds every `intervalMs` (FOLD_INTERVAL_MS) what any collector queued, in pages of `limit`
 * (MAX_QUEUED) events; a failing timed fold is left for the next one (its events stay queued:
 * nothing of it committed), and `settle` reports failures as its own.
 */
export function startPostgresFold(pool: pg.Pool, apply: PostgresFoldApply, { intervalMs = FOLD_INTERVAL_MS, limit = MAX_QUEUED } = {}): PostgresFold {
  let running: Promise<unknown> = Promise.resolve();
  // One fold at a time per collector: folds of one process queue behind each other rather than race for the lock.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = running.then(work, work);
    running = next.catch(() => undefined);
    return next;
  };
  const drain = async (wait: boolean) => {
    while ((await foldOnce(pool, apply, limit, wait)) === limit);
  };
  let closed = false;
  const timer = setInterval(() => {
    if (!closed) serial(() => drain(false)).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return {
    settle: () => serial(() => drain(true)),
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
