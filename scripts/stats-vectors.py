#!/usr/bin/env python3
"""Reference values for src/stats/, written once into test/vectors/stats-*.json.

Run from the repository root: python3 scripts/stats-vectors.py
Needs SciPy (written with SciPy 1.17.1, NumPy 2.4.6). Every file records in "source" how its
values were computed and the tolerance the tests allow. The values come from SciPy's own
special functions, distributions and adaptive quadrature (QUADPACK), never from the code under
test; the formulas applied on top of them are spelled out next to each generator below.
"""
import json
import math
import os
import sys

import mpmath
import numpy as np
import scipy
from scipy import integrate, optimize, special, stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "vectors")
VERSIONS = f"Python {sys.version.split()[0]}, SciPy {scipy.__version__}, NumPy {np.__version__}, mpmath {mpmath.__version__}"
mpmath.mp.dps = 40

# Quantiles of each posterior used as breakpoints for piecewise adaptive quadrature, so that
# QUADPACK sees every narrow peak, even one of 10^6 visitors beside a wide posterior.
BREAK_QUANTILES = [1e-13, 1e-9, 1e-6, 1e-3, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1 - 1e-3, 1 - 1e-6, 1 - 1e-9, 1 - 1e-13]


def shapes(variants):
    a = np.array([1.0 + v["conversions"] for v in variants])
    b = np.array([1.0 + v["visitors"] - v["conversions"] for v in variants])
    return a, b


def breakpoints(a, b, lo=0.0, hi=1.0):
    pts = {lo, hi}
    for ai, bi in zip(a, b):
        for q in BREAK_QUANTILES:
            t = float(special.betaincinv(ai, bi, q))
            if lo < t < hi:
                pts.add(t)
    return sorted(pts)


def piecewise_quad(f, pts):
    total = 0.0
    for left, right in zip(pts[:-1], pts[1:]):
        if right > left:
            value, _ = integrate.quad(f, left, right, epsabs=1e-17, epsrel=1e-13, limit=200)
            total += value
    return total


def betaln(a, b):
    # scipy.special.betaln keeps ~1 ulp of its result, which at shapes ~5e5 (|ln B| ~ 7e5) is
    # 1e-10 and, summed, a 4e-10 error in a density's total mass; mpmath's 40-digit value is exact.
    return float(mpmath.log(mpmath.beta(mpmath.mpf(a), mpmath.mpf(b))))


def log_pdf(x, a, b, log_norm):
    return special.xlogy(a - 1, x) + special.xlog1py(b - 1, -x) - log_norm


def best_case(name, variants):
    a, b = shapes(variants)
    k = len(variants)
    pts = breakpoints(a, b)
    probability = []
    loss = []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        log_norm = betaln(a[i], b[i])

        def integrand(x, i=i, others=others, log_norm=log_norm):
            return math.exp(log_pdf(x, a[i], b[i], log_norm)) * float(np.prod(special.betainc(a[others], b[others], x)))

        pi_lo = float(special.betaincinv(a[i], b[i], 1e-13))
        pi_hi = float(special.betaincinv(a[i], b[i], 1 - 1e-13))
        probability.append(piecewise_quad(integrand, [t for t in pts if pi_lo <= t <= pi_hi] or [pi_lo, pi_hi]))

        def loss_integrand(x, i=i):
            cdfs = special.betainc(a, b, x)
            return float(cdfs[i] - np.prod(cdfs))

        loss.append(piecewise_quad(loss_integrand, pts))
    return {"name": name, "variants": variants, "probabilityBest": probability, "expectedLoss": loss}


def monte_carlo_check(variants, draws=2_000_000, seed=20261207):
    """A seeded simulation, printed only: an independent sanity check of the quadrature."""
    rng = np.random.default_rng(seed)
    a, b = shapes(variants)
    samples = np.stack([rng.beta(ai, bi, draws) for ai, bi in zip(a, b)])
    best = samples.max(axis=0)
    winners = samples.argmax(axis=0)
    return [float(np.mean(winners == i)) for i in range(len(variants))], [float(np.mean(best - s)) for s in samples]


def v(visitors, conversions):
    return {"visitors": visitors, "conversions": conversions}


BEST_CASES = [
    ("two small", [v(10, 1), v(10, 3)]),
    ("two, 1000 each", [v(1000, 30), v(1000, 45)]),
    ("no data at all", [v(0, 0), v(0, 0)]),
    ("zero conversions vs some", [v(500, 0), v(500, 4)]),
    ("zero conversions both, unequal traffic", [v(1000, 0), v(100, 0)]),
    ("equal variants, three", [v(2000, 100), v(2000, 100), v(2000, 100)]),
    ("huge counts, close", [v(1_000_000, 50_000), v(1_000_000, 50_300)]),
    ("huge counts, equal", [v(1_000_000, 20_000), v(1_000_000, 20_000)]),
    ("huge vs small", [v(1_000_000, 30_000), v(200, 8), v(50, 1)]),
    ("far apart", [v(1_000_000, 10_000), v(1_000_000, 500_000)]),
    ("all converted", [v(100, 100), v(100, 99)]),
    ("ten variants, huge", [v(1_000_000, 30_000 + 40 * i) for i in range(10)]),
    ("ten variants, mixed", [v(100 * (i + 1) ** 3, (i + 1) ** 3 * (3 + i % 4)) for i in range(10)]),
    ("twenty variants", [v(5000 + 137 * i, 150 + (i * 7) % 23) for i in range(20)]),
]


def write(name, payload):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(path))


def best_vectors():
    cases = [best_case(name, variants) for name, variants in BEST_CASES]
    for name, variants in BEST_CASES[:3]:
        p, l = monte_carlo_check(variants)
        print(f"  monte carlo check, {name}: P(best) {p}, loss {l}")
    write("stats-best.json", {
        "source": (
            f"scripts/stats-vectors.py ({VERSIONS}). Posterior of each variant: Beta(1 + conversions, "
            "1 + visitors - conversions), independent. probabilityBest[i] = integral of f_i(x) * prod_{j != i} "
            "F_j(x) over variant i's [1e-13, 1 - 1e-13] quantile range; expectedLoss[i] = integral of "
            "F_i(x) - prod_j F_j(x) over [0, 1] (= E[max_j p_j - p_i]); f from scipy.special.xlogy/xlog1py with ln B(a, b) from mpmath (40 digits), "
            "F = scipy.special.betainc; scipy.integrate.quad (epsrel 1e-13) on the pieces between every "
            "posterior's quantiles 1e-13 ... 1 - 1e-13. A seeded Monte Carlo (2e6 draws, numpy default_rng) "
            "agreed to its sampling error. Tolerance: probabilities 1e-8 absolute; losses 1e-6 relative + 1e-12 absolute."
        ),
        "tolerance": {"probabilityAbsolute": 1e-8, "lossRelative": 1e-6, "lossAbsolute": 1e-12},
        "cases": cases,
    })



# ---------------------------------------------------------------------------------------------
# Relative lift: posterior quantiles of p_v / p_c - 1.


def ratio_cdf(r, ac, bc, av, bv):
    """P(p_v <= r p_c) = integral of f_c(x) F_v(min(1, r x)) dx, piecewise over both posteriors' quantiles."""
    log_norm = betaln(ac, bc)
    pts = set(breakpoints([ac], [bc]))
    for t in breakpoints([av], [bv]):
        if 0 < t / r < 1:
            pts.add(t / r)
    if 0 < 1 / r < 1:
        pts.add(1 / r)
    f = lambda x: math.exp(log_pdf(x, ac, bc, log_norm)) * float(special.betainc(av, bv, min(1.0, r * x)))
    return piecewise_quad(f, sorted(pts))


def lift_case(name, control, variant, level=0.95):
    (ac,), (bc,) = shapes([control])
    (av,), (bv,) = shapes([variant])
    lo = math.log(special.betaincinv(av, bv, 1e-14) / special.betaincinv(ac, bc, 1 - 1e-14))
    hi = math.log(special.betaincinv(av, bv, 1 - 1e-14) / special.betaincinv(ac, bc, 1e-14))

    def quantile(q):
        s = optimize.brentq(lambda s: ratio_cdf(math.exp(s), ac, bc, av, bv) - q, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=500)
        return math.exp(s) - 1

    tail = (1 - level) / 2
    c, n_c, vv, n_v = control["conversions"], control["visitors"], variant["conversions"], variant["visitors"]
    lift = (vv / n_v - c / n_c) / (c / n_c) if n_c > 0 and n_v > 0 and c > 0 else None
    return {
        "name": name, "control": control, "variant": variant, "level": level,
        "lift": lift, "median": quantile(0.5), "low": quantile(tail), "high": quantile(1 - tail),
        "probabilityBetter": 1 - ratio_cdf(1.0, ac, bc, av, bv),
    }


LIFT_CASES = [
    ("18 % better, 10,000 each", v(10000, 500), v(10000, 590)),
    ("small counts", v(40, 3), v(40, 6)),
    ("zero conversions in the control", v(10, 0), v(10, 1)),
    ("zero conversions in both", v(1000, 0), v(1000, 0)),
    ("no data", v(0, 0), v(0, 0)),
    ("variant with no conversion", v(2000, 40), v(2000, 0)),
    ("unequal traffic", v(100, 2), v(1000, 50)),
    ("huge counts, close", v(1_000_000, 50_000), v(1_000_000, 50_300)),
    ("huge counts, rare events", v(1_000_000, 10), v(1_000_000, 20)),
    ("huge control, small variant", v(1_000_000, 30_000), v(300, 12)),
    ("equal", v(5000, 250), v(5000, 250)),
    ("worse", v(3000, 300), v(3000, 240)),
    ("high rates", v(500, 480), v(500, 495)),
]


def lift_vectors():
    cases = [lift_case(name, c, t) for name, c, t in LIFT_CASES]
    cases.append(lift_case("90 % level", v(10000, 500), v(10000, 590), 0.9))
    cases.append(lift_case("99 % level", v(800, 40), v(800, 52), 0.99))
    write("stats-lift.json", {
        "source": (
            f"scripts/stats-vectors.py ({VERSIONS}). Posteriors Beta(1 + conversions, 1 + visitors - conversions), "
            "independent. R = p_variant / p_control has CDF P(R <= r) = integral over x of f_control(x) * "
            "F_variant(min(1, r x)), by scipy.integrate.quad (epsrel 1e-13) on the pieces between the posteriors' "
            "quantiles 1e-13 ... 1 - 1e-13 (the variant's divided by r), F = scipy.special.betainc, ln B from mpmath. "
            "median, low, high: the 0.5, (1 - level)/2 and (1 + level)/2 quantiles of R, minus 1, by "
            "scipy.optimize.brentq in ln r (xtol 1e-14). probabilityBetter = 1 - P(R <= 1). lift: the observed "
            "(v/n_v - c/n_c)/(c/n_c), null without a control conversion or visitors. Tolerance: 1 + median, "
            "1 + low, 1 + high within 1e-7 relative; probabilityBetter within 1e-8 absolute; lift 1e-12 relative."
        ),
        "tolerance": {"ratioRelative": 1e-7, "probabilityAbsolute": 1e-8, "liftRelative": 1e-12},
        "cases": cases,
    })


# ---------------------------------------------------------------------------------------------
# Means per visitor from (count, sum, sum of squares), and the uplift of one over another.


def revenue_sample(rng, visitors, buyers_share, median_order, spread):
    values = np.zeros(visitors)
    buyers = rng.random(visitors) < buyers_share
    values[buyers] = np.round(rng.lognormal(math.log(median_order), spread, int(buyers.sum())), 2)
    return values


def sums(values):
    return {"count": int(len(values)), "sum": math.fsum(values), "sumSquares": math.fsum(values * values)}


def mean_entry(values, level):
    n = len(values)
    entry = {"sums": sums(values), "level": level, "mean": float(np.mean(values)) if n else 0.0}
    if n >= 2:
        result = stats.ttest_1samp(values, 0.0)
        ci = result.confidence_interval(level)
        se = float(np.std(values, ddof=1) / math.sqrt(n))
        entry.update(standardError=se, low=float(ci.low), high=float(ci.high))
    else:
        entry.update(standardError=None, low=None, high=None)
    return entry


def uplift_entry(name, treatment, holdout, level=0.95):
    entry = {"name": name, "treatment": sums(treatment), "holdout": sums(holdout), "level": level}
    mt, mh = float(np.mean(treatment)), float(np.mean(holdout))
    entry["difference"] = mt - mh
    entry["relative"] = mt / mh - 1 if mt > 0 and mh > 0 else None
    vt = float(np.var(treatment, ddof=1)) / len(treatment)
    vh = float(np.var(holdout, ddof=1)) / len(holdout)
    if vt + vh > 0:
        welch = stats.ttest_ind(treatment, holdout, equal_var=False)
        ci = welch.confidence_interval(level)
        df = float(welch.df)
        entry.update(differenceLow=float(ci.low), differenceHigh=float(ci.high), degreesOfFreedom=df)
        t = float(stats.t.ppf((1 + level) / 2, df))
    else:
        entry.update(differenceLow=entry["difference"], differenceHigh=entry["difference"], degreesOfFreedom=None)
        t = float(stats.norm.ppf((1 + level) / 2))
    if entry["relative"] is not None:
        half = t * math.sqrt(vt / mt ** 2 + vh / mh ** 2)
        entry["relativeLow"] = math.expm1(math.log(mt / mh) - half)
        entry["relativeHigh"] = math.expm1(math.log(mt / mh) + half)
    else:
        entry["relativeLow"] = entry["relativeHigh"] = None
    return entry


def means_vectors():
    rng = np.random.default_rng(20261207)
    means = [
        ("two visitors", np.array([0.0, 30.0]), 0.95),
        ("five visitors, 90 %", np.array([0.0, 0.0, 12.5, 0.0, 40.0]), 0.9),
        ("one visitor: no interval", np.array([25.0]), 0.95),
        ("no visitor", np.array([]), 0.95),
        ("nobody bought", np.zeros(1000), 0.95),
        ("everybody paid the same", np.full(400, 19.99), 0.95),
        ("1,000 visitors, 3 % buy", revenue_sample(rng, 1000, 0.03, 45, 0.8), 0.95),
        ("100,000 visitors, 2 % buy, heavy tail", revenue_sample(rng, 100_000, 0.02, 60, 1.4), 0.95),
        ("1,000,000 visitors, 99 %", revenue_sample(rng, 1_000_000, 0.035, 52, 1.0), 0.99),
    ]
    mean_cases = []
    for name, values, level in means:
        entry = mean_entry(values, level)
        mean_cases.append({"name": name, **entry})
    uplifts = [
        ("personalisation +15 %, 20,000 vs 2,000", revenue_sample(rng, 20_000, 0.0345, 50, 1.0), revenue_sample(rng, 2_000, 0.03, 50, 1.0)),
        ("small groups", np.array([0, 0, 35.0, 0, 0, 12, 0, 0, 0, 80]), np.array([0, 0, 0, 20.0, 0, 0, 0])),
        ("no difference, 1,000,000 vs 100,000", revenue_sample(rng, 1_000_000, 0.03, 40, 1.1), revenue_sample(rng, 100_000, 0.03, 40, 1.1)),
        ("holdout bought nothing", revenue_sample(rng, 500, 0.05, 30, 0.5), np.zeros(60)),
        ("treatment worse", revenue_sample(rng, 5000, 0.02, 40, 0.9), revenue_sample(rng, 5000, 0.03, 40, 0.9)),
        ("constant values", np.full(100, 10.0), np.full(50, 8.0)),
    ]
    uplift_cases = [uplift_entry(name, t, h) for name, t, h in uplifts]
    uplift_cases.append(uplift_entry("90 % level", *uplifts[0][1:], level=0.9))
    write("stats-means.json", {
        "source": (
            f"scripts/stats-vectors.py ({VERSIONS}). Per-visitor values drawn with numpy.random.default_rng(20261207) "
            "(a share of buyers with log-normal order values rounded to cents, everyone else 0), then reduced to "
            "count, sum and sum of squares (math.fsum). means: mean with scipy.stats.ttest_1samp(values, 0)"
            ".confidence_interval(level) (t interval, n - 1 df) and standardError = std(ddof=1)/sqrt(n), computed "
            "from the raw values; null below 2 visitors. uplifts: difference interval and degreesOfFreedom from "
            "scipy.stats.ttest_ind(treatment, holdout, equal_var=False) (Welch); relative = mean_t/mean_h - 1 with "
            "expm1(ln(mean_t/mean_h) -/+ t * sqrt(se_t^2/mean_t^2 + se_h^2/mean_h^2)), t = scipy.stats.t.ppf((1 + "
            "level)/2, Welch df) (the delta method on the log ratio, a formula, evaluated with SciPy's quantile); "
            "null unless both means > 0; with both variances 0 the interval is the point and df is null (Infinity "
            "in the code). Tolerance: |actual - expected| <= 1e-9 |expected| + 1e-12 + 1e-9 * mean (the mean of the "
            "case, or the larger of the two means for a difference; 1 for relative figures): from sums, the variance "
            "loses digits in proportion to the mean (sumSquares - sum^2/n cancels), e.g. a standard error of 1.4e-8 "
            "instead of 0 for 400 visitors who all paid 19.99."
        ),
        "tolerance": {"relative": 1e-9, "absolute": 1e-12, "ofMean": 1e-9},
        "means": mean_cases,
        "uplifts": uplift_cases,
    })


# ---------------------------------------------------------------------------------------------
# Sample-ratio mismatch: Pearson's chi-square against the configured shares.


def srm_case(name, observed, weights):
    observed = list(observed)
    kept = [(o, w) for o, w in zip(observed, weights) if w > 0]
    total = sum(observed)
    if total == 0 or len(kept) < 2:
        statistic, df, p = 0.0, 0, 1.0
    elif any(o > 0 and w == 0 for o, w in zip(observed, weights)):
        statistic, df, p = None, len(kept) - 1, 0.0
    else:
        weight_sum = sum(w for _, w in kept)
        expected = [total * w / weight_sum for _, w in kept]
        result = stats.chisquare([o for o, _ in kept], expected)
        statistic, df, p = float(result.statistic), len(kept) - 1, float(result.pvalue)
    return {"name": name, "observed": observed, "weights": list(weights), "statistic": statistic,
            "degreesOfFreedom": df, "pValue": p, "mismatch": p < 1e-3}


SRM_CASES = [
    ("balanced 50/50", [5000, 5000], [1, 1]),
    ("slightly off, fine", [5000, 5150], [50, 50]),
    ("off, not flagged", [5000, 5300], [1, 1]),
    ("just flagged", [5000, 5350], [1, 1]),
    ("weighted 50/30/20", [50_210, 29_870, 19_920], [50, 30, 20]),
    ("holdout 10 %, correct", [90_123, 9_877], [0.9, 0.1]),
    ("holdout 10 %, broken", [91_000, 9_000], [0.9, 0.1]),
    ("extreme, 10^6 vs 9 x 10^5", [1_000_000, 900_000], [1, 1]),
    ("small counts", [3, 9], [1, 1]),
    ("one group empty", [0, 120], [1, 1]),
    ("twenty variants", [1000 + (i * 37) % 61 for i in range(20)], [1] * 20),
    ("twenty variants, one starved", [1000] * 19 + [700], [1] * 20),
    ("zero weight and no visitor left out", [4000, 4100, 0], [1, 1, 0]),
    ("zero weight with visitors", [4000, 4100, 3], [1, 1, 0]),
    ("no visitors", [0, 0], [1, 1]),
    ("a single group", [500], [1]),
]


def srm_vectors():
    write("stats-srm.json", {
        "source": (
            f"scripts/stats-vectors.py ({VERSIONS}). scipy.stats.chisquare(observed, expected) with expected = total * "
            "weight / sum(weights) over the groups of positive weight; degreesOfFreedom = those groups - 1; mismatch "
            "= pValue < 0.001. Conventions (not SciPy's): a group of weight 0 without visitors is left out, one with "
            "visitors gives statistic Infinity (null here) and p 0; no visitors or fewer than 2 groups give statistic 0, "
            "df 0, p 1. Tolerance: statistic 1e-12 relative; pValue 1e-10 relative + 1e-300 absolute."
        ),
        "tolerance": {"statisticRelative": 1e-12, "pValueRelative": 1e-10},
        "cases": [srm_case(*c) for c in SRM_CASES],
    })


# ---------------------------------------------------------------------------------------------
# Sample size for two proportions.


def sample_size(p1, p2, alpha=0.05, power=0.8):
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    mean = (p1 + p2) / 2
    root = za * math.sqrt(2 * mean * (1 - mean)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root ** 2 / (p1 - p2) ** 2 - 1e-9)


def enough_case(name, control, variant, minimum_lift=0.1, alpha=0.05, power=0.8):
    c, nc, vv, nv = control["conversions"], control["visitors"], variant["conversions"], variant["visitors"]
    baseline = c / nc if c > 0 else (c + vv) / (nc + nv) if nc + nv > 0 else 0.0
    observed = abs(vv / nv - c / nc) / (c / nc) if c > 0 and nv > 0 else 0.0
    lift = max(observed, minimum_lift)
    entry = {"name": name, "control": control, "variant": variant,
             "options": {"minimumLift": minimum_lift, "alpha": alpha, "power": power},
             "baselineRate": baseline, "liftUsed": lift}
    if baseline <= 0:
        entry.update(enough=False, requiredPerVariant=None, additionalPerVariant=None)
        return entry
    up = baseline * (1 + lift)
    target = up if up < 1 else baseline * (1 - min(lift, 1))
    required = sample_size(baseline, target, alpha, power)
    additional = max(0, required - min(nc, nv))
    entry.update(enough=additional == 0, requiredPerVariant=required, additionalPerVariant=additional)
    return entry


def sample_size_vectors():
    sizes = []
    for p1, p2, alpha, power in [
        (0.05, 0.055, 0.05, 0.8), (0.05, 0.06, 0.05, 0.8), (0.1, 0.12, 0.05, 0.9), (0.02, 0.022, 0.01, 0.8),
        (0.5, 0.55, 0.05, 0.8), (0.001, 0.0011, 0.05, 0.8), (0.3, 0.2, 0.05, 0.8), (0.9, 0.99, 0.05, 0.8),
    ]:
        sizes.append({"p1": p1, "p2": p2, "alpha": alpha, "power": power, "perGroup": sample_size(p1, p2, alpha, power)})
    checks = [
        enough_case("small test, 10 % minimum", v(4000, 200), v(4000, 212)),
        enough_case("large observed lift, enough", v(5000, 250), v(5000, 350)),
        enough_case("no control conversion: pooled baseline", v(300, 0), v(300, 6)),
        enough_case("no conversions at all", v(300, 0), v(300, 0)),
        enough_case("huge and enough", v(1_000_000, 50_000), v(1_000_000, 56_000)),
        enough_case("high rate: sized downward", v(1000, 950), v(1000, 960)),
        enough_case("5 % minimum, 90 % power", v(20_000, 600), v(20_000, 610), minimum_lift=0.05, power=0.9),
    ]
    write("stats-sample-size.json", {
        "source": (
            f"scripts/stats-vectors.py ({VERSIONS}). perGroup = ceil((z_(1-alpha/2) sqrt(2 pbar (1 - pbar)) + z_power "
            "sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2), pbar = (p1 + p2)/2, z = scipy.stats.norm.ppf (the "
            "pooled two-proportion z-test without continuity correction, Fleiss, Levin & Paik section 4.2). checks: "
            "baseline = control rate (pooled rate while the control has no conversion), lift = max(|observed relative "
            "lift|, minimumLift), p2 = baseline (1 + lift) or baseline (1 - lift) when that would reach 1, additional = "
            "max(0, required - smaller group's visitors). Integers: exact."
        ),
        "sampleSizes": sizes,
        "checks": checks,
    })


if __name__ == "__main__":
    which = set(sys.argv[1:])
    if not which or "best" in which:
        best_vectors()
    if not which or "lift" in which:
        lift_vectors()
    if not which or "means" in which:
        means_vectors()
    if not which or "srm" in which:
        srm_vectors()
    if not which or "sample-size" in which:
        sample_size_vectors()
