// The check and the timing loop both realms run: one self-contained function, so Node calls it
// directly and Chromium gets its source text, and both sides are measured by the very same code.

/**
 * Runs in Node or in the page, so it must stay self-contained (no outer variables): checks that
 * both sides decide alike, then times them in interleaved batches. `lib` holds decidePlacement,
 * validateConfig and GrowthBook (whichever of them `p.sides` needs).
 */
export function measureInRealm(lib, p) {
  const { decidePlacement, validateConfig, GrowthBook } = lib;
  const errors = [];
  const n = p.ids.length;
  const sides = p.sides;
  const problems = [];
  const placementOf = (config) => {
    const v = validateConfig(config);
    problems.push(...v.problems.filter((x) => x.severity === 'error').map((x) => `${x.message} (at ${x.path})`));
    return v.config.placements[0];
  };
  const gbFor = (features, id) => new GrowthBook({ attributes: { ...p.attributes, id }, features });

  // The setup: one validated placement, one input per id; one GrowthBook per id, built beforehand.
  const placement = placementOf(p.config);
  const inputs = p.ids.map((unitId) => ({ attributes: p.attributes, unitId }));
  const gbs = sides.includes('gb') ? p.ids.map((id) => gbFor(p.features, id)) : [];

  // 1. No targeted variant matches, and the split agrees id by id.
  const picks = {};
  for (let i = 0; i < n; i++) {
    const a = decidePlacement(placement, inputs[i]);
    if (a.reason !== 'weighted') errors.push(`Attune: reason ${a.reason} (${a.explain.error?.message ?? a.variant}) for ${p.ids[i]}, expected weighted`);
    picks[a.variant] = (picks[a.variant] ?? 0) + 1;
    if (!gbs.length) continue;
    const g = gbs[i].evalFeature(p.placementId);
    if (g.source !== 'experiment') errors.push(`GrowthBook: source ${g.source} (rule ${g.ruleId}) for ${p.ids[i]}, expected experiment`);
    if (g.value !== a.variant) errors.push(`${p.ids[i]}: Attune picks ${a.variant} (bucket ${a.explain.weighted?.bucket}), GrowthBook ${g.value} (bucket ${g.experimentResult?.bucket})`);
  }
  // 2. Each targeted variant fails only on its last condition: without it, it matches.
  for (let k = 0; k < p.truncated.length; k++) {
    const want = p.truncated[k].variant;
    const a = decidePlacement(placementOf(p.truncated[k].config), inputs[0]);
    if (a.reason !== 'rule' || a.variant !== want) errors.push(`Attune: without its last condition, ${want} gives ${a.variant} (${a.reason})`);
    if (!gbs.length) continue;
    const g = gbFor(p.truncated[k].features, p.ids[0]).evalFeature(p.placementId);
    if (g.source !== 'force' || g.value !== want) errors.push(`GrowthBook: without its last condition, ${want} gives ${g.value} (${g.source})`);
  }
  if (problems.length || errors.length) return { problems, errors: errors.slice(0, 10), errorCount: errors.length };

  // 3. Timing. The loops are alike: the call, a modulo to pick the id, a comparison to keep the result.
  const runAttune = (from, count) => {
    let hits = 0;
    for (let i = from, end = from + count; i < end; i++) if (decidePlacement(placement, inputs[i % n]).variant === 'eco') hits++;
    return hits;
  };
  const key = p.placementId;
  const runGb = (from, count) => {
    let hits = 0;
    for (let i = from, end = from + count; i < end; i++) if (gbs[i % n].evalFeature(key).value === 'eco') hits++;
    return hits;
  };
  const runs = { attune: runAttune, gb: runGb };
  const times = { attune: [], gb: [] };
  let sink = 0;
  for (const side of sides) sink += runs[side](0, p.warmup);
  for (let b = 0; b < p.batches; b++) {
    // Interleaved, alternating which side goes first, so drift and neighbours' load hit both alike.
    const order = b % 2 ? [...sides].reverse() : sides;
    for (const side of order) {
      const t0 = performance.now();
      sink += runs[side](b * p.batch, p.batch);
      times[side].push(((performance.now() - t0) * 1000) / p.batch);
    }
  }
  return { problems, errors, picks, times, sink };
}

/** Throws when the sides disagree or the config is invalid: the comparison would mean nothing. */
export function assertAgreement(realm, r) {
  if (r.problems.length) throw new Error(`${realm}: the bench config is invalid: ${r.problems.join('; ')}`);
  if (r.errors.length) throw new Error(`${realm}: Attune and GrowthBook disagree (${r.errorCount ?? r.errors.length}):\n  ${r.errors.join('\n  ')}`);
}

/**
 * As {@link measureInRealm}, for one 20-leaf condition: `lib` holds Attune's `evalCondition`
 * (`(condition, attributes)`) and GrowthBook's (`gbEvalCondition`, `(attributes, condition)`).
 * Checks that both say true for `p.condition` and false for `p.failingCondition`, then times
 * them in interleaved batches, each call on the same condition object (as a placement's variant
 * is evaluated for every visitor) and the visitor's attributes. Self-contained, as the page gets
 * its source text.
 */
export function measureConditionInRealm(lib, p) {
  const { evalCondition, gbEvalCondition } = lib;
  const errors = [];
  const attributes = p.attributes;
  const c = p.condition;
  const sides = p.sides;
  const evals = {
    attune: (x) => evalCondition(x, attributes),
    gb: (x) => gbEvalCondition(attributes, x),
  };
  for (const side of sides) {
    if (evals[side](c) !== true) errors.push(`${side}: the 20-leaf condition is false for the visitor`);
    if (evals[side](p.failingCondition) !== false) errors.push(`${side}: the condition with a failing leaf is true`);
  }
  if (errors.length) return { problems: [], errors };
  // A call per iteration on the same object, the result kept, so neither can be optimised away.
  const runs = {
    attune: (count) => {
      let hits = 0;
      for (let i = 0; i < count; i++) if (evalCondition(c, attributes)) hits++;
      return hits;
    },
    gb: (count) => {
      let hits = 0;
      for (let i = 0; i < count; i++) if (gbEvalCondition(attributes, c)) hits++;
      return hits;
    },
  };
  const times = { attune: [], gb: [] };
  let sink = 0;
  for (const side of sides) sink += runs[side](p.warmup);
  for (let b = 0; b < p.batches; b++) {
    const order = b % 2 ? [...sides].reverse() : sides;
    for (const side of order) {
      const t0 = performance.now();
      sink += runs[side](p.batch);
      times[side].push(((performance.now() - t0) * 1000) / p.batch);
    }
  }
  return { problems: [], errors, times, sink };
}
