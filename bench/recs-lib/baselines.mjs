// Reference recommenders written independently of src/, to check the protocol against
// the figures and to give Attune's models something to beat.

/** Popularity: training interactions per item, ties in catalog order; the user's own items left out. */
export function popularityBaseline(items, train) {
  const counts = new Map(items.map((id) => [id, 0]));
  for (const r of train) counts.set(r.item, counts.get(r.item) + 1);
  const ranked = [...items].sort((a, b) => counts.get(b) - counts.get(a)); // stable: catalog order on ties
  return (u) => {
    const own = new Set(u.history.map((r) => r.item));
    const out = [];
    for (const id of ranked) {
      if (!own.has(id)) out.push(id);
      if (out.length === 10) break;
    }
    return out;
  };
}

// Each user's distinct training items, in time order.
const historiesOf = (train) => {
  const byUser = new Map();
  for (const r of [...train].sort((a, b) => a.time - b.time || a.line - b.line)) (byUser.get(r.user) ?? byUser.set(r.user, []).get(r.user)).push(r.item);
  return byUser;
};

/**
 * Plain item-to-item cosine over the user × item matrix (cᵢⱼ / √(nᵢ·nⱼ), every
 * neighbour kept) with recency weighting of the user's history: the k-th most recent
 * item weighs `recency`^k. The "plain cosine" reference.
 */
export function cosineBaseline(items, train, recency = 0.9) {
  const index = new Map(items.map((id, i) => [id, i]));
  const n = items.length;
  const users = [...historiesOf(train).values()].map((list) => list.map((id) => index.get(id)));
  const inUsers = new Float64Array(n);
  const pairs = new Map();
  for (const list of users) {
    for (const a of list) inUsers[a]++;
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
      const key = Math.min(list[i], list[j]) * n + Math.max(list[i], list[j]);
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const neighbours = Array.from({ length: n }, () => []);
  for (const [key, c] of pairs) {
    const a = Math.floor(key / n);
    const b = key - a * n;
    const sim = c / Math.sqrt(inUsers[a] * inUsers[b]);
    neighbours[a].push([b, sim]);
    neighbours[b].push([a, sim]);
  }
  return (u) => {
    const scores = new Float64Array(n);
    const own = new Set(u.history.map((r) => index.get(r.item)));
    let w = 1;
    for (let p = u.history.length - 1; p >= 0; p--, w *= recency) for (const [j, s] of neighbours[index.get(u.history[p].item)]) scores[j] += w * s;
    const ranked = [];
    for (let i = 0; i < n; i++) if (scores[i] > 0 && !own.has(i)) ranked.push(i);
    ranked.sort((a, b) => scores[b] - scores[a] || a - b);
    // Too few neighbours: the rest in catalog order, as a zero score ranks.
    for (let i = 0; i < n && ranked.length < 10; i++) if (!(scores[i] > 0) && !own.has(i)) ranked.push(i);
    return ranked.slice(0, 10).map((i) => items[i]);
  };
}
