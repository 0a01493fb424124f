"""The verifiable lottery: random numbers from a published seed, and the inputs' checksum.

Part of the pure `analysis.sortition` library. The seed is fixed and published before
the draw (any text, e.g. the lottery numbers "04 12 19 33 41 47"); every random choice
comes from a numpy Generator keyed by SHA-256 of the seed and a purpose label, so anyone
with the same files, panel size and seed gets the same panel, in any process.
`inputs_checksum` goes in the audit log next to the seed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from .model import (
    HouseholdColumns,
    PoolLike,
    QuotasLike,
    as_categories,
    as_people,
    household_of,
)


def seed_text(seed: int | str) -> str:
    """The canonical text of a seed: surrounding and repeated whitespace does not count."""
    return " ".join(str(seed).split())


def rng_from_seed(seed: int | str, purpose: str) -> np.random.Generator:
    """A Generator determined by SHA-256 of the seed and what it is used for."""
    digest = hashlib.sha256(f"consult-sortition\n{purpose}\n{seed_text(seed)}".encode()).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest, "big")))


def draw_index(weights: np.ndarray, rng: np.random.Generator) -> int:
    """Index i with probability weights[i] (weights on a fixed grid, so exact across runs)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    point = rng.random() * cumulative[-1]
    return int(min(np.searchsorted(cumulative, point, side="right"), len(cumulative) - 1))


def choose_members(
    members: Sequence[Sequence[str]], counts: Sequence[int], rng: np.random.Generator
) -> list[str]:
    """For each type, `counts[t]` of its (sorted) members uniformly at random; sorted ids."""
    chosen: list[str] = []
    for ids, count in zip(members, counts, strict=True):
        if count:
            picks = rng.choice(len(ids), size=int(count), replace=False)
            chosen.extend(ids[i] for i in sorted(picks))
    return sorted(chosen)


def inputs_checksum(
    categories: QuotasLike,
    respondents: PoolLike,
    panel_size: int,
    *,
    household_column: HouseholdColumns = None,
) -> str:
    """SHA-256 (hex) of a canonical form of what the selection depends on.

    Quotas in file order, people sorted by id with their values in category order (and
    household key when households are used), the panel size. Reordering the respondents
    file or adding unused columns does not change it; any change to a quota, value, id
    or the panel size does.
    """
    cats = as_categories(categories)
    names = cats.names
    people = sorted(as_people(respondents), key=lambda person: person.id)
    canonical = {
        "format": "consult-sortition-inputs/1",
        "panel_size": int(panel_size),
        "quotas": [[q.category, q.value, q.min, q.max] for q in cats.quotas],
        "household_column": household_column
        if household_column is None or isinstance(household_column, str)
        else list(household_column),
        "respondents": [
            [p.id, [p.features[name] for name in names], household_of(p, household_column)]
            for p in people
        ],
    }
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
