#!/usr/bin/env python3
"""Writes test/vectors/stats-risk-ratio.json: the ratio of two proportions with its
Katz log interval, computed by SciPy's scipy.stats.contingency.relative_risk, for
src/stats/risk-ratio.ts (the report's daily uplift points).

    python3 scripts/stats-vectors-ratio.py
"""
import json
import platform
from pathlib import Path

import scipy
from scipy.stats.contingency import relative_risk

OUT = Path(__file__).resolve().parent.parent / "test" / "vectors" / "stats-risk-ratio.json"

# (name, treatment conversions, treatment visitors, holdout conversions, holdout visitors, level)
CASES = [
    ("even", 30, 100, 20, 100, 0.95),
    ("small counts", 3, 12, 1, 9, 0.95),
    ("large equal", 5000, 100000, 5000, 100000, 0.95),
    ("large lift", 660, 10000, 500, 10000, 0.95),
    ("negative", 40, 1000, 55, 1000, 0.95),
    ("unequal groups", 210, 3400, 9, 190, 0.95),
    ("all converted", 10, 10, 5, 10, 0.95),
    ("level 0.9", 120, 2000, 100, 2000, 0.9),
    ("level 0.99", 120, 2000, 100, 2000, 0.99),
]


def case(name, ct, nt, ch, nh, level):
    r = relative_risk(ct, nt, ch, nh)
    ci = r.confidence_interval(level)
    return {
        "name": name,
        "treatment": {"visitors": nt, "conversions": ct},
        "holdout": {"visitors": nh, "conversions": ch},
        "level": level,
        "relative": r.relative_risk - 1,
        "low": float(ci.low) - 1,
        "high": float(ci.high) - 1,
    }


if __name__ == "__main__":
    payload = {
        "source": f"scripts/stats-vectors-ratio.py (Python {platform.python_version()}, SciPy {scipy.__version__}). "
        "scipy.stats.contingency.relative_risk(treatment conversions, treatment visitors, holdout conversions, holdout visitors): "
        "relative = risk ratio - 1; low, high = its confidence_interval(level) (Katz et al. 1978, the normal interval of ln RR "
        "with standard error sqrt(1/a - 1/n1 + 1/c - 1/n2)) minus 1.",
        "cases": [case(*c) for c in CASES],
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {OUT}")
