"""Replace a panel member who drops out, keeping every quota, fairly.

Part of the pure `analysis.sortition` library. Not "the next name on the list": the
replacement is drawn from the published seed among the pool members still available,
first among those with exactly the dropped person's features (which always keeps the
quotas), otherwise uniformly among everyone whose joining keeps every quota. When no
one can, `ReplacementError` says which quota would break.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .lottery import rng_from_seed
from .model import (
    HouseholdColumns,
    PoolLike,
    QuotasLike,
    ReplacementError,
    SelectionInputError,
    as_categories,
    as_people,
    household_columns,
    household_of,
    validate_pool,
)


def replacement_candidates(
    pool: PoolLike,
    quotas: QuotasLike,
    panel: Sequence[str],
    dropped_id: str,
    *,
    excluded: Iterable[str] = (),
    household_column: HouseholdColumns = None,
) -> tuple[list[str], list[str]]:
    """(ids with the dropped person's features, other ids that keep every quota), sorted."""
    cats = as_categories(quotas)
    people = as_people(pool)
    validate_pool(cats, people)
    by_id = {p.id: p for p in people}
    if dropped_id not in panel:
        raise SelectionInputError(f"{dropped_id!r} is not on the panel.")
    unknown = [pid for pid in panel if pid not in by_id]
    if unknown:
        raise SelectionInputError(f"panel ids not in the pool: {', '.join(unknown[:5])}")
    staying = [pid for pid in panel if pid != dropped_id]
    counts = Counter((name, by_id[pid].features[name]) for pid in staying for name in cats.names)
    blocked = set(panel) | set(excluded)
    households = {household_of(by_id[pid], household_column) for pid in staying} - {None}
    dropped = by_id[dropped_id]
    same, other = [], []
    for person in people:
        if person.id in blocked:
            continue
        home = household_of(person, household_column)
        if household_columns(household_column) and home in households:
            continue
        if _breaks(cats, counts, person.features) is not None:
            continue
        if all(person.features[n] == dropped.features[n] for n in cats.names):
            same.append(person.id)
        else:
            other.append(person.id)
    return sorted(same), sorted(other)


def _breaks(cats, counts: Counter, features) -> str | None:  # type: ignore[no-untyped-def]
    """The first quota broken if a person with `features` joins, as text, else None."""
    for q in cats.quotas:
        selected = counts[(q.category, q.value)] + (features[q.category] == q.value)
        if selected > q.max:
            return f"{q.category} = {q.value} would have {selected}, above its max {q.max}"
        if selected < q.min:
            return f"{q.category} = {q.value} would have {selected}, below its min {q.min}"
    return None


def replace_member(
    pool: PoolLike,
    quotas: QuotasLike,
    panel: Sequence[str],
    dropped_id: str,
    *,
    seed: int | str,
    excluded: Iterable[str] = (),
    household_column: HouseholdColumns = None,
) -> str:
    """Choose who replaces `dropped_id` on `panel`, from the remaining pool.

    `excluded` are ids who must not be chosen (declined, already asked, dropped before).
    Uniform among the available people with the dropped person's features; if there are
    none, uniform among everyone whose joining keeps every quota (and households). The
    draw is determined by the seed and the dropped id. Raises ReplacementError (naming
    the quota that would break) when no one can replace them, SelectionInputError when
    `dropped_id` is not on the panel.
    """
    excluded = tuple(excluded)
    same, other = replacement_candidates(
        pool,
        quotas,
        panel,
        dropped_id,
        excluded=excluded,
        household_column=household_column,
    )
    candidates = same or other
    if candidates:
        rng = rng_from_seed(seed, f"replace:{dropped_id}:{len(excluded)}")
        return candidates[int(rng.integers(len(candidates)))]
    cats = as_categories(quotas)
    people = as_people(pool)
    by_id = {p.id: p for p in people}
    staying = [pid for pid in panel if pid != dropped_id]
    counts = Counter((name, by_id[pid].features[name]) for pid in staying for name in cats.names)
    short = [
        f"{q.category} = {q.value} (min {q.min}, {counts[(q.category, q.value)]} without them)"
        for q in cats.quotas
        if counts[(q.category, q.value)] < q.min
    ]
    dropped = by_id[dropped_id]
    reasons = Counter()
    blocked = set(panel) | set(excluded)
    for person in people:
        if person.id not in blocked:
            reason = _breaks(cats, counts, person.features)
            if reason is not None:
                reasons[reason] += 1
    message = f"No one left in the pool can replace {dropped_id!r} without breaking a quota."
    if short:
        message += " The panel then needs one more person with " + " and ".join(short) + "."
    features = ", ".join(f"{n} = {dropped.features[n]}" for n in cats.names)
    message += f" No available person has {features}."
    if reasons:
        common, number = reasons.most_common(1)[0]
        message += f" For {number} of the available people: {common}."
        message += " Consider relaxing that quota or recruiting more people."
    raise ReplacementError(message)
