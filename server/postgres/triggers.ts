/**
 * The trigger state on PostgreSQL: the load and the write around the pure `foldTriggers`
 * (server/triggers/fold.ts), which both stores run; statements as in
 * server/triggers/ingest.ts, each one unnest statement per table.
 */
import { distinctKeys } from '../fold-load';
import type { SiteRegistry } from '../sites';
import { foldTriggers, triggerKeys, type SettingsOf, type TriggerChanges, type TriggerKeys, type TriggerState, type ViewRow } from '../triggers/fold';
import { triggerStateOf, type VisitorStateRow } from '../triggers/ingest';
import type { VisitorWrite } from '../triggers/visitors';
import type { ValidEvent } from '../validate-event';
import { unnestDeleter, unnestReader, unnestWriter, type Column, type Queryable } from './sql';

const T = 'text' as const;
const B = 'bigint' as const;
const F = 'double precision' as const;
const SITE_VISITOR: Column[] = [['site', T], ['visitor', T]];

const readVisitors = unnestReader('trigger_visitors', SITE_VISITOR, 'site, visitor, traits, scores, top_category, top_score, top_at');
const readCarts = unnestReader('trigger_carts', SITE_VISITOR, 'site, visitor, items, updated_at');
const readViews = unnestReader('trigger_views', [['site', T], ['product_id', T], ['visitor', T]], 'site, product_id, visitor, views, last_view, price, bought');

/** Reads the stored trigger rows of a fold's keys, one statement per table. */
export async function loadTriggerState(client: Queryable, keys: TriggerKeys): Promise<TriggerState> {
  return triggerStateOf(
    (await readVisitors(client, distinctKeys(keys.visitors))) as VisitorStateRow[],
    (await readCarts(client, distinctKeys(keys.carts))) as [string, string, string, number][],
    (await readViews(client, distinctKeys(keys.views))) as ViewRow[],
  );
}

const VISITOR_COLUMNS: Column[] = [
  ['site', T], ['visitor', T], ['anonymous_id', T], ['user_id', T], ['first_seen', B], ['last_seen', B], ['orders', B],
  ['last_order', B], ['traits', T], ['scores', T], ['top_category', T], ['top_score', F], ['top_at', B],
];
// As triggers/visitors.ts: the light write leaves traits and affinities as they are; the full one sets them.
const visitorWriter = (also: string) =>
  unnestWriter(
    'trigger_visitors',
    VISITOR_COLUMNS,
    `ON CONFLICT (site, visitor) DO UPDATE SET anonymous_id = coalesce(excluded.anonymous_id, trigger_visitors.anonymous_id),
       user_id = coalesce(excluded.user_id, trigger_visitors.user_id), first_seen = LEAST(trigger_visitors.first_seen, excluded.first_seen),
       last_seen = GREATEST(trigger_visitors.last_seen, excluded.last_seen), orders = trigger_visitors.orders + excluded.orders,
       last_order = GREATEST(trigger_visitors.last_order, excluded.last_order)${also}`,
    2,
  );
const putLight = visitorWriter('');
const putFull = visitorWriter(', traits = excluded.traits, scores = excluded.scores, top_category = excluded.top_category, top_score = excluded.top_score, top_at = excluded.top_at');
const dropCarts = unnestDeleter('trigger_carts', SITE_VISITOR);
const putCarts = unnestWriter('trigger_carts', [...SITE_VISITOR, ['items', T], ['updated_at', B]], 'ON CONFLICT (site, visitor) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at', 2);
const putViews = unnestWriter(
  'trigger_views',
  [['site', T], ['product_id', T], ['visitor', T], ['views', B], ['last_view', B], ['price', F], ['bought', 'integer']],
  'ON CONFLICT (site, product_id, visitor) DO UPDATE SET views = excluded.views, last_view = excluded.last_view, price = excluded.price, bought = excluded.bought',
  3,
);
const clearPending = unnestDeleter('trigger_pending', [...SITE_VISITOR, ['kind', T]]);
const putPending = unnestWriter(
  'trigger_pending',
  [...SITE_VISITOR, ['kind', T], ['subject', T], ['cause_at', B], ['due_at', B]],
  'ON CONFLICT (site, visitor, kind, subject) DO UPDATE SET cause_at = excluded.cause_at, due_at = excluded.due_at',
  4,
);

/** Writes a fold's trigger changes, deletes before upserts as SQLite does. */
export async function writeTriggerChanges(client: Queryable, changes: TriggerChanges): Promise<void> {
  // A visitor is once per fold (foldTriggers keys them), so light and full rows never share a key.
  const rows = (full: boolean) => changes.visitors.filter((row: VisitorWrite) => !!row[13] === full).map((row) => row.slice(0, 13));
  await putLight(client, rows(false));
  await putFull(client, rows(true));
  await dropCarts(client, changes.cartDrops);
  await putCarts(client, changes.carts);
  await putViews(client, changes.views);
  await clearPending(client, changes.pendingClears);
  await putPending(client, changes.pending);
}

/** The trigger hook on PostgreSQL: load, the pure fold, write, for a fold's visits. */
export function createPostgresTriggerIngest(sites: SiteRegistry): (client: Queryable, events: readonly ValidEvent[]) => Promise<void> {
  return async (client, events) => {
    // Settings are looked up once per site and fold (an open registry builds them on each call).
    const settings = new Map<string, ReturnType<SiteRegistry['get']>>();
    const settingsOf: SettingsOf = (id) => (settings.has(id) ? settings.get(id) : settings.set(id, sites.get(id)).get(id));
    await writeTriggerChanges(client, foldTriggers(await loadTriggerState(client, triggerKeys(events, settingsOf)), events, settingsOf));
  };
}
