// What the SDK on a simulated visitor's device does around the pure decision code, for
// scripts/simulate-visitors.mjs: the attributes conditions read, the bookkeeping of
// src/api/decisions.ts around decidePlacement (kept holdout buckets, the site-wide
// holdout, sticky assignments), attribution, and the bandit's running counts.

const DAY = 24 * 60 * 60_000;

/**
 * Adds one to a counter of the running bandit statistics (placement → segment → variant).
 */
export function count(stats, placement, segment, variant, field) {
  const arm = (((stats[placement] ||= {})[segment ?? '*'] ||= {})[variant] ||= { impressions: 0, conversions: 0 });
  arm[field]++;
}

/**
 * What the demo's conditions read, built the way src/decide/attributes.ts builds it from
 * the profile: the profile fields they use, `context`, `page` and the segments, tested
 * in order with the real condition code.
 */
export function attributesOf(s, config, campaign) {
  const ranked = Object.keys(s.categoryViews).sort((a, b) => s.categoryViews[b] - s.categoryViews[a]);
  const context = { page: { path: '/', search: campaign ? `?utm_campaign=${campaign}` : '' } };
  if (campaign) context.campaign = { name: campaign };
  const attributes = {
    visits: s.visits,
    returning: s.visits > 1,
    topCategory: ranked[0] ?? null,
    recentlyViewed: s.viewed,
    purchased: s.purchased,
    traits: s.traits,
    quizzes: s.quizzes,
    context,
    page: { ...context.page, query: campaign ? { utm_campaign: campaign } : {} },
    segments: [],
  };
  for (const id of Object.keys(config.segments)) {
    const segment = config.segments[id];
    if (!segment.broken && s.sdk.evalCondition(segment.when, attributes)) attributes.segments.push(id);
  }
  return attributes;
}

/**
 * The engine's decision, with the SDK's bookkeeping around it (src/api/decisions.ts): a
 * holdout bucket drawn once per visitor and version and kept; the site-wide holdout's
 * under the key `$site`; sticky assignments stored when the decision says so.
 */
export function decide(s, placement, config, stats, attributes) {
  const { sdk } = s;
  const bucket = (key, version) => {
    const kept = s.holdouts[key];
    if (kept && kept.version === version) return kept.bucket;
    s.holdouts[key] = { version, bucket: sdk.hashBucket(key + ':holdout:' + version, s.anonymousId) };
    return s.holdouts[key].bucket;
  };
  const decision = sdk.decidePlacement(placement, {
    attributes,
    unitId: s.anonymousId,
    siteHoldout: config.holdout > 0 && bucket('$site', config.holdoutVersion) < config.holdout,
    holdoutBucket: placement.holdout > 0 ? bucket(placement.id, placement.version) : undefined,
    segments: attributes.segments,
    stats,
    sticky: s.assignments[placement.id],
    random: s.random,
  });
  if (decision.store && decision.variant != null) s.assignments[placement.id] = { variant: decision.variant, version: placement.version };
  return decision;
}

/**
 * The credit rule of src/decide/attribution.ts (attributeGoal, not in the public entry):
 * each exposure converts once per goal name within its window; Order Completed's value
 * is its revenue, with its currency.
 */
export function attribute(exposures, name, properties, now) {
  const conversions = [];
  for (const id of Object.keys(exposures)) {
    const x = exposures[id];
    if (!x.goals.includes(name) || x.converted.includes(name) || now < x.at || now - x.at > x.days * DAY) continue;
    const first = !x.converted.length;
    x.converted.push(name);
    const conversion = { placement: id, variant: x.variant, reason: x.reason, segment: x.segment, group: x.group, goal: name, first };
    const key = x.value ? [x.value] : name == 'Order Completed' ? ['revenue', 'total'] : ['value', 'revenue'];
    const value = key.map((k) => properties[k]).find((n) => typeof n == 'number' && isFinite(n));
    if (value !== undefined) {
      conversion.value = value;
      if (typeof properties.currency == 'string') conversion.currency = properties.currency.toUpperCase();
    }
    conversions.push(conversion);
  }
  return conversions;
}

