"""Why each project was or was not funded, in words; fairness figures; the rule in words.

Room: `analysis/pb/`. A results page shows these sentences as they are, so they are built
from the counted figures only (no rounding decides anything here: figures are rounded for
reading). Fairness is the share of voters with at least one funded project they voted for
(gave positive points), overall and by each voter attribute the ballots carry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .model import Election
from .profile import Profile

__all__ = [
    "RULE_DESCRIPTIONS",
    "Coverage",
    "age_band",
    "coverage",
    "money",
    "ordinal",
]

RULE_DESCRIPTIONS = {
    "equalshares": (
        "Method of Equal Shares: the budget is shared equally among all voters. Round by "
        "round, the project whose supporters can pay for it with the smallest, most equal "
        "payments is funded from its supporters' shares, until no project's supporters have "
        "enough money left to pay for it."
    ),
    "add1": (
        " Add1: the share of every voter is then raised one whole unit of money at a time, "
        "and the count run again, for as long as the outcome still fits the budget."
    ),
    "greedy-top-up": (
        " Money still left is then spent on the projects with the most votes that still fit."
    ),
    "comparison": (
        " Finally the outcome is compared with funding by most votes: that outcome is used "
        "instead only if more voters prefer it (have more of the projects they voted for "
        "funded) than prefer the equal-shares outcome."
    ),
    "greedy": (
        "Most votes first: projects are funded in order of their votes (or points); a project "
        "that costs more than the money left is skipped and the next one is tried."
    ),
    "greedy-threshold": (
        "Most votes first, with a threshold: projects are funded in order of their votes (or "
        "points), skipping any that costs more than the money left; a project below the "
        "minimum score is never funded."
    ),
    "greedy-no-skip": (
        "Most votes first, without skipping: projects are funded in order of their votes (or "
        "points) until the first one that costs more than the money left; counting stops there."
    ),
}


def money(value: Fraction | float, currency: str = "") -> str:
    """A sum of money for reading: whole units with thousands separators, else 2 decimals."""
    number = float(value)
    text = f"{number:,.0f}" if abs(number - round(number)) < 0.005 else f"{number:,.2f}"
    return f"{text} {currency}".strip()


def percent(fraction: float) -> str:
    """A share shown as a whole percentage, rounded down (so never 100% when short)."""
    return f"{math.floor(fraction * 100 + 1e-9)}%"


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


def points_word(election: Election, amount: Fraction | int) -> str:
    word = "vote" if election.vote_type in ("approval", "choose-1") else "point"
    number = Fraction(amount)
    shown = str(number.numerator) if number.denominator == 1 else f"{float(number):g}"
    return f"{shown} {word}{'' if number == 1 else 's'}"


def more_supporters(cost: Fraction, behind: float, share: Fraction) -> int:
    """Roughly how many more supporters, each bringing a full share, would cover the gap."""
    gap = float(cost) - behind
    return max(1, math.ceil(gap / float(share))) if share > 0 else 0


def age_band(value: str) -> str | None:
    """Age bands for fairness figures (finer under 25, where youth rounds need them)."""
    try:
        age = int(float(value))
    except ValueError:
        return None
    for upper, label in ((15, "under 16"), (17, "16-17"), (24, "18-24"), (34, "25-34")):
        if age <= upper:
            return label
    for upper, label in ((44, "35-44"), (54, "45-54"), (64, "55-64")):
        if age <= upper:
            return label
    return "65 and over"


_NOT_ATTRIBUTES = {"voter_id", "vote", "points", "id", "name", "postcode", "email"}
_MAX_VALUES = 40


@dataclass(frozen=True)
class Coverage:
    """Share of voters with at least one funded project they voted for, overall and by group."""

    overall: float
    voters: int
    by: dict[str, dict[str, tuple[int, float]]]

    def as_dict(self) -> dict[str, object]:
        return {
            "overall": round(self.overall, 4),
            "voters": self.voters,
            "by": {
                attribute: {
                    value: {"voters": count, "share": round(share, 4)}
                    for value, (count, share) in values.items()
                }
                for attribute, values in self.by.items()
            },
        }


def voter_attributes(election: Election) -> dict[str, list[str | None]]:
    """Usable voter attributes: per attribute, one value (or None) per ballot, banded."""
    names: list[str] = []
    for ballot in election.ballots:
        names += [k for k in ballot.attributes if k not in names and k not in _NOT_ATTRIBUTES]
    result: dict[str, list[str | None]] = {}
    for name in names:
        values: list[str | None] = []
        for ballot in election.ballots:
            raw = ballot.attributes.get(name)
            if raw is None or raw == "":
                values.append(None)
            elif name == "age":
                values.append(age_band(raw))
            else:
                values.append(raw.strip().lower() if name == "sex" else raw.strip())
        if 1 < len({v for v in values if v is not None}) <= _MAX_VALUES:
            result[name] = values
    return result


def coverage(
    profile: Profile, funded: Sequence[int], attributes: dict[str, list[str | None]]
) -> Coverage:
    """Who has at least one funded project they gave positive points to."""
    chosen = set(funded)
    covered_group = np.asarray(
        [any(p in chosen for p, _ in ballot) for ballot in profile.groups] + [False], dtype=bool
    )
    covered = covered_group[profile.voter_group]  # group -1 (no positive points) -> False
    n = profile.n_voters
    by: dict[str, dict[str, tuple[int, float]]] = {}
    for name, values in attributes.items():
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for value, yes in zip(values, covered.tolist(), strict=True):
            if value is not None:
                counts[value][0] += 1
                counts[value][1] += int(yes)
        by[name] = {value: (total, hits / total) for value, (total, hits) in sorted(counts.items())}
    return Coverage(float(covered.sum()) / n if n else 0.0, n, by)
