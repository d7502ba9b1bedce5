// The offline protocol of issue 7: leave the last item out per user, rank over all items
// except the user's own training items, report HR@10 and NDCG@10.

/**
 * Splits interactions `{ user, item, time, line }`. A repeated (user, item) keeps only its
 * latest occurrence (time, then file line), so a held-out item is never also a training
 * item. Per user, in time order (ties: file order), the last item of a user with at
 * least 2 items is held out. Returns
 * - `items`: every item id in order of first appearance in the file (the "catalog order");
 * - `train`: the training interactions in file order;
 * - `users`: `{ user, history, target }`, history in time order (oldest first).
 */
export function leaveLastOut(rows) {
  const latest = new Map();
  for (const row of rows) {
    const key = `${row.user}\u0000${row.item}`;
    const seen = latest.get(key);
    if (!seen || row.time > seen.time || (row.time === seen.time && row.line > seen.line)) latest.set(key, row);
  }
  const kept = [...latest.values()].sort((a, b) => a.line - b.line);
  const items = [...new Set(kept.map((r) => r.item))];
  const byUser = new Map();
  for (const row of kept) (byUser.get(row.user) ?? byUser.set(row.user, []).get(row.user)).push(row);
  const held = new Set();
  const users = [];
  for (const [user, list] of byUser) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.time - b.time || a.line - b.line);
    const last = list[list.length - 1];
    held.add(last);
    users.push({ user, history: list.slice(0, -1), target: last.item });
  }
  return { items, train: kept.filter((r) => !held.has(r)), users };
}

/**
 * HR@k and NDCG@k of a recommender: `recommend(user)` returns item ids best first (it
 * must leave out the user's own training items itself, as the Attune models do by
 * excluding purchases). Also the mean time per call, in microseconds.
 */
export function evaluate(users, recommend, k = 10) {
  let hits = 0;
  let gain = 0;
  const started = process.hrtime.bigint();
  for (const u of users) {
    const list = recommend(u).slice(0, k);
    const rank = list.indexOf(u.target);
    if (rank >= 0) {
      hits++;
      gain += 1 / Math.log2(rank + 2);
    }
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000 / Math.max(1, users.length);
  return { hr: hits / users.length, ndcg: gain / users.length, micros };
}

/** Checks that a list leaves out the user's own items: a model that does not would be flattered. */
export function assertExcludesOwn(users, recommend) {
  for (const u of users.slice(0, 50)) {
    const own = new Set(u.history.map((r) => r.item));
    const bad = recommend(u).find((item) => own.has(item));
    if (bad !== undefined) throw new Error(`a model recommended ${bad}, which user ${u.user} already has`);
  }
}
