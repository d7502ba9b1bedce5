// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the
// closed-form item-item model B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, on the N most
// popular items. Only a comparison for `--ease`: it needs an N×N inverse (N³ work), and
// on this data it loses to Attune's cosine with proximity (see bench/README.md).

// Inverts a symmetric positive definite matrix in place by Gauss-Jordan without pivoting.
function invertInPlace(a, m) {
  for (let c = 0; c < m; c++) {
    const rc = c * m;
    const pivot = 1 / a[rc + c];
    a[rc + c] = 1;
    for (let k = 0; k < m; k++) a[rc + k] *= pivot;
    for (let r = 0; r < m; r++) {
      const rr = r * m;
      const f = a[rr + c];
      if (r === c || f === 0) continue;
      a[rr + c] = 0;
      for (let k = 0; k < m; k++) a[rr + k] -= f * a[rc + k];
    }
  }
  return a;
}

/** An EASE recommender over `train` ({ user, item }); `recency` weighs the k-th latest item recencyᵏ. */
export function easeBaseline(items, train, { size = 1000, lambda = 50, recency = 0.8 } = {}) {
  const started = performance.now();
  const counts = new Map();
  for (const r of train) counts.set(r.item, (counts.get(r.item) ?? 0) + 1);
  const top = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a)).slice(0, size);
  const at = new Map(top.map((id, i) => [id, i]));
  const m = top.length;
  const gram = new Float64Array(m * m);
  const byUser = new Map();
  for (const r of train) if (at.has(r.item)) (byUser.get(r.user) ?? byUser.set(r.user, []).get(r.user)).push(at.get(r.item));
  for (const list of byUser.values()) for (const a of list) for (const b of list) gram[a * m + b]++;
  for (let i = 0; i < m; i++) gram[i * m + i] += lambda;
  const p = invertInPlace(gram, m);
  const buildMs = performance.now() - started;
  const recommend = (u) => {
    const scores = new Float64Array(m);
    let w = 1;
    for (let k = u.history.length - 1; k >= 0; k--, w *= recency) {
      const a = at.get(u.history[k].item);
      if (a !== undefined) for (let j = 0; j < m; j++) if (j !== a) scores[j] -= (w * p[a * m + j]) / p[j * m + j];
    }
    const own = new Set(u.history.map((r) => r.item));
    const ranked = [...scores.keys()].filter((j) => scores[j] > 0 && !own.has(top[j])).sort((x, y) => scores[y] - scores[x]);
    const out = ranked.slice(0, 10).map((j) => top[j]);
    for (const id of items) if (out.length < 10 && !own.has(id) && !out.includes(id)) out.push(id);
    return out;
  };
  return { recommend, buildMs, size: m };
}
