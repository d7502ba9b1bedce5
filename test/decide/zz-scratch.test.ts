import { it } from 'vitest';
import { thompsonChoose, mulberry32, type ArmStats } from '../../src/decide/bandit';
import { hashBucket } from '../../src/decide/hash';

function sim(seed: number, rates: number[], N = 100000, refresh = 1000) {
  const choose = mulberry32(seed), env = mulberry32(seed ^ 0x9e3779b9);
  const live: ArmStats[] = rates.map((_, i) => ({ id: String(i), impressions: 0, conversions: 0 }));
  let snap = live.map((a) => ({ ...a }));
  const pulls = rates.map(() => 0);
  let regret = 0; const best = Math.max(...rates);
  for (let t = 0; t < N; t++) {
    if (t % refresh === 0) snap = live.map((a) => ({ ...a }));
    const i = Number(thompsonChoose(snap, choose).id);
    pulls[i]++; live[i].impressions++;
    if (env() < rates[i]) live[i].conversions++;
    regret += best - rates[i];
  }
  return { pulls, regret, uniform: N * (best - rates.reduce((a, b) => a + b) / rates.length) };
}
it('calibrate', () => {
  console.log(['seed','a','b'].map(s=>hashBucket('seed', s)));
  const t0 = Date.now();
  for (let s = 1; s <= 10; s++) { const r = sim(s, [0.02, 0.0225, 0.025, 0.0275, 0.03]); console.log(s, r.pulls.join(','), (r.regret / r.uniform).toFixed(3)); }
  console.log('ms', Date.now() - t0);
}, 120000);
