"""Who answered, against who lives here (the `analysis/` library: pure).

For one dimension (age band, sex, area, ...) the respondents' shares are set beside the
population's, with the ratio and a plain flag. Shares of respondents are taken among
those who gave one of the population's categories; "prefer not to say" and "not
answered" are counted and shown, never hidden, but do not dilute the comparison.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "NOT_ANSWERED",
    "PREFER_NOT_TO_SAY",
    "DimensionReport",
    "RepresentationRow",
    "compare_dimension",
]

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_ANSWERED = ""
UNDER = 0.8  # ratio below which a group is flagged as under-represented
OVER = 1.25  # ratio above which a group is flagged as over-represented


@dataclass(frozen=True)
class RepresentationRow:
    """One category: population share, respondents (count and share), their ratio, a flag.

    ``flag`` is "under", "over" or "" (within 0.8–1.25 of the population's share, or no
    population share to compare with).
    """

    category: str
    population_share: float
    respondents: int
    respondent_share: float
    ratio: float | None
    flag: str

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "population_share": self.population_share,
            "respondents": self.respondents,
            "respondent_share": self.respondent_share,
            "ratio": self.ratio,
            "flag": self.flag,
        }


@dataclass(frozen=True)
class DimensionReport:
    """The comparison for one dimension, with the answers that fall outside it counted."""

    dimension: str
    rows: tuple[RepresentationRow, ...]
    prefer_not_to_say: int
    not_answered: int
    other: int  # answers that are none of the population's categories
    total: int

    @property
    def compared(self) -> int:
        return sum(row.respondents for row in self.rows)

    def as_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "rows": [row.as_dict() for row in self.rows],
            "prefer_not_to_say": self.prefer_not_to_say,
            "not_answered": self.not_answered,
            "other": self.other,
            "total": self.total,
        }


def _flag(ratio: float | None) -> str:
    if ratio is None:
        return ""
    if ratio < UNDER:
        return "under"
    if ratio > OVER:
        return "over"
    return ""


def compare_dimension(
    dimension: str,
    values: Sequence[str | None],
    population: Mapping[str, float],
    *,
    weights: Sequence[float] | None = None,
) -> DimensionReport:
    """Respondents' shares on ``dimension`` beside the ``population`` shares.

    ``values`` holds each respondent's category (None or "" when not answered,
    ``"prefer_not_to_say"`` when declined). With ``weights``, respondent shares are
    weighted (counts stay counts of people).
    """
    counts: Counter[str] = Counter()
    weighted: dict[str, float] = defaultdict(float)
    prefer = missing = other = 0
    for position, value in enumerate(values):
        category = value.strip() if isinstance(value, str) else ""
        if category == NOT_ANSWERED:
            missing += 1
        elif category == PREFER_NOT_TO_SAY:
            prefer += 1
        elif category in population:
            counts[category] += 1
            weighted[category] += float(weights[position]) if weights is not None else 1.0
        else:
            other += 1
    total_weight = sum(weighted.values())
    rows = []
    for category, share in population.items():
        respondent_share = weighted[category] / total_weight if total_weight else 0.0
        ratio = respondent_share / share if share > 0 and total_weight else None
        rows.append(
            RepresentationRow(
                category=category,
                population_share=float(share),
                respondents=counts[category],
                respondent_share=respondent_share,
                ratio=ratio,
                flag=_flag(ratio),
            )
        )
    return DimensionReport(
        dimension=dimension,
        rows=tuple(rows),
        prefer_not_to_say=prefer,
        not_answered=missing,
        other=other,
        total=len(values),
    )
