"""What deliberation changed: the same question before and after a jury (`analysis/`, pure).

Each juror answers a short questionnaire before the first session and again after the
last. For one question on an ordered scale (an agreement scale, or choices given in an
order), this compares each person's two answers: the distribution before and after, how
many moved up, down or not at all, and a paired test of whether the panel as a whole
moved — the exact two-sided sign test, and the Wilcoxon signed-rank test (which also
weighs how far people moved). People who answered only once are counted apart and left
out of the paired figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["PairedChange", "paired_change"]


@dataclass(frozen=True)
class PairedChange:
    """Before/after on one ordered question.

    ``before`` and ``after`` count answers per scale point (everyone who answered that
    time); ``up`` counts people whose answer moved towards the END of the scale (e.g.
    towards "strongly agree" on a scale listed from disagree to agree). ``sign_test_p``
    and ``wilcoxon_p`` are two-sided p-values over the paired people (1.0 when nobody
    moved).
    """

    scale: tuple[str, ...]
    before: Mapping[str, int]
    after: Mapping[str, int]
    pairs: int
    up: int
    down: int
    unchanged: int
    only_before: int
    only_after: int
    mean_shift: float
    sign_test_p: float
    wilcoxon_p: float

    @property
    def moved(self) -> int:
        return self.up + self.down

    def as_dict(self) -> dict[str, object]:
        return {
            "scale": list(self.scale),
            "before": dict(self.before),
            "after": dict(self.after),
            "pairs": self.pairs,
            "up": self.up,
            "down": self.down,
            "unchanged": self.unchanged,
            "only_before": self.only_before,
            "only_after": self.only_after,
            "mean_shift": self.mean_shift,
            "sign_test_p": self.sign_test_p,
            "wilcoxon_p": self.wilcoxon_p,
        }


def paired_change(
    before: Mapping[str, str],
    after: Mapping[str, str],
    scale: Sequence[str],
) -> PairedChange:
    """Compare answers keyed by person id on an ordered ``scale`` (first to last).

    Answers not on the scale (e.g. "don't know", blank) are left out of the paired figures
    and of the distributions. Raises ValueError for an empty scale or repeated points.
    """
    points = tuple(scale)
    if not points:
        raise ValueError("The scale has no points.")
    if len(set(points)) != len(points):
        raise ValueError("The scale lists a point twice.")
    rank = {point: position for position, point in enumerate(points)}
    valid_before = {person: a for person, a in before.items() if a in rank}
    valid_after = {person: a for person, a in after.items() if a in rank}
    paired = sorted(set(valid_before) & set(valid_after))
    shifts = [rank[valid_after[p]] - rank[valid_before[p]] for p in paired]
    up = sum(1 for shift in shifts if shift > 0)
    down = sum(1 for shift in shifts if shift < 0)
    return PairedChange(
        scale=points,
        before=_distribution(valid_before.values(), points),
        after=_distribution(valid_after.values(), points),
        pairs=len(paired),
        up=up,
        down=down,
        unchanged=len(paired) - up - down,
        only_before=len(set(valid_before) - set(valid_after)),
        only_after=len(set(valid_after) - set(valid_before)),
        mean_shift=sum(shifts) / len(shifts) if shifts else 0.0,
        sign_test_p=_sign_test(up, down),
        wilcoxon_p=_wilcoxon(shifts),
    )


def _distribution(answers: Iterable[str], points: tuple[str, ...]) -> dict[str, int]:
    counts = Counter(answers)
    return {point: counts.get(point, 0) for point in points}


def _sign_test(up: int, down: int) -> float:
    if up + down == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(up, up + down, 0.5, alternative="two-sided").pvalue)


def _wilcoxon(shifts: Sequence[int]) -> float:
    nonzero = [shift for shift in shifts if shift]
    if not nonzero:
        return 1.0
    from scipy.stats import wilcoxon

    # Ties and small samples: SciPy picks the exact or normal method; zero differences
    # are dropped ("wilcox"), as the sign test drops them.
    return float(wilcoxon(nonzero, zero_method="wilcox", alternative="two-sided").pvalue)
