/**
 * What the report needs from a site's config: each placement's default variant,
 * goals, weighted split and holdout share, and the site-wide holdout. Read
 * defensively from the served JSON: the config is validated by the SDK, and a
 * report must not fail because the file holds something unexpected.
 */

/** One placement as the report sees it. */
export interface PlacementFacts {
  default: string | null;
  goals: string[];
  /** The pool's weights by variant id, for a `weighted` split without targeted variants; else null. */
  weights: Record<string, number> | null;
  /** The placement's holdout share, 0 without one. */
  holdout: number;
  /** Variants with a `when`: each shown by a rule to its own audience, so not competing with the pool. */
  targeted: Set<string>;
}

/** The config as the report sees it. */
export interface ConfigFacts {
  placements: Map<string, PlacementFacts>;
  /** The site-wide holdout share, 0 without one. */
  siteHoldout: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const share = (v: unknown) => (typeof v === 'number' && v > 0 && v < 1 ? v : 0);

/** Reads a config document (or nothing, for a collector without one). */
export function configFacts(config: unknown): ConfigFacts {
  const placements = new Map<string, PlacementFacts>();
  const list = isObject(config) && Array.isArray(config.placements) ? config.placements : [];
  for (const p of list) {
    if (!isObject(p) || typeof p.id !== 'string') continue;
    const variants = Array.isArray(p.variants) ? p.variants.filter(isObject) : [];
    const ids = variants.map((v) => v.id).filter((id): id is string => typeof id === 'string');
    const targeted = variants.some((v) => v.when !== undefined);
    let weights: Record<string, number> | null = null;
    if (p.strategy === 'weighted' && !targeted && variants.every((v) => typeof v.weight === 'number' && v.weight >= 0)) {
      weights = Object.fromEntries(variants.map((v) => [v.id as string, v.weight as number]));
    }
    const goal = p.goal;
    placements.set(p.id, {
      default: typeof p.default === 'string' ? p.default : (ids[0] ?? null),
      goals: typeof goal === 'string' ? [goal] : Array.isArray(goal) ? goal.filter((g): g is string => typeof g === 'string') : [],
      weights,
      holdout: share(p.holdout),
      targeted: new Set(variants.filter((v) => v.when !== undefined && typeof v.id === 'string').map((v) => v.id as string)),
    });
  }
  return { placements, siteHoldout: isObject(config) ? share(config.holdout) : 0 };
}
