/**
 * The types of the site config, as written and as validated: the format's
 * authority, with src/decide/config.ts checking values against it.
 */
import type { Condition } from './condition';
import type { UrlAttribute } from './url';
import type { RecommendStrategy } from '../recommend/strategies';

/**
 * How a placement chooses among its pool (the variants without `when`), once no
 * variant with a `when` has matched: `rules` takes the first of the pool, `weighted`
 * splits visitors by the pool's weights, `bandit` learns which converts best.
 */
export type Strategy = 'rules' | 'weighted' | 'bandit';

/** A named condition on the visitor; conditions test membership with `{ "segments": { "$in": ["id"] } }`. */
export interface Segment {
  /** Who is in the segment. */
  when: Condition;
  /** A note for people; ignored by the engine. */
  description?: string;
}

/** Which recommendation row a variant shows (the registry: src/recommend/strategies.ts). */
export type { RecommendStrategy };

/** The attributes an operation may set; `src`, `srcset` and `href` must hold safe URLs (see `safeUrl`). */
export type SafeAttributes = Partial<Record<UrlAttribute | 'alt' | 'title' | 'class' | 'aria-label', string>>;

/**
 * One change to the slot's own markup. `selector` picks elements inside the slot
 * (all matches; none given means the slot element itself); exactly one action
 * follows. Text is set as text: nothing in the format can carry HTML.
 */
export interface ContentOp {
  /** CSS selector, matched inside the slot. */
  selector?: string;
  /** Replaces the elements' text. */
  text?: string;
  /** Sets attributes from the safe list. */
  attr?: SafeAttributes;
  /** Adds one or more space-separated class names. */
  addClass?: string;
  /** Removes one or more space-separated class names. */
  removeClass?: string;
  /** Hides the elements (`hidden`). */
  hide?: true;
  /** Shows elements the markup hides. */
  show?: true;
}

/**
 * What a variant shows, exactly one kind: a `<template data-attune-variant="name">`
 * inside the slot, operations on the slot's markup, a quiz (`null`: none), or a
 * recommendation row. A variant without content leaves the page's markup as it is.
 */
export type VariantContent =
  | { template: string }
  | { ops: ContentOp[] }
  | { quiz: string | null }
  | { recommend: { strategy: RecommendStrategy; limit?: number } };

/** One way a placement can look. */
export interface Variant {
  /** Unique within its placement; events and statistics name it. */
  id: string;
  /** Makes the variant targeted: shown when this matches (first match wins), and kept out of the pool. */
  when?: Condition;
  /** Share of the pool for `weighted` (the pool's weights add up to 1); ignored otherwise. */
  weight?: number;
  /** What the variant shows; none keeps the page's markup. */
  content?: VariantContent;
  /** A note for people; ignored by the engine. */
  description?: string;
}

/** A place on the page where Attune chooses between variants. */
export interface Placement {
  /** Unique across the config; events and statistics name it. */
  id: string;
  /** CSS selector of the element to personalise; at most one of `selector` and `slot` (neither: rendered by the page after `decide()`). */
  selector?: string;
  /** The element's `data-attune-slot` name; at most one of `selector` and `slot`. */
  slot?: string;
  /** The variants, at least one. */
  variants: Variant[];
  /** The variant for everyone else, for holdouts and after errors (default: the first). */
  default?: string;
  /** How the pool is chosen from (default `rules`). */
  strategy?: Strategy;
  /** Event name(s) that count as a conversion after an impression. */
  goal?: string | string[];
  /** Share of visitors (0 to 0.5, default 0) kept on the default and tracked as a control. */
  holdout?: number;
  /** Whether a visitor keeps their variant across pages and visits (default true). */
  sticky?: boolean;
  /** Bump it (a whole number, default 0) to re-randomise every visitor. */
  version?: number;
  /** Segments the bandit keeps separate statistics for. */
  segments?: string[];
  /** How long after an impression a goal still counts (days, default 7). */
  attributionDays?: number;
  /**
   * The goal event's property that holds a conversion's value. Default: for
   * `Order Completed`, `revenue` then `total` (Segment's e-commerce spec); for other
   * goals, `value` then `revenue`. Its `currency` goes with it.
   */
  value?: string;
  /** A note for people; ignored by the engine. */
  description?: string;
}

/** Totals for one arm. */
export interface ArmCounts {
  /** Times the variant was seen (whole number ≥ 0). */
  impressions: number;
  /** Impressions followed by a goal within the attribution window. */
  conversions: number;
}

/** Bandit statistics: placement id → segment id (`*` for all visitors) → variant id → totals. */
export type BanditStats = Record<string, Record<string, Record<string, ArmCounts>>>;

/** The site config as written. */
export interface SiteConfig {
  /** Where the JSON Schema lives, for editors; ignored by the engine. */
  $schema?: string;
  /** Named segments by id (any id but `*`). */
  segments?: Record<string, Segment>;
  /** The placements. */
  placements: Placement[];
  /** Bandit statistics, usually pulled from the backend. */
  stats?: BanditStats;
  /**
   * Share of visitors (0 to 0.5, default 0) in the site-wide holdout: they see every
   * placement's default, and measure what personalisation as a whole earns.
   */
  holdout?: number;
  /** Bump it (a whole number, default 0) to draw the site-wide holdout afresh. */
  holdoutVersion?: number;
}

/** One thing `validateConfig` found. An `error` disables what it is in; a `warning` changes nothing. */
export interface ConfigProblem {
  /** JSON path, e.g. `$.placements[2].variants[1].when.$foo`. */
  path: string;
  /** What is wrong, for people; the path is not repeated in it. */
  message: string;
  /** `error`: the enclosing part is disabled; `warning`: nothing changes at run time. */
  severity: 'error' | 'warning';
}

/** A validated segment; a `broken` one (its first error) never matches. */
export interface ValidSegment extends Segment {
  broken?: ConfigProblem;
}

/**
 * A validated placement, defaults filled in, `goal` always a list. A `broken`
 * one (its first error) always shows its `default` variant (reason `error`);
 * `default` is absent only when no variant survived, and then the page's markup stays.
 */
export interface ValidPlacement extends Placement {
  strategy: Strategy;
  goal: string[];
  holdout: number;
  sticky: boolean;
  version: number;
  segments: string[];
  attributionDays: number;
  broken?: ConfigProblem;
}

/** The parts of a config that may run: every map is prototype-free. */
export interface ValidConfig extends SiteConfig {
  segments: Record<string, ValidSegment>;
  placements: ValidPlacement[];
  stats: BanditStats;
  holdout: number;
  holdoutVersion: number;
}

/** What `validateConfig` returns. */
export interface ConfigValidation {
  config: ValidConfig;
  problems: ConfigProblem[];
}
