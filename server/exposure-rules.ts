/**
 * What one visitor's variant events may count, so that one client cannot move a rate.
 * A write key is public, so any page (or curl) can post `Variant Viewed` and `Variant
 * Converted` for any visitor id it makes up; these rules bound what each id earns:
 *
 * - **Impressions**: one per visitor and variant (exposure member) per minute of event
 *   time. The SDK sends one `Variant Viewed` per placement and page view, and its events
 *   carry no page-view id, so a minute stands in for a page view: a person rarely
 *   sees the same placement on two page views within a minute, a forger who posts 200
 *   at once gets one.
 * - **Conversions** need the exposure stored (same visitor, placement, variant, group)
 *   and must come within the attribution window after the exposure's latest counted
 *   impression (its time is the member's `last_seen`). The window is the placement's
 *   `attributionDays` in the collector's config (7, the SDK's default, when the
 *   placement does not set it), else 30 days.
 * - At most one conversion per exposure and goal (`properties.goal`); a goal must be
 *   one of the placement's goals when the config names them, and an exposure counts
 *   at most {@link MAX_GOALS_PER_EXPOSURE} goals otherwise. The report counts each; the
 *   bandit (`variant_stats`) counts an exposure's first conversion only, as the SDK's
 *   own counts do (`first` in src/decide/attribution.ts): one visitor's worth at most.
 */
import type { ConfigSource } from './config-source';

/** Impressions of one exposure member closer together than this count once. */
export const IMPRESSION_GAP_MS = 60_000;
/** The window without a config naming the placement. */
export const DEFAULT_ATTRIBUTION_DAYS = 30;
/** The SDK's default `attributionDays` (src/decide/config.ts), for a configured placement without one. */
export const SDK_ATTRIBUTION_DAYS = 7;
/** Distinct goals one exposure may convert, when the config does not list the placement's goals. */
export const MAX_GOALS_PER_EXPOSURE = 5;

/** What the config says about a placement's conversions. */
export interface PlacementRules {
  windowMs: number;
  /** The placement's goals, or null when unknown (no config, or not listed). */
  goals: ReadonlySet<string> | null;
}

/** A placement's rules, by site and placement id. */
export type RulesOf = (site: string, placement: string) => PlacementRules;

const DAY_MS = 86_400_000;
const UNKNOWN: PlacementRules = { windowMs: DEFAULT_ATTRIBUTION_DAYS * DAY_MS, goals: null };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the rules from the served config (re-parsed only when its ETag changes); every
 * placement is unknown without a config.
 */
export function placementRules(config: ConfigSource | undefined): RulesOf {
  if (!config) return () => UNKNOWN;
  const parsed = new Map<string, { etag: string; rules: Map<string, PlacementRules> }>();
  return (site, placement) => {
    const served = config.get(site);
    if (!served) return UNKNOWN;
    let held = parsed.get(site);
    if (held?.etag !== served.etag) {
      const rules = new Map<string, PlacementRules>();
      const document: unknown = JSON.parse(served.body);
      for (const p of isObject(document) && Array.isArray(document.placements) ? document.placements : []) {
        if (!isObject(p) || typeof p.id !== 'string') continue;
        const days = typeof p.attributionDays === 'number' && p.attributionDays >= 1 ? p.attributionDays : SDK_ATTRIBUTION_DAYS;
        const goal = typeof p.goal === 'string' ? [p.goal] : Array.isArray(p.goal) ? p.goal.filter((g): g is string => typeof g === 'string') : [];
        rules.set(p.id, { windowMs: days * DAY_MS, goals: goal.length ? new Set(goal) : null });
      }
      // Bounded like the config source itself: a made-up site has no config, so never gets here.
      if (parsed.size > 1000) parsed.clear();
      parsed.set(site, (held = { etag: served.etag, rules }));
    }
    return held.rules.get(placement) ?? UNKNOWN;
  };
}

/**
 * The goals an exposure has converted are rows of `cohort_members` of kind `goal`
 * (subject: placement and goal as JSON, arm: variant), so they live, move with an
 * identity link and are erased with the visitor's other rows, and no table is added. No
 * query of the report reads that kind. This is such a row's subject.
 */
export const goalSubject = (placement: string, goal: string): string => JSON.stringify([placement, goal]);
