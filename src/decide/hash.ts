/**
 * Sticky bucketing by hashing: the same seed and id always land in the same bucket,
 * on every device and in the collector, with nothing stored. The hash is
 * GrowthBook's "v2" so that a split configured there splits visitors identically here.
 */

// FNV-1a, 32 bits, over UTF-16 code units (what GrowthBook's JS SDK hashes).
function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A bucket in [0, 1) with a step of 1/10000: `fnv(fnv(seed + id) + '') % 10000 / 10000`,
 * GrowthBook's hash version 2. Hashing twice removes the bias the single hash (v1)
 * showed for ids sharing a prefix.
 *
 * @example hashBucket('seed', 'b') // 0.2696, as in GrowthBook's test vectors
 */
export function hashBucket(seed: string, id: string): number {
  return (fnv1a32(fnv1a32(seed + id) + '') % 10000) / 10000;
}

/**
 * The index of the variant whose range holds `bucket`, or -1 if none does.
 * As in GrowthBook's `getBucketRanges`, variant i owns
 * `[w0 + … + w(i-1), that + coverage × wi)`; weights that do not sum to 1 (±0.01)
 * fall back to equal weights, and coverage is clamped to [0, 1]. With coverage
 * below 1 the gaps between ranges are visitors left out (e.g. a holdout): -1.
 *
 * @example chooseByWeights(hashBucket(seed, id), [0.5, 0.3, 0.2])
 */
export function chooseByWeights(bucket: number, weights: readonly number[], coverage = 1): number {
  const n = weights.length;
  const sum = weights.reduce((s, w) => s + w, 0);
  const c = coverage >= 0 ? Math.min(coverage, 1) : 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const w = sum >= 0.99 && sum <= 1.01 ? weights[i] : 1 / n;
    if (bucket >= start && bucket < start + c * w) return i;
    start += w;
  }
  return -1;
}
