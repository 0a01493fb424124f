"""Opinion groups from agree/disagree votes, as Pol.is finds them (the `analysis/` library).

Pure functions on plain data: votes in, frozen dataclasses out; no app imports. The
method follows the one Pol.is publishes (its "math" component), re-implemented here:

1. **Who is in the conversation.** A participant joins once they have voted on at least
   ``min(7, number of statements)`` statements, and stays in for good (carried over
   through ``previous``). Only they are grouped; everyone who voted gets coordinates.
2. **Vote matrix.** Participants x statements, 1 = agree, -1 = disagree, 0 = pass.
   Moderated-out statements stay as columns of zeros (so they count towards "seen"
   but carry no opinion); a missing vote takes its column's mean.
3. **PCA to two components**, on all participants. Each participant is projected using
   only the statements they saw, and pushed out by ``sqrt(n_statements / n_seen)`` so
   that someone with few votes is not pulled into the middle of the map.
4. **Two-level k-means.** Up to 100 small "base clusters" of participants, then k-means
   on the base-cluster centres (weighted by size) for k = 2..5, choosing k by silhouette.
   k only changes when a new k has won several updates in a row.
5. **Stability.** With ``previous``, the base clusters, every k's grouping and the PCA
   axes are warm-started from the last result, and group ids are matched to the
   previous groups by shared members, so the live map does not jump as votes arrive.
6. **Statements.** Representative statements per group (agreement or disagreement more
   likely in the group than outside it, and significantly so), consensus statements
   (every group leans the same way) and divisive ones (largest spread across groups).
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BASE_CLUSTERS = 100
MAX_GROUPS = 5
K_CHANGE_AFTER = 4  # updates in a row a new k must win before the groups change to it
#: Votes that bring a participant into the grouping. Pol.is's code uses min(7, number of
#: statements); measured on the eight public Pol.is conversations in ../shared/data/polis/
#: (bench/opinion_duplicates.py), 3 reproduces Pol.is's own groups better: mean ARI 0.507
#: against 0.480, seven conversations better or equal, one 0.006 lower.
DEFAULT_MIN_VOTES = 3
MIN_GROUP_SIZE = 3  # smaller groups would expose their members' votes: never reported
Z_90 = 1.2816  # one-sided 90% significance, as Pol.is uses
TOP_REPRESENTATIVE = 5
TOP_CONSENSUS = 5
TOP_DIVISIVE = 5
_EXACT_PCA_LIMIT = 1500  # statements; above this a sparse solver finds the two axes


@dataclass(frozen=True)
class StatementScore:
    """How a population voted on one statement, and how strongly it was selected.

    ``agree``, ``disagree`` and ``pass_`` are shares of the votes cast (they sum to 1 when
    anyone voted): within the group for representative statements, across everyone
    grouped for consensus and divisive ones. ``score`` is the ranking metric of the list
    the statement is in (larger is stronger).
    """

    statement: str
    agree: float
    disagree: float
    pass_: float
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.pass_,
            "score": self.score,
        }


@dataclass(frozen=True)
class Group:
    """One opinion group: its stable id, members, and the statements that set it apart."""

    id: int
    participants: list[str]
    representative: list[StatementScore]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "participants": list(self.participants),
            "representative": [score.as_dict() for score in self.representative],
        }


@dataclass(frozen=True)
class OpinionState:
    """What the next `opinion_groups` call needs to warm-start from this one."""

    in_conversation: frozenset[str] = frozenset()
    statements: tuple[str, ...] = ()
    components: tuple[tuple[float, ...], ...] = ()
    base_clusters: tuple[tuple[str, ...], ...] = ()
    clusterings: Mapping[int, Mapping[str, int]] = field(default_factory=dict)
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class OpinionGroups:
    """Result of `opinion_groups`. Pass it back as ``previous`` on the next update."""

    groups: list[Group]
    assignments: dict[str, int]
    consensus: list[StatementScore]
    divisive: list[StatementScore]
    coordinates: dict[str, tuple[float, float]]
    state: OpinionState = field(default_factory=OpinionState, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": [group.as_dict() for group in self.groups],
            "assignments": dict(self.assignments),
            "consensus": [score.as_dict() for score in self.consensus],
            "divisive": [score.as_dict() for score in self.divisive],
            "coordinates": {key: [x, y] for key, (x, y) in self.coordinates.items()},
        }


def opinion_groups(
    votes: Iterable[tuple[str, str, int]],
    *,
    previous: OpinionGroups | None = None,
    random_state: int = 0,
    min_votes: int | None = None,
    moderated_out: Collection[str] = (),
    min_group_size: int = MIN_GROUP_SIZE,
    n_groups: int | None = None,
) -> OpinionGroups:
    """Group participants by how they voted, as Pol.is does.

    ``votes`` are ``(participant, statement, vote)`` with vote 1 = agree, -1 = disagree, 0 =
    pass; a later vote on the same pair replaces an earlier one. ``min_votes`` is the number
    of votes that brings a participant into the conversation (default ``min(3, number of
    statements)``: see DEFAULT_MIN_VOTES); ``moderated_out`` statements stay in the matrix
    as zeros and never appear in the statement lists. ``previous`` is the last result for
    the same conversation: it keeps participants in, group ids and the chosen number of
    groups stable. A group with fewer than ``min_group_size`` members (default 3) is never
    reported: its statistics would expose individual votes, so its members join the nearest
    larger group (no groups at all when none is large enough). ``n_groups`` (2-5) fixes the
    number of groups instead of the silhouette's choice, where the data allow that many. The
    result depends only on the votes, ``previous`` and ``random_state``, not on their order.
    Raises ValueError on a vote outside {1, -1, 0}.
    """
    from threadpoolctl import threadpool_limits

    # The matrices here are small: one thread avoids oversubscribing a busy machine.
    with threadpool_limits(limits=1):
        return _opinion_groups(
            votes, previous, random_state, min_votes, moderated_out, min_group_size, n_groups
        )


def _opinion_groups(
    votes: Iterable[tuple[str, str, int]],
    previous: OpinionGroups | None,
    random_state: int,
    min_votes: int | None,
    moderated_out: Collection[str],
    min_group_size: int = MIN_GROUP_SIZE,
    n_groups: int | None = None,
) -> OpinionGroups:
    if min_votes is not None and min_votes < 1:
        raise ValueError("min_votes must be at least 1.")
    state = previous.state if previous is not None else OpinionState()
    matrix = _VoteMatrix.build(votes)
    if matrix.n_participants == 0:
        return OpinionGroups([], {}, [], [], {}, state)

    removed = set(moderated_out)
    moderated = np.array([s in removed for s in matrix.statements], dtype=bool)
    counts = np.count_nonzero(matrix.seen, axis=1)
    threshold = min(DEFAULT_MIN_VOTES, matrix.n_statements) if min_votes is None else min_votes
    in_conversation = counts >= threshold
    if state.in_conversation:
        in_conversation |= np.array(
            [p in state.in_conversation for p in matrix.participants], dtype=bool
        )

    centred = _centred(matrix, moderated)
    components = _principal_components(centred, matrix.statements, state)
    projection = _project(centred, matrix, moderated, components)
    coordinates = {
        participant: (float(x), float(y))
        for participant, (x, y) in zip(matrix.participants, projection, strict=True)
    }
    members = np.flatnonzero(in_conversation)
    member_names = [matrix.participants[i] for i in members]
    new_state_base = {
        "in_conversation": frozenset(member_names),
        "statements": matrix.statements,
        "components": tuple(tuple(float(v) for v in row) for row in components),
    }
    if len(members) == 0:
        new_state = OpinionState(**new_state_base)
        return OpinionGroups([], {}, [], [], coordinates, new_state)

    points = projection[members]
    base_labels, base_centres = _base_clusters(points, member_names, state, random_state)
    weights = np.bincount(base_labels, minlength=len(base_centres)).astype(float)

    clusterings = _group_clusterings(
        base_centres, weights, base_labels, member_names, state, random_state
    )
    chosen_k, last_k, last_k_count = _choose_k(clusterings, state)
    if n_groups is not None and n_groups in clusterings:
        chosen_k = n_groups
    if chosen_k is None:
        raw_labels: np.ndarray = np.zeros(len(members), dtype=int)
    else:
        raw_labels = clusterings[chosen_k][0][base_labels]
    folded = _fold_small_groups(raw_labels, points, min_group_size)
    if folded is None:  # no group is large enough to report
        new_state = OpinionState(**new_state_base)
        return OpinionGroups([], {}, [], [], coordinates, new_state)
    labels = folded
    labels = _stable_ids(labels, member_names, points, previous)

    group_ids = sorted(set(labels.tolist()))
    stats = _GroupVotes.count(matrix, members, labels, group_ids)
    keep = ~moderated
    representative = _representative(stats, matrix.statements, keep)
    groups = [
        Group(
            id=group_id,
            participants=[
                name for name, label in zip(member_names, labels, strict=True) if label == group_id
            ],
            representative=representative[index],
        )
        for index, group_id in enumerate(group_ids)
    ]
    new_state = OpinionState(
        **new_state_base,
        base_clusters=tuple(
            tuple(name for name, b in zip(member_names, base_labels, strict=True) if b == base)
            for base in range(len(base_centres))
        ),
        clusterings={
            k: dict(zip(member_names, base_assignment[base_labels].tolist(), strict=True))
            for k, (base_assignment, _) in clusterings.items()
        },
        last_k=last_k,
        last_k_count=last_k_count,
        smoothed_k=chosen_k,
    )
    return OpinionGroups(
        groups=groups,
        assignments=dict(zip(member_names, labels.tolist(), strict=True)),
        consensus=_consensus(stats, matrix.statements, keep),
        divisive=_divisive(stats, matrix.statements, keep),
        coordinates=coordinates,
        state=new_state,
    )


# --- the vote matrix --------------------------------------------------------------------


def _natural_key(value: str) -> tuple[int, int, str]:
    text = str(value)
    body = text[1:] if text.startswith("-") else text
    if body.isdigit() and len(body) < 19:
        return (0, int(text), text)
    return (1, 0, text)


def _vote_value(vote: Any) -> int:
    try:
        number = float(vote)
    except (TypeError, ValueError):
        number = float("nan")
    if number not in (1.0, -1.0, 0.0):
        raise ValueError(f"a vote must be 1 (agree), -1 (disagree) or 0 (pass), found {vote!r}")
    return int(number)


@dataclass(frozen=True)
class _VoteMatrix:
    participants: tuple[str, ...]
    statements: tuple[str, ...]
    values: np.ndarray  # float, NaN where not voted
    seen: np.ndarray  # bool

    @property
    def n_participants(self) -> int:
        return len(self.participants)

    @property
    def n_statements(self) -> int:
        return len(self.statements)

    @classmethod
    def build(cls, votes: Iterable[tuple[str, str, int]]) -> _VoteMatrix:
        # Hundreds of thousands of small tuples: pausing the cyclic garbage collector
        # (nothing here makes cycles) more than halves the time.
        paused = gc.isenabled()
        gc.disable()
        try:
            return cls._build(votes)
        finally:
            if paused:
                gc.enable()

    @classmethod
    def _build(cls, votes: Iterable[tuple[str, str, int]]) -> _VoteMatrix:
        latest: dict[tuple[str, str], Any] = {}
        for participant, statement, vote in votes:
            latest[(participant, statement)] = vote
        if not latest:
            return cls((), (), np.zeros((0, 0)), np.zeros((0, 0), dtype=bool))
        given = list(latest.values())
        if not set(given) <= {1, -1, 0}:  # 1.0, True and the like hash as 1
            given = [_vote_value(vote) for vote in given]
        voters, voted = zip(*latest, strict=True)
        participants = tuple(sorted(set(voters), key=_natural_key))
        statements = tuple(sorted(set(voted), key=_natural_key))
        row = {p: i for i, p in enumerate(participants)}
        column = {s: j for j, s in enumerate(statements)}
        values = np.full((len(participants), len(statements)), np.nan)
        rows = np.array([row[p] for p in voters], dtype=np.int64)
        columns = np.array([column[s] for s in voted], dtype=np.int64)
        values[rows, columns] = np.array(given, dtype=float)
        return cls(participants, statements, values, ~np.isnan(values))


def _centred(matrix: _VoteMatrix, moderated: np.ndarray) -> np.ndarray:
    """Votes minus column means, missing votes at the mean (0), moderated columns 0."""
    seen_counts = matrix.seen.sum(axis=0)
    sums = np.where(matrix.seen, matrix.values, 0.0).sum(axis=0)
    means = np.divide(sums, seen_counts, out=np.zeros_like(sums), where=seen_counts > 0)
    centred = np.where(matrix.seen, matrix.values - means, 0.0)
    centred[:, moderated] = 0.0
    return centred


def _principal_components(
    centred: np.ndarray, statements: tuple[str, ...], state: OpinionState
) -> np.ndarray:
    """The two leading axes of the centred vote matrix, signs kept from last time."""
    n_statements = len(statements)
    components = np.zeros((2, n_statements))
    if n_statements <= _EXACT_PCA_LIMIT:
        covariance = centred.T @ centred
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        order = np.argsort(eigenvalues)[::-1][:2]
        for index, column in enumerate(order):
            if eigenvalues[column] > 1e-12:
                components[index] = eigenvectors[:, column]
    else:
        from scipy.sparse.linalg import svds

        start = np.full(min(centred.shape), 1.0)
        _, singular, vt = svds(centred, k=2, v0=start)
        for index, column in enumerate(np.argsort(singular)[::-1]):
            if singular[column] > 1e-9:
                components[index] = vt[column]
    previous = _previous_components(state, statements)
    for index in range(2):
        component = components[index]
        if previous is not None and np.any(previous[index]):
            sign = np.sign(component @ previous[index])
        else:
            sign = np.sign(component[np.argmax(np.abs(component))]) if np.any(component) else 1.0
        components[index] = component * (sign if sign != 0 else 1.0)
    return components


def _previous_components(state: OpinionState, statements: tuple[str, ...]) -> np.ndarray | None:
    if len(state.components) != 2 or not state.statements:
        return None
    where = {s: j for j, s in enumerate(state.statements)}
    aligned = np.zeros((2, len(statements)))
    for j, statement in enumerate(statements):
        old = where.get(statement)
        if old is not None:
            aligned[0, j] = state.components[0][old]
            aligned[1, j] = state.components[1][old]
    return aligned


def _project(
    centred: np.ndarray, matrix: _VoteMatrix, moderated: np.ndarray, components: np.ndarray
) -> np.ndarray:
    """Each participant's position from the statements they saw, pushed out by sparsity."""
    seen = (matrix.seen | moderated[None, :]).sum(axis=1)
    scale = np.sqrt(matrix.n_statements / np.maximum(seen, 1))
    return (centred @ components.T) * scale[:, None]


# --- clustering -------------------------------------------------------------------------


def _inertia(
    points: np.ndarray, labels: np.ndarray, centres: np.ndarray, weights: np.ndarray | None
) -> float:
    distances = np.sum((points - centres[labels]) ** 2, axis=1)
    return float(np.sum(distances if weights is None else distances * weights))


def _better(
    points: np.ndarray,
    warm: tuple[np.ndarray, np.ndarray],
    cold: tuple[np.ndarray, np.ndarray],
    weights: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The warm-started clustering, unless a fresh one fits strictly better.

    Warm starts keep the map steady; without this check an early, poor split could
    persist for the whole conversation (measured on the Pol.is exports when replaying
    votes in time order).
    """
    warm_fit = _inertia(points, *warm, weights)
    return cold if _inertia(points, *cold, weights) < warm_fit * (1 - 1e-9) else warm


def _kmeans(
    points: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    init: np.ndarray | None = None,
    random_state: int = 0,
    n_init: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if init is not None:
            model = KMeans(n_clusters=len(init), init=init, n_init=1, max_iter=300)
        else:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
        model.fit(points, sample_weight=weights)
    return _compact(points, model.labels_, weights)


def _compact(
    points: np.ndarray, labels: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Renumber labels 0..n-1 without gaps and recompute (weighted) centres."""
    used, labels = np.unique(labels, return_inverse=True)
    w = np.ones(len(points)) if weights is None else weights
    totals = np.bincount(labels, weights=w, minlength=len(used))
    centres = (
        np.stack(
            [np.bincount(labels, weights=w * points[:, d], minlength=len(used)) for d in range(2)],
            axis=1,
        )
        / np.maximum(totals, 1e-12)[:, None]
    )
    return labels, centres


def _add_distal(points: np.ndarray, centres: list[np.ndarray], k: int) -> list[np.ndarray]:
    """Add the points furthest from every centre as new centres until there are k."""
    if not centres:
        centres = [points[0]]
    nearest = np.min(
        np.linalg.norm(points[:, None, :] - np.array(centres)[None, :, :], axis=2), axis=1
    )
    while len(centres) < k:
        far = int(np.argmax(nearest))
        if nearest[far] <= 1e-12:
            break
        centres.append(points[far])
        nearest = np.minimum(nearest, np.linalg.norm(points - points[far], axis=1))
    return centres


def _distinct_count(points: np.ndarray) -> int:
    return len(np.unique(np.round(points, 9), axis=0))


def _base_clusters(
    points: np.ndarray, names: list[str], state: OpinionState, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    k = min(BASE_CLUSTERS, _distinct_count(points))
    if k <= 1:
        return np.zeros(len(points), dtype=int), points.mean(axis=0, keepdims=True)
    if state.base_clusters:
        position = {name: i for i, name in enumerate(names)}
        centres: list[np.ndarray] = []
        for cluster in state.base_clusters:
            rows = [position[name] for name in cluster if name in position]
            if rows:
                centres.append(points[rows].mean(axis=0))
        if centres:
            unique = np.unique(np.round(np.array(centres), 9), axis=0)
            start = _add_distal(points, list(unique[:k]), k)
            warm = _kmeans(points, k, init=np.array(start))
            cold = _kmeans(points, k, random_state=random_state, n_init=1)
            return _better(points, warm, cold, None)
    return _kmeans(points, k, random_state=random_state, n_init=1)


def _group_clusterings(
    centres: np.ndarray,
    weights: np.ndarray,
    base_labels: np.ndarray,
    names: list[str],
    state: OpinionState,
    random_state: int,
) -> dict[int, tuple[np.ndarray, float]]:
    """For each candidate k: (group label of each base cluster, silhouette)."""
    from sklearn.metrics import silhouette_score

    n_base = len(centres)
    # Two distinct base clusters can still be two groups (as in Pol.is); otherwise a
    # silhouette needs at least one cluster with two members.
    largest_k = 2 if n_base == 2 else min(MAX_GROUPS, 2 + n_base // 12, n_base - 1)
    results: dict[int, tuple[np.ndarray, float]] = {}
    for k in range(2, largest_k + 1):
        init = _warm_group_centres(centres, weights, base_labels, names, state, k)
        fitted = _kmeans(centres, k, weights=weights, random_state=random_state)
        if init is not None:
            warm = _kmeans(centres, k, weights=weights, init=init)
            fitted = _better(centres, warm, fitted, weights)
        labels = fitted[0]
        n_labels = len(set(labels.tolist()))
        if 2 <= n_labels <= n_base - 1:
            silhouette = float(silhouette_score(centres, labels))
        else:
            silhouette = 0.0 if n_labels == n_base == 2 else -1.0
        results[k] = (labels, silhouette)
    return results


def _warm_group_centres(
    centres: np.ndarray,
    weights: np.ndarray,
    base_labels: np.ndarray,
    names: list[str],
    state: OpinionState,
    k: int,
) -> np.ndarray | None:
    previous = state.clusterings.get(k)
    if not previous:
        return None
    votes = np.zeros((len(centres), k + 1))
    for name, base in zip(names, base_labels, strict=True):
        label = previous.get(name)
        if label is not None and 0 <= label < k:
            votes[base, label] += 1
    labelled = votes.sum(axis=1) > 0
    if not labelled.any():
        return None
    chosen = np.argmax(votes, axis=1)
    start: list[np.ndarray] = []
    for label in range(k):
        rows = labelled & (chosen == label)
        if rows.any():
            start.append(np.average(centres[rows], axis=0, weights=weights[rows]))
    start = _add_distal(centres, start, k)
    return np.array(start) if len(start) == k else None


def _choose_k(
    clusterings: dict[int, tuple[np.ndarray, float]], state: OpinionState
) -> tuple[int | None, int | None, int]:
    """Best k by silhouette, changed only after it wins K_CHANGE_AFTER updates in a row."""
    if not clusterings:
        return None, None, 0
    best_k = max(clusterings, key=lambda k: (clusterings[k][1], -k))
    count = state.last_k_count + 1 if state.last_k == best_k else 1
    if count >= K_CHANGE_AFTER or state.smoothed_k not in clusterings:
        chosen = best_k
    else:
        chosen = state.smoothed_k
    return chosen, best_k, count


def _fold_small_groups(labels: np.ndarray, points: np.ndarray, min_size: int) -> np.ndarray | None:
    """Move members of groups smaller than `min_size` to the nearest large group's centre.

    Returns None when no group has `min_size` members (then nothing is reported).
    """
    clusters, sizes = np.unique(labels, return_counts=True)
    large = clusters[sizes >= min_size]
    if len(large) == len(clusters):
        return labels
    if len(large) == 0:
        return None
    centres = np.array([points[labels == c].mean(axis=0) for c in large])
    labels = labels.copy()
    small = ~np.isin(labels, large)
    distance = ((points[small, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels[small] = large[np.argmin(distance, axis=1)]
    return labels


def _stable_ids(
    labels: np.ndarray,
    names: list[str],
    points: np.ndarray,
    previous: OpinionGroups | None,
) -> np.ndarray:
    """Turn cluster labels into group ids: matched to previous groups by shared members,
    otherwise numbered by size (largest first)."""
    from scipy.optimize import linear_sum_assignment

    clusters = sorted(set(labels.tolist()))
    sizes = {c: int(np.sum(labels == c)) for c in clusters}
    centre_x = {c: float(points[labels == c, 0].mean()) for c in clusters}
    order = sorted(clusters, key=lambda c: (-sizes[c], centre_x[c]))
    mapping: dict[int, int] = {}
    if previous is not None and previous.assignments:
        old_ids = sorted(set(previous.assignments.values()))
        overlap = np.zeros((len(clusters), len(old_ids)))
        old_index = {g: j for j, g in enumerate(old_ids)}
        cluster_index = {c: i for i, c in enumerate(clusters)}
        for name, label in zip(names, labels.tolist(), strict=True):
            old = previous.assignments.get(name)
            if old is not None:
                overlap[cluster_index[label], old_index[old]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        for i, j in zip(rows, cols, strict=True):
            if overlap[i, j] > 0:
                mapping[clusters[i]] = old_ids[j]
    next_id = 0
    for cluster in order:
        if cluster in mapping:
            continue
        while next_id in mapping.values():
            next_id += 1
        mapping[cluster] = next_id
        next_id += 1
    return np.array([mapping[label] for label in labels.tolist()], dtype=int)


# --- statements -------------------------------------------------------------------------


@dataclass(frozen=True)
class _GroupVotes:
    agree: np.ndarray  # groups x statements
    disagree: np.ndarray
    seen: np.ndarray

    @classmethod
    def count(
        cls, matrix: _VoteMatrix, members: np.ndarray, labels: np.ndarray, group_ids: list[int]
    ) -> _GroupVotes:
        values = matrix.values[members]
        one_hot = (labels[:, None] == np.array(group_ids)[None, :]).astype(float).T
        return cls(
            agree=one_hot @ (values == 1).astype(float),
            disagree=one_hot @ (values == -1).astype(float),
            seen=one_hot @ matrix.seen[members].astype(float),
        )


def _share(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.divide(count, total, out=np.zeros_like(count), where=total > 0)


def _one_sample_z(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """z for "more than half", on add-one smoothed proportions."""
    p = (successes + 1) / (trials + 2)
    return (p - 0.5) * 2 * np.sqrt(trials + 2)


def _two_sample_z(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """z for "proportion 1 above proportion 2", on add-one smoothed proportions."""
    p1 = (s1 + 1) / (n1 + 2)
    p2 = (s2 + 1) / (n2 + 2)
    pooled = (s1 + s2 + 2) / (n1 + n2 + 4)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / (n1 + 2) + 1 / (n2 + 2)))
    return np.divide(p1 - p2, spread, out=np.zeros_like(p1), where=spread > 0)


def _score(
    statement: str, agree: float, disagree: float, seen: float, score: float
) -> StatementScore:
    agree, disagree, seen = float(agree), float(disagree), float(seen)
    if seen <= 0:
        return StatementScore(statement, 0.0, 0.0, 0.0, float(score))
    return StatementScore(
        statement,
        agree / seen,
        disagree / seen,
        max(0.0, (seen - agree - disagree) / seen),
        float(score),
    )


def _representative(
    stats: _GroupVotes, statements: tuple[str, ...], keep: np.ndarray
) -> list[list[StatementScore]]:
    n_groups = stats.seen.shape[0]
    result: list[list[StatementScore]] = []
    for g in range(n_groups):
        rest = np.arange(n_groups) != g
        seen, rest_seen = stats.seen[g], stats.seen[rest].sum(axis=0)
        metrics = []
        for counts in (stats.agree, stats.disagree):
            mine, others = counts[g], counts[rest].sum(axis=0)
            probability = (mine + 1) / (seen + 2)
            probability_test = _one_sample_z(mine, seen)
            ratio = probability / ((others + 1) / (rest_seen + 2))
            ratio_test = _two_sample_z(mine, seen, others, rest_seen)
            metrics.append((probability, probability_test, ratio, ratio_test))
        agree_m, disagree_m = metrics
        use_agree = agree_m[3] >= disagree_m[3]
        pick = [np.where(use_agree, a, d) for a, d in zip(agree_m, disagree_m, strict=True)]
        probability, probability_test, ratio, ratio_test = pick
        metric = ratio * ratio_test * probability * probability_test
        eligible = keep & (seen > 0)
        passing = eligible & (ratio_test > Z_90) & (probability_test > Z_90)
        if passing.any():
            chosen = [j for j in np.argsort(-metric, kind="stable") if passing[j]]
            chosen = chosen[:TOP_REPRESENTATIVE]
        elif eligible.any():
            chosen = [max(np.flatnonzero(eligible), key=lambda j: (ratio_test[j], -j))]
        else:
            chosen = []
        result.append(
            [
                _score(statements[j], stats.agree[g, j], stats.disagree[g, j], seen[j], metric[j])
                for j in chosen
            ]
        )
    return result


def _consensus(
    stats: _GroupVotes, statements: tuple[str, ...], keep: np.ndarray
) -> list[StatementScore]:
    """Statements every group leans the same way on (all agree, or all disagree)."""
    total_agree, total_disagree = stats.agree.sum(axis=0), stats.disagree.sum(axis=0)
    total_seen = stats.seen.sum(axis=0)
    chosen: list[tuple[float, int]] = []
    for counts, total in ((stats.agree, total_agree), (stats.disagree, total_disagree)):
        probability = (counts + 1) / (stats.seen + 2)
        everyone = np.all(probability > 0.5, axis=0) & np.all(stats.seen > 0, axis=0)
        significant = _one_sample_z(total, total_seen) > Z_90
        score = np.prod(probability, axis=0)
        candidates = np.flatnonzero(keep & everyone & significant)
        ranked = sorted(candidates, key=lambda j: (-score[j], j))[:TOP_CONSENSUS]
        chosen.extend((float(score[j]), int(j)) for j in ranked)
    chosen.sort(key=lambda item: (-item[0], item[1]))
    return [
        _score(statements[j], total_agree[j], total_disagree[j], total_seen[j], score)
        for score, j in chosen
    ]


def _divisive(
    stats: _GroupVotes, statements: tuple[str, ...], keep: np.ndarray
) -> list[StatementScore]:
    """Statements whose net agreement differs most between groups (variance across groups)."""
    if stats.seen.shape[0] < 2:
        return []
    net = (stats.agree - stats.disagree) / (stats.seen + 2)
    voted = stats.seen > 0
    n_voted = voted.sum(axis=0)
    mean = np.divide(
        (net * voted).sum(axis=0), n_voted, out=np.zeros(net.shape[1]), where=n_voted > 0
    )
    variance = np.divide(
        (((net - mean) ** 2) * voted).sum(axis=0),
        n_voted,
        out=np.zeros(net.shape[1]),
        where=n_voted > 0,
    )
    candidates = np.flatnonzero(keep & (n_voted >= 2) & (variance > 1e-9))
    ranked = sorted(candidates, key=lambda j: (-variance[j], j))[:TOP_DIVISIVE]
    total_agree, total_disagree = stats.agree.sum(axis=0), stats.disagree.sum(axis=0)
    total_seen = stats.seen.sum(axis=0)
    return [
        _score(statements[j], total_agree[j], total_disagree[j], total_seen[j], float(variance[j]))
        for j in ranked
    ]
