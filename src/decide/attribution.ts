/**
 * Which variant gets the credit for a goal. An exposure (a placement's latest
 * impression on this device) carries what attribution needs: the placement's goal
 * event names, where a conversion's value is read, and the attribution window. So a
 * goal on any page of the site is credited, whether or not that page has the config.
 * Each exposure converts at most once per goal name; only its first conversion counts
 * for the bandit, so a variant's conversions never exceed its impressions and
 * Beta(1 + conversions, 1 + impressions − conversions) stays proper.
 */
import type { Json, JsonObject } from '../core/types';
import { MAX_VALUE } from '../core/limits';
import { own } from '../core/own';
import type { DecisionReason } from './engine';

/** Who an exposure measures: visitors who got the decision, or the control group that saw the default. */
export type ExposureGroup = 'treatment' | 'holdout';

/** The latest impression of one placement on this device. */
export interface Exposure {
  variant: string;
  reason: DecisionReason;
  segment: string | null;
  /** When it was seen, in milliseconds since the epoch. */
  at: number;
  /** `holdout` when the visitor is in the placement's or the site-wide control group. */
  group?: ExposureGroup;
  /** The placement's goal event names, as they were at the impression. */
  goals?: string[];
  /** The property that holds a conversion's value (see {@link conversionValue}); none: the default rule. */
  value?: string;
  /** The attribution window, in days. */
  days?: number;
  /** Goal names already credited to this exposure. */
  converted?: string[] | boolean;
}

/** A goal credited to a variant: the properties of "Variant Converted". */
export interface Conversion {
  placement: string;
  variant: string;
  reason: DecisionReason;
  segment: string | null;
  group: ExposureGroup;
  /** The event name that was the goal. */
  goal: string;
  /** The conversion's value, when the goal event has one. */
  value?: number;
  /** ISO 4217 code of `value`, when the event says it. */
  currency?: string;
  /** True for the exposure's first conversion: the one the bandit counts. */
  first: boolean;
}

/** What an older exposure (stored before exposures carried their goals) lacks: its placement's settings. */
export type PlacementLookup = (id: string) => { goal: string[]; value?: string; attributionDays: number } | undefined;

const number = (v: Json | undefined) => (typeof v == 'number' && isFinite(v) ? v : typeof v == 'string' && v.trim() && isFinite(+v) ? +v : undefined);

/**
 * The value of a goal event: the property `rule` names if given; otherwise, for
 * `Order Completed`, `revenue` then `total` (Segment's e-commerce spec: revenue
 * excludes shipping and tax), and for other events `value`, then `revenue`.
 */
export function conversionValue(name: string, properties: JsonObject, rule?: string): number | undefined {
  const keys = rule ? [rule] : name == 'Order Completed' ? ['revenue', 'total'] : ['value', 'revenue'];
  for (const key of keys) {
    const v = number(own(properties, key));
    if (v !== undefined) return Math.abs(v) <= MAX_VALUE ? v : undefined;
  }
}

/**
 * The conversions that event `name` (with `properties`) at time `now` earns, marking
 * each credited exposure (so it is credited once per goal name).
 *
 * @example attributeGoal(memory.exposures, 'Order Completed', { revenue: 42, currency: 'EUR' }, Date.now())
 */
export function attributeGoal(
  exposures: Record<string, Exposure>,
  name: string,
  properties: JsonObject,
  now: number,
  lookup: PlacementLookup = () => undefined,
): Conversion[] {
  const conversions: Conversion[] = [];
  for (const id of Object.keys(exposures)) {
    const seen = exposures[id];
    const placement = seen.goals ? undefined : lookup(id);
    const goals = seen.goals ?? placement?.goal ?? [];
    const days = seen.days ?? placement?.attributionDays ?? 7;
    // Before exposures kept a list, `converted: true` meant "converted once".
    const done = Array.isArray(seen.converted) ? seen.converted : seen.converted ? goals.slice(0, 1) : [];
    if (!goals.includes(name) || done.includes(name)) continue;
    const age = now - seen.at;
    if (age < 0 || age > days * 864e5) continue;
    seen.converted = done.concat(name);
    const conversion: Conversion = {
      placement: id,
      variant: seen.variant,
      reason: seen.reason,
      segment: seen.segment,
      group: seen.group ?? 'treatment',
      goal: name,
      first: !done.length,
    };
    const value = conversionValue(name, properties, seen.value ?? placement?.value);
    if (value !== undefined) {
      conversion.value = value;
      if (typeof properties.currency == 'string' && /^[A-Za-z]{3}$/.test(properties.currency)) conversion.currency = properties.currency.toUpperCase();
    }
    conversions.push(conversion);
  }
  return conversions;
}
