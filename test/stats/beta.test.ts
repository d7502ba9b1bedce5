// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { betaCdf, betaInterval, betaQuantile, conversionInterval, logBeta, logGamma } from '../../src/stats';

// Reference values from SciPy 1.17 (scipy.stats.beta.ppf and scipy.special.betainc).
const QUANTILES: [p: number, a: number, b: number, x: number][] = [
  [0.025, 1, 1, 0.025],
  [0.975, 1, 1, 0.975],
  [0.5, 2, 2, 0.5],
  [0.025, 31, 971, 0.02113693887928364],
  [0.975, 31, 971, 0.042509169300003924],
  [0.025, 1, 1000001, 2.5317782346012154e-8],
  [0.975, 1, 1000001, 3.6888689613443307e-6],
  [0.025, 2, 1, 0.15811388300841897],
  [0.3, 0.5, 0.5, 0.2061073738537634],
  [0.9, 0.5, 0.5, 0.9755282581475768],
  [0.001, 0.2, 3, 2.495343537242626e-16],
  [0.025, 5001, 95001, 0.048666639945278665],
  [0.975, 5001, 95001, 0.051368407566739105],
  [0.5, 1e6, 2e6, 0.3333332962962917],
  [1e-10, 2, 50, 2.800572978595453e-7],
  [0.975, 1, 11, 0.28491415291815436],
  [0.025, 11, 1, 0.7150858470818455],
  [0.025, 151, 51, 0.6855386601291802],
];

const CDFS: [x: number, a: number, b: number, p: number][] = [
  [0.3, 2, 5, 0.5798250000000003],
  [0.01, 31, 971, 6.561728202203472e-8],
  [0.99, 0.5, 0.5, 0.9362314391414803],
  [0.5, 1e6, 1e6 + 10, 0.5028209179455332],
  [0.2, 1, 1, 0.2],
  [1e-7, 1, 1000001, 0.09516267697196916],
];

const close = (actual: number, expected: number, relative = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected) + 1e-300);

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    close(logGamma(5), Math.log(24), 1e-13);
    close(logGamma(21), Math.log(2432902008176640000), 1e-13);
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
    expect(logGamma(0)).toBeNaN();
  });
});

describe('logBeta', () => {
  // SciPy's scipy.special.betaln; the large shapes are where naive ln Γ sums lose digits.
  it.each([
    [2, 3, -2.4849066497880004],
    [0.5, 0.5, 1.1447298858494],
    [5, 20, -12.266791380564879],
    [1, 1_000_000, -13.815510557964444],
    [31, 971, -139.04383508653882],
    [1e6, 2e6, -1909548.2909685448],
  ])('ln B(%s, %s) = %s', (a, b, expected) => close(logBeta(a, b), expected, 1e-13));
});

describe('betaCdf', () => {
  it.each(CDFS)('I_%s(%s, %s) = %s', (x, a, b, p) => close(betaCdf(x, a, b), p, 1e-9));

  it('is 0 and 1 at the ends and NaN for bad shapes', () => {
    expect(betaCdf(0, 2, 3)).toBe(0);
    expect(betaCdf(1, 2, 3)).toBe(1);
    expect(betaCdf(0.5, 0, 3)).toBeNaN();
  });
});

describe('betaQuantile', () => {
  it.each(QUANTILES)('Q(%s; %s, %s) = %s', (p, a, b, x) => close(betaQuantile(p, a, b), x, 1e-9));

  it('has closed forms for Beta(a, 1) and Beta(1, b)', () => {
    for (const p of [0.01, 0.3, 0.77, 0.999]) {
      close(betaQuantile(p, 3, 1), p ** (1 / 3), 1e-11);
      close(betaQuantile(p, 1, 4), 1 - (1 - p) ** (1 / 4), 1e-11);
    }
  });

  it('inverts the CDF and rises with p, for any shapes the collector can meet', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        (p, c, n) => {
          const a = 1 + c;
          const b = 1 + n;
          const x = betaQuantile(p, a, b);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
          // Near 1 with a huge shape, F rises by density × ulp(x) between neighbouring doubles
          // (Beta(1531208, 1) at p = 0.85: ~1.3e-10 per ulp), so no double x meets 1e-9 alone;
          // the bound allows 16 ulps of x on top.
          const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
          expect(Math.abs(betaCdf(x, a, b) - p)).toBeLessThan(1e-9 + 16 * density * Number.EPSILON * x);
          expect(betaQuantile(Math.min(p * 1.01, 1 - 1e-7), a, b)).toBeGreaterThanOrEqual(x);
        },
      ),
      // The case a run found: at 1e-9 alone it failed by 8.6e-11.
      { numRuns: 300, examples: [[0.8517, 1_531_207, 0]] },
    );
  });

  it('returns the ends for p = 0 or 1 and NaN for invalid arguments', () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
    expect(betaQuantile(1.5, 2, 3)).toBeNaN();
    expect(betaQuantile(0.5, -1, 3)).toBeNaN();
  });
});

describe('credible intervals', () => {
  it('betaInterval takes the 2.5 % and 97.5 % quantiles by default', () => {
    const [low, high] = betaInterval(31, 971);
    close(low, 0.02113693887928364);
    close(high, 0.042509169300003924);
  });

  it('conversionInterval uses Beta(1 + c, 1 + n − c) and the observed rate', () => {
    const r = conversionInterval(30, 1000);
    expect(r.rate).toBe(0.03);
    close(r.low, 0.02113693887928364);
    close(r.high, 0.042509169300003924);
    const none = conversionInterval(0, 0);
    expect(none.rate).toBe(0);
    close(none.low, 0.025, 1e-12);
    close(none.high, 0.975, 1e-12);
  });

  it('cleans counts: conversions capped at impressions, negatives and NaN as 0', () => {
    expect(conversionInterval(50, 10)).toEqual(conversionInterval(10, 10));
    expect(conversionInterval(-3, Number.NaN)).toEqual(conversionInterval(0, 0));
  });
});
