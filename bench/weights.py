"""Raking 100,000 responses on 5 dimensions: time and iterations (target under 2 s).

Run: `.venv/bin/python bench/weights.py`. A synthetic sample skewed the way consultation
respondents usually are (some groups answer far more than others, 3% "prefer not to
say" on each dimension), weighted to population margins, untrimmed and trimmed to 0.2–5.
Prints its figures and the load average.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before bench/, whose analysis.py would shadow the package
weights = importlib.import_module("analysis.weights")

MARGINS = {
    "age": {"16-24": 0.13, "25-44": 0.34, "45-64": 0.31, "65+": 0.22},
    "sex": {"female": 0.51, "male": 0.49},
    "area": {f"ward {i}": 0.1 for i in range(10)},
    "tenure": {"owner": 0.6, "social rent": 0.17, "private rent": 0.23},
    "disability": {"yes": 0.18, "no": 0.82},
}


def sample(n: int, seed: int = 0) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    columns = {}
    for dimension, shares in MARGINS.items():
        categories = list(shares)
        skew = rng.dirichlet(np.ones(len(categories)) * 3)
        values = rng.choice(categories, n, p=skew)
        declined = rng.random(n) < 0.03
        columns[dimension] = list(np.where(declined, "prefer_not_to_say", values))
    return columns


def main() -> None:
    n = 100_000
    columns = sample(n)
    margins = weights.Margins.from_mapping(MARGINS)
    print(f"raking {n:,} responses on {len(MARGINS)} dimensions; load {os.getloadavg()}")
    for trim in (None, (0.2, 5.0)):
        start = time.perf_counter()
        result = weights.rake(columns, margins, trim=trim)
        seconds = time.perf_counter() - start
        low, high = result.weight_range
        print(
            f"trim={trim}: {seconds:.2f} s, {result.iterations} passes, "
            f"converged={result.converged}, design effect {result.design_effect:.3f}, "
            f"effective n {result.effective_n:,.0f}, weights {low:.3f}-{high:.3f}"
        )


if __name__ == "__main__":
    main()
