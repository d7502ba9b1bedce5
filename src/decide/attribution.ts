/**
 * Which variant gets the credit for a goal: the placement's latest impression, if
 * it is within the placement's attribution window and has not converted yet. One
 * impression converts at most once, so a variant's conversions never exceed its
 * impressions and Beta(1 + conversions, 1 + impressions − conversions) stays proper.
 */
import type { DecisionReason } from './engine';
import type { ValidPlacement } from './config-types';

/** The latest impression of one placement on this device. */
export interface Exposure {
  variant: string;
  reason: DecisionReason;
  segment: string | null;
  /** When it was seen, in milliseconds since the epoch. */
  at: number;
  /** Set once a goal has been attributed to it. */
  converted?: boolean;
}

/** A goal credited to a variant: the properties of "Variant Converted". */
export interface Conversion {
  placement: string;
  variant: string;
  reason: DecisionReason;
  segment: string | null;
  /** The event name that was the goal. */
  goal: string;
}

/**
 * The conversions that event `name` at time `now` earns, marking each credited
 * exposure as converted (so it is credited once).
 *
 * @example attributeGoal(memory.exposures, config.placements, 'Order Completed', Date.now())
 */
export function attributeGoal(exposures: Record<string, Exposure>, placements: readonly ValidPlacement[], name: string, now: number): Conversion[] {
  const conversions: Conversion[] = [];
  for (const p of placements) {
    const seen = exposures[p.id];
    if (!seen || seen.converted || !p.goal.includes(name)) continue;
    const age = now - seen.at;
    if (age < 0 || age > p.attributionDays * 864e5) continue;
    seen.converted = true;
    conversions.push({ placement: p.id, variant: seen.variant, reason: seen.reason, segment: seen.segment, goal: name });
  }
  return conversions;
}
