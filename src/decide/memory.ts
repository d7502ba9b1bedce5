/**
 * What the decision engine remembers on this device between pages and visits:
 * sticky assignments, the latest impression of each placement (for attribution),
 * the observations not yet in the backend's statistics, and the segments the
 * visitor was last in. Plain JSON, stored beside the profile.
 */
import type { Exposure } from './attribution';
import type { BanditStats } from './config-types';
import type { StickyAssignment } from './engine';
import { addCounts } from './stats';

/** The engine's memory on this device. */
export interface DecisionMemory {
  /** Placement id → the stored assignment. */
  assignments: Record<string, StickyAssignment>;
  /**
   * Placement id (`$site` for the site-wide holdout) → the visitor's holdout bucket
   * for that version, drawn once: membership of a control group never changes with
   * `identify()`, only with a new `version`.
   */
  holdouts?: Record<string, HoldoutBucket>;
  /** Placement id → its latest impression. */
  exposures: Record<string, Exposure>;
  /** Impressions and conversions seen here since `localSince`, added to the backend's counts. */
  local: BanditStats;
  /** When the backend's statistics in use were fetched (0: none yet); `local` counts from then. */
  localSince: number;
  /** Segment ids the visitor was in at the last decision, for Segment Entered / Exited. */
  segments: string[];
}

/** A visitor's draw for one holdout: in it while `bucket` is below the share. */
export interface HoldoutBucket {
  version: number;
  bucket: number;
}

/** An empty memory. */
export const createDecisionMemory = (): DecisionMemory => ({ assignments: {}, holdouts: {}, exposures: {}, local: {}, localSince: 0, segments: [] });

/**
 * The stored memory, with what this page decided before storage was read: stored
 * assignments win (the visitor has kept them on earlier pages), newer exposures win,
 * local counts since the same moment add up.
 */
export function mergeDecisionMemory(stored: DecisionMemory | undefined, fresh: DecisionMemory): DecisionMemory {
  if (!stored || typeof stored != 'object') return fresh;
  const merged: DecisionMemory = { ...createDecisionMemory(), ...stored };
  merged.assignments = { ...fresh.assignments, ...merged.assignments };
  merged.holdouts = { ...fresh.holdouts, ...merged.holdouts };
  merged.exposures = { ...merged.exposures };
  for (const id of Object.keys(fresh.exposures)) if (!(merged.exposures[id]?.at >= fresh.exposures[id].at)) merged.exposures[id] = fresh.exposures[id];
  // This page's counts were made on top of no statistics, or the same ones: keep them.
  for (const p of Object.keys(fresh.local)) for (const s of Object.keys(fresh.local[p])) for (const v of Object.keys(fresh.local[p][s])) addCounts(merged.local, p, s, v, fresh.local[p][s][v]);
  return merged;
}
