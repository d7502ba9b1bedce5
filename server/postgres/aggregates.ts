/**
 * The report's aggregates on PostgreSQL: the load and the write around the pure
 * `foldAggregates` (server/aggregate-pure.ts), which both stores run. One statement per
 * table to load (keys as unnest arrays) and one unnest upsert per table to write, so a
 * fold costs a fixed number of round trips whatever its size.
 */
import type { AggregateKeys } from '../aggregate-keys';
import type { AggregateChanges, AggregateState, ClickRow, MemberRow } from '../aggregate-pure';
import { aggregateStateOf } from '../aggregates';
import { chainsOfRows } from '../visitor-days';
import { columnsOf, unnestDeleter, unnestOf, unnestReader, unnestWriter, type Column, type Queryable } from './sql';

const T = 'text' as const;
const B = 'bigint' as const;
const I = 'integer' as const;
const F = 'double precision' as const;

const MEMBER_KEY: Column[] = [['site', T], ['visitor', T], ['kind', T], ['subject', T], ['arm', T], ['grp', T]];
const MEMBER_COLUMNS = 'site, visitor, kind, subject, arm, grp, day, label, conversions, value, last_seen';
// The members the events name, and the `site` and `quiz` members of visitors with an order (as aggregates.ts reads them).
const READ_MEMBERS = `SELECT ${MEMBER_COLUMNS} FROM cohort_members WHERE (site, visitor, kind, subject, arm, grp) IN (SELECT * FROM ${unnestOf(MEMBER_KEY)})
  UNION ALL
  SELECT ${MEMBER_COLUMNS} FROM cohort_members WHERE (site, visitor) IN (SELECT * FROM ${unnestOf(MEMBER_KEY.slice(0, 2), 'b', 7)}) AND kind IN ('site', 'quiz')`;
const readClicks = unnestReader('row_clicks', [['site', T], ['visitor', T], ['product_id', T]], 'site, visitor, product_id, list_id, time');
// Per chain the stored days from its earliest new day on, and the one day before it (visitor-days.ts's createChainReader).
const READ_CHAINS = `WITH k AS (SELECT * FROM ${unnestOf([['site', T], ['visitor', T], ['kind', T], ['day', I]], 'k')})
  SELECT d.site, d.visitor, d.kind, d.day FROM k JOIN visitor_days d ON d.site = k.site AND d.visitor = k.visitor AND d.kind = k.kind AND d.day >= k.day
  UNION ALL
  SELECT k.site, k.visitor, k.kind,
    (SELECT max(d.day) FROM visitor_days d WHERE d.site = k.site AND d.visitor = k.visitor AND d.kind = k.kind AND d.day < k.day) FROM k`;

/** Reads the stored rows a fold can touch (aggregate-keys.ts), one statement per table. */
export async function loadAggregateState(client: Queryable, keys: AggregateKeys): Promise<AggregateState> {
  const members =
    keys.members.length + keys.buyers.length === 0
      ? []
      : (await client.query({ text: READ_MEMBERS, values: [...columnsOf(keys.members, 6), ...columnsOf(keys.buyers, 2)], rowMode: 'array' })).rows;
  const clicks = await readClicks(client, keys.clicks);
  const chains = keys.chains.length === 0 ? [] : (await client.query({ text: READ_CHAINS, values: columnsOf(keys.chains, 4), rowMode: 'array' })).rows;
  return aggregateStateOf(members as MemberRow[], clicks as ClickRow[], chainsOfRows(chains as [string, string, string, number | null][]));
}

const putMembers = unnestWriter(
  'cohort_members',
  [...MEMBER_KEY, ['day', I], ['label', T], ['conversions', B], ['value', F], ['last_seen', B]],
  `ON CONFLICT (site, visitor, kind, subject, arm, grp) DO UPDATE SET
     label = excluded.label, conversions = excluded.conversions, value = excluded.value, last_seen = excluded.last_seen`,
  6,
);
const addCohorts = unnestWriter(
  'cohort_daily',
  [['site', T], ['day', I], ['kind', T], ['subject', T], ['arm', T], ['grp', T], ['label', T], ['visitors', B], ['impressions', B], ['converters', B], ['conversions', B], ['value', F], ['value_squares', F]],
  `ON CONFLICT (site, day, kind, subject, arm, grp, label) DO UPDATE SET
     visitors = cohort_daily.visitors + excluded.visitors, impressions = cohort_daily.impressions + excluded.impressions,
     converters = cohort_daily.converters + excluded.converters, conversions = cohort_daily.conversions + excluded.conversions,
     value = cohort_daily.value + excluded.value, value_squares = cohort_daily.value_squares + excluded.value_squares`,
  7,
);
const addCounts = unnestWriter(
  'daily_counts',
  [['site', T], ['day', I], ['metric', T], ['a', T], ['b', T], ['count', B], ['value', F]],
  'ON CONFLICT (site, day, metric, a, b) DO UPDATE SET count = daily_counts.count + excluded.count, value = daily_counts.value + excluded.value',
  5,
);
const addVariants = unnestWriter(
  'variant_stats',
  [['site', T], ['placement', T], ['variant', T], ['segment', T], ['impressions', B], ['conversions', B]],
  `ON CONFLICT (site, placement, variant, segment) DO UPDATE SET
     impressions = variant_stats.impressions + excluded.impressions, conversions = variant_stats.conversions + excluded.conversions`,
  4,
);
const putClicks = unnestWriter(
  'row_clicks',
  [['site', T], ['visitor', T], ['product_id', T], ['list_id', T], ['time', B]],
  'ON CONFLICT (site, visitor, product_id, list_id) DO UPDATE SET time = GREATEST(row_clicks.time, excluded.time)',
  4,
);
const insertDays = unnestWriter('visitor_days', [['site', T], ['visitor', T], ['kind', T], ['day', I]], '');
const addLinks = unnestWriter(
  'day_links',
  [['site', T], ['kind', T], ['day', I], ['prev_day', I], ['visitors', B]],
  'ON CONFLICT (site, kind, day, prev_day) DO UPDATE SET visitors = day_links.visitors + excluded.visitors',
  4,
);
// A link a late day took its last visitor from goes, as visitor-days.ts's writer drops it.
const dropEmptyLinks = unnestDeleter('day_links', [['site', T], ['kind', T], ['day', I], ['prev_day', I]], 'AND visitors = 0');

/** Writes a fold's changes: one unnest statement per table (more only for a key repeated within it). */
export async function writeAggregateChanges(client: Queryable, changes: AggregateChanges): Promise<void> {
  await putMembers(client, changes.members);
  await addCohorts(client, changes.cohortDaily);
  await addCounts(client, changes.dailyCounts);
  await addVariants(client, changes.variantStats);
  await putClicks(client, changes.rowClicks);
  await insertDays(client, changes.visitorDays);
  await addLinks(client, changes.dayLinks);
  await dropEmptyLinks(client, changes.dayLinks.filter((row) => row[4] < 0));
}
