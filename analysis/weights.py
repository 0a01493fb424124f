"""Weighting respondents to population margins by raking (the `analysis/` library: pure).

A consultation hears whoever chooses to answer. Raking (iterative proportional fitting)
gives each respondent a weight so that, on every dimension weighted on (age band, sex,
area, ...), the weighted shares of respondents equal the population's shares. Weighted
figures are shown *beside* the raw ones, never instead of them.

The method, precisely (``docs/representativeness.md`` says it in words):

1. Every respondent starts with weight 1. A respondent whose answer on a dimension is
   missing, "prefer not to say" or not one of the margin's categories is *not adjusted*
   on that dimension: their weight keeps whatever the other dimensions give it.
2. One pass visits the dimensions in the order given. For dimension *d*, with *A* the
   respondents who gave a category of *d* and *W* their current total weight, every
   respondent in category *c* is multiplied by ``share(c) * W / weight_in(c)``. The total
   weight of *A* is unchanged; only its split across categories moves.
3. Passes repeat until, on every dimension, each category's weighted share of *A* is
   within ``tolerance`` of its target (converged) or ``max_iterations`` passes were made.
4. Trimming (optional): weights, scaled to average 1, are clipped to ``[low, high]`` and
   raked again; clip and rake repeat until the weights stay inside the bounds and the
   margins hold, or ``max_trim_rounds`` rounds were made (then ``converged`` is false).
5. Final weights are scaled to average 1 over all respondents.

Kish's design effect ``n * sum(w^2) / sum(w)^2`` and effective sample size
``sum(w)^2 / sum(w^2)`` say how much precision the weighting costs; intervals on weighted
shares use the effective sample size.

A dimension cannot be weighted on when a category the population has (share > 0) has
fewer than ``min_respondents`` respondents: such dimensions are left out, and the result
says which and why, rather than inventing huge weights for two people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DEFAULT_MIN_RESPONDENTS",
    "DEFAULT_TOLERANCE",
    "Estimate",
    "Margins",
    "MarginsError",
    "RakingResult",
    "design_effect",
    "effective_sample_size",
    "rake",
    "share_estimate",
]

DEFAULT_TOLERANCE = 1e-8
DEFAULT_MAX_ITERATIONS = 1000
DEFAULT_MAX_TRIM_ROUNDS = 100
DEFAULT_MIN_RESPONDENTS = 5
SHARE_SUM_SLACK = 0.005  # margins of one dimension may sum to 1 +/- this (rounding)
Z_95 = 1.959963984540054


class MarginsError(ValueError):
    """Margins that cannot be used; the message names the dimension and what is wrong."""


@dataclass(frozen=True)
class Margins:
    """Population shares per dimension: ``{dimension: {category: share}}``.

    Built with ``Margins.from_rows`` or ``Margins.from_mapping``, which check that each
    dimension's shares are non-negative and sum to 1 (within rounding: 0.995 to 1.005),
    and rescale them to sum to exactly 1. Percentages (summing to 100) are accepted too.
    """

    shares: Mapping[str, Mapping[str, float]]

    @classmethod
    def from_mapping(cls, shares: Mapping[str, Mapping[str, float]]) -> Margins:
        """Validated margins from a nested mapping. Raises MarginsError naming the dimension."""
        checked: dict[str, dict[str, float]] = {}
        if not shares:
            raise MarginsError("No margins given: expected at least one dimension.")
        for dimension, categories in shares.items():
            name = str(dimension).strip()
            if not name:
                raise MarginsError("A dimension has no name.")
            if not categories:
                raise MarginsError(f"Dimension {name!r} has no categories.")
            values: dict[str, float] = {}
            for category, share in categories.items():
                label = str(category).strip()
                if not label:
                    raise MarginsError(f"Dimension {name!r} has a category with no name.")
                if label in values:
                    raise MarginsError(f"Dimension {name!r} lists category {label!r} twice.")
                number = float(share)
                if not math.isfinite(number) or number < 0:
                    raise MarginsError(
                        f"Dimension {name!r}, category {label!r}: the share must be a "
                        f"number of 0 or more, not {share!r}."
                    )
                values[label] = number
            total = sum(values.values())
            if abs(total - 100) <= 100 * SHARE_SUM_SLACK and total > 1 + SHARE_SUM_SLACK:
                total_as_fraction = total / 100
                values = {key: value / 100 for key, value in values.items()}
                total = total_as_fraction
            if abs(total - 1) > SHARE_SUM_SLACK:
                raise MarginsError(
                    f"Dimension {name!r}: the shares add up to {total:.4f}, not 1 "
                    f"(or 100%). Check the figures for this dimension."
                )
            checked[name] = {key: value / total for key, value in values.items()}
        return cls(shares=checked)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, str]]) -> Margins:
        """Margins from rows with ``dimension``, ``category`` and ``share`` (CSV records).

        Raises MarginsError naming the row (1 = first data row) for a missing or
        unreadable value, and the dimension for shares that do not sum to 1.
        """
        nested: dict[str, dict[str, float]] = {}
        for number, row in enumerate(rows, start=1):
            dimension = (row.get("dimension") or "").strip()
            category = (row.get("category") or "").strip()
            raw = (row.get("share") or "").strip()
            if not dimension or not category or not raw:
                raise MarginsError(
                    f"Row {number}: expected dimension, category and share, "
                    f"got {dimension!r}, {category!r}, {raw!r}."
                )
            try:
                share = float(raw.rstrip("%"))
            except ValueError:
                raise MarginsError(f"Row {number}: the share {raw!r} is not a number.") from None
            categories = nested.setdefault(dimension, {})
            if category in categories:
                raise MarginsError(
                    f"Row {number}: dimension {dimension!r} lists category {category!r} twice."
                )
            categories[category] = share
        return cls.from_mapping(nested)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.shares)


@dataclass(frozen=True)
class RakingResult:
    """Weights (in the order of the respondents given, averaging 1) and how they were found.

    ``dimensions`` were weighted on; ``skipped`` maps each dimension left out to the reason.
    ``iterations`` counts raking passes over all rounds (trimming rakes again).
    """

    weights: tuple[float, ...]
    iterations: int
    converged: bool
    dimensions: tuple[str, ...]
    skipped: Mapping[str, str] = field(default_factory=dict)
    trim: tuple[float, float] | None = None
    max_error: float = 0.0

    @property
    def design_effect(self) -> float:
        return design_effect(self.weights)

    @property
    def effective_n(self) -> float:
        return effective_sample_size(self.weights)

    @property
    def weight_range(self) -> tuple[float, float]:
        if not self.weights:
            return (0.0, 0.0)
        return (min(self.weights), max(self.weights))

    def as_dict(self, ids: Sequence[str] | None = None) -> dict[str, object]:
        """JSON-ready: weights keyed by id (row numbers from 1 when no ids are given)."""
        keys = list(ids) if ids is not None else [str(i) for i in range(1, len(self.weights) + 1)]
        low, high = self.weight_range
        return {
            "weights": dict(zip(keys, self.weights, strict=True)),
            "iterations": self.iterations,
            "converged": self.converged,
            "design_effect": self.design_effect,
            "effective_n": self.effective_n,
            "dimensions": list(self.dimensions),
            "skipped": dict(self.skipped),
            "trim": list(self.trim) if self.trim else None,
            "weight_min": low,
            "weight_max": high,
        }


def design_effect(weights: Sequence[float] | np.ndarray) -> float:
    """Kish's design effect of weighting: ``n * sum(w^2) / sum(w)^2`` (1 = no loss)."""
    array = np.asarray(weights, dtype=float)
    if array.size == 0 or array.sum() <= 0:
        return 1.0
    return float(array.size * np.square(array).sum() / array.sum() ** 2)


def effective_sample_size(weights: Sequence[float] | np.ndarray) -> float:
    """Kish's effective sample size ``sum(w)^2 / sum(w^2)``."""
    array = np.asarray(weights, dtype=float)
    squares = float(np.square(array).sum())
    return float(array.sum() ** 2 / squares) if squares > 0 else 0.0


def _encode(
    values: Sequence[str | None], categories: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Category codes (-1 where not one of ``categories``) and respondents per category."""
    index = {category: code for code, category in enumerate(categories)}
    codes = np.fromiter(
        (index.get(value.strip() if isinstance(value, str) else "", -1) for value in values),
        dtype=np.int64,
        count=len(values),
    )
    counts = np.bincount(codes[codes >= 0], minlength=len(categories))
    return codes, counts


def _rake_pass(weights: np.ndarray, encoded: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for codes, targets in encoded:
        answered = codes >= 0
        sums = np.bincount(codes[answered], weights=weights[answered], minlength=targets.size)
        total = sums.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            factors = np.where(sums > 0, targets * total / sums, 1.0)
        weights[answered] *= factors[codes[answered]]


def _max_error(weights: np.ndarray, encoded: list[tuple[np.ndarray, np.ndarray]]) -> float:
    worst = 0.0
    for codes, targets in encoded:
        answered = codes >= 0
        sums = np.bincount(codes[answered], weights=weights[answered], minlength=targets.size)
        total = sums.sum()
        if total > 0:
            worst = max(worst, float(np.abs(sums / total - targets).max()))
    return worst


def rake(
    respondents: Mapping[str, Sequence[str | None]],
    margins: Margins,
    *,
    dimensions: Sequence[str] | None = None,
    trim: tuple[float, float] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    max_trim_rounds: int = DEFAULT_MAX_TRIM_ROUNDS,
    min_respondents: int = DEFAULT_MIN_RESPONDENTS,
) -> RakingResult:
    """Raking weights for respondents to the population ``margins``.

    ``respondents`` maps each dimension to every respondent's category on it (same order
    and length for every dimension; None, "" or any value not among the margin's
    categories counts as not given). ``dimensions`` picks which of the margins' dimensions
    to weight on (default: all that the respondents have). ``trim=(low, high)`` bounds the
    weights (relative to an average of 1), e.g. ``(0.2, 5.0)``.

    Raises MarginsError for a dimension named that the margins or respondents lack, for
    columns of different lengths, and for a trim range that does not contain 1.
    """
    lengths = {len(column) for column in respondents.values()}
    if len(lengths) > 1:
        raise MarginsError("Every dimension must list the same respondents (lengths differ).")
    size = lengths.pop() if lengths else 0
    wanted = (
        list(dimensions)
        if dimensions is not None
        else [name for name in margins.dimensions if name in respondents]
    )
    for name in wanted:
        if name not in margins.shares:
            raise MarginsError(f"No population margins for dimension {name!r}.")
        if name not in respondents:
            raise MarginsError(f"Respondents have no answers for dimension {name!r}.")
    if trim is not None:
        low, high = trim
        if not (0 < low <= 1 <= high) or not math.isfinite(high):
            raise MarginsError(f"The trim range must contain 1 (e.g. 0.2,5), not {low:g},{high:g}.")
    if tolerance <= 0 or max_iterations < 1:
        raise MarginsError("The tolerance must be above 0 and at least one pass allowed.")

    encoded: list[tuple[np.ndarray, np.ndarray]] = []
    used: list[str] = []
    skipped: dict[str, str] = {}
    for name in wanted:
        categories = list(margins.shares[name])
        targets = np.array([margins.shares[name][c] for c in categories], dtype=float)
        codes, counts = _encode(respondents[name], categories)
        thin = [
            f"{category} ({int(count)})"
            for category, count, share in zip(categories, counts, targets, strict=True)
            if share > 0 and count < min_respondents
        ]
        if thin:
            skipped[name] = (
                f"too few respondents in {', '.join(thin)}: at least {min_respondents} "
                "are needed in each category to weight on it"
            )
            continue
        # Categories with no population share get weight 0 by construction; keep them out
        # of the adjustment instead, as if not given, so nobody is weighted to nothing.
        zero = np.flatnonzero(targets == 0)
        if zero.size:
            codes = np.where(np.isin(codes, zero), -1, codes)
        encoded.append((codes, targets))
        used.append(name)

    weights = np.ones(size, dtype=float)
    iterations = 0
    converged = True
    error = 0.0
    if size and encoded:
        converged = False
        for _round in range(max_trim_rounds + 1 if trim else 1):
            for _pass in range(max_iterations):
                _rake_pass(weights, encoded)
                iterations += 1
                error = _max_error(weights, encoded)
                if error <= tolerance:
                    break
            weights *= size / weights.sum()
            if trim is None:
                converged = error <= tolerance
                break
            low, high = trim
            outside = (weights < low * (1 - 1e-9)) | (weights > high * (1 + 1e-9))
            if error <= tolerance and not outside.any():
                converged = True
                break
            np.clip(weights, low, high, out=weights)
        if not converged and trim is not None:
            # The bounds cannot hold together with the margins: keep the bounds (clip and
            # rescale to an average of 1 until both hold) and report the margins' error.
            for _step in range(max_iterations):
                np.clip(weights, trim[0], trim[1], out=weights)
                weights *= size / weights.sum()
                if weights.min() >= trim[0] * (1 - 1e-9) and weights.max() <= trim[1] * (1 + 1e-9):
                    break
            error = _max_error(weights, encoded)
    weights *= (size / weights.sum()) if size and weights.sum() > 0 else 1.0
    return RakingResult(
        weights=tuple(float(w) for w in weights),
        iterations=iterations,
        converged=converged,
        dimensions=tuple(used),
        skipped=skipped,
        trim=trim,
        max_error=error,
    )


@dataclass(frozen=True)
class Estimate:
    """A share with its 95% interval (Wilson's, on the effective sample size)."""

    share: float
    low: float
    high: float
    n: int
    effective_n: float

    def as_dict(self) -> dict[str, float]:
        return {
            "share": self.share,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "effective_n": self.effective_n,
        }


def share_estimate(selected: Sequence[bool], weights: Sequence[float] | None = None) -> Estimate:
    """The (weighted) share of respondents for whom ``selected`` is true, with its interval.

    Unweighted when ``weights`` is None. The interval is Wilson's score interval computed
    on Kish's effective sample size, which is how a weighted share loses precision.
    """
    flags = np.asarray(selected, dtype=bool)
    n = int(flags.size)
    if n == 0:
        return Estimate(share=0.0, low=0.0, high=0.0, n=0, effective_n=0.0)
    if weights is None:
        array = np.ones(n)
    else:
        array = np.asarray(weights, dtype=float)
        if array.size != n:
            raise ValueError("One weight per respondent is needed.")
    total = float(array.sum())
    share = float(array[flags].sum() / total) if total > 0 else 0.0
    n_eff = effective_sample_size(array)
    low, high = _wilson(share, n_eff)
    return Estimate(share=share, low=low, high=high, n=n, effective_n=n_eff)


def _wilson(share: float, n: float) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 0.0)
    z2 = Z_95 * Z_95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _parse_trim(value: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in value.split(","))
    except ValueError:
        raise MarginsError(f"--trim expects LOW,HIGH such as 0.2,5, not {value!r}.") from None
    return (low, high)


def run_cli(
    responses_path: str, margins_path: str, *, id_column: str | None, trim: str | None
) -> dict[str, object]:
    """`python -m analysis weights`: read the two CSV files, rake, return the JSON dict.

    Raises InputError (from analysis.io) or MarginsError with a message naming the file,
    column or dimension at fault.
    """
    from analysis.io import InputError, read_csv_rows

    _header, margin_rows, _encoding = read_csv_rows(margins_path)
    missing = {"dimension", "category", "share"} - set(_header)
    if missing:
        raise InputError(
            f"{margins_path}: expected the columns dimension, category, share; "
            f"missing {', '.join(sorted(missing))}."
        )
    margins = Margins.from_rows(margin_rows)
    header, rows, _encoding = read_csv_rows(responses_path)
    absent = [name for name in margins.dimensions if name not in header]
    if len(absent) == len(margins.dimensions):
        raise InputError(
            f"{responses_path}: no column is named after a dimension of the margins "
            f"({', '.join(margins.dimensions)}); columns are {', '.join(header)}."
        )
    if id_column is not None and id_column not in header:
        raise InputError(
            f"{responses_path}: no column {id_column!r}; columns are {', '.join(header)}."
        )
    column = id_column or ("id" if "id" in header else None)
    ids = [row[column] for row in rows] if column else [str(i) for i in range(1, len(rows) + 1)]
    if len(set(ids)) != len(ids):
        raise InputError(f"{responses_path}: the ids in column {column!r} are not unique.")
    respondents = {
        name: [row.get(name) for row in rows] for name in margins.dimensions if name in header
    }
    result = rake(respondents, margins, trim=_parse_trim(trim) if trim else None)
    output = result.as_dict(ids)
    if absent:
        output["missing_columns"] = absent
    return output
