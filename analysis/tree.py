"""The second level of the theme tree: each theme large enough is split into sub-themes
in a space of its own answers (`_split_theme`, Ward's merges of an over-clustering cut at
the elbow), and the helpers the tree's labelling shares (`_keyphrases`, `_stems_of`,
`top_level_ceiling`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans

from analysis.clustering import _distinct_rows, _features
from analysis.labels import PhraseIndex, class_keyphrases, class_term_scores
from analysis.text import Stemmer, content_tokens, tokenise

#: Central answers a title is looked for in (more costs time and rarely changes it).
TITLE_ANSWERS = 100
SUBTHEME_TITLE_ANSWERS = 40
#: A theme is split only when it has at least `MIN_SPLIT` answers, `MIN_SPLIT_DISTINCT`
#: of them distinct, and a sub-theme must hold at least `MIN_SUBTHEME_SHARE` of its theme
#: (and 4 answers).
MIN_SPLIT = 40
MIN_SPLIT_DISTINCT = 8
MIN_SUBTHEME_SHARE = 0.03


def top_level_ceiling(n_answers: int, *, ceiling: int = 30) -> int:
    """Most top-level themes `auto` may choose: grows slowly (logarithmically) with the
    corpus, so an officer can still read the list: 6 at 250 answers, 16 at 8,000, 19 at
    20,000, 23 at 100,000; never above `ceiling`."""
    grown = 6 + 2 * math.log2(max(1.0, n_answers / 250))
    return max(2, min(ceiling, round(grown)))


def _keyphrases(
    term_lists: Sequence[Sequence[tuple[str, ...]]],
    labels: np.ndarray,
    k: int,
    index: PhraseIndex,
    weights: np.ndarray,
) -> tuple[list[list[str]], list[dict[str, float]]]:
    """Key phrases of each class and its single words' distinctiveness (for titles)."""
    # numpy arrays stand in for the sequences labels.py is typed with
    scored = class_term_scores(term_lists, labels, k, weights=weights)  # type: ignore[arg-type]
    phrases = class_keyphrases(
        term_lists,
        labels,  # type: ignore[arg-type]
        k,
        index,
        weights=weights,  # type: ignore[arg-type]
        scored=scored,
    )
    terms, scores = scored
    single = [j for j, term in enumerate(terms) if len(term) == 1]
    distinct: list[dict[str, float]] = []
    for c in range(k):
        row = scores[c, single] if single else np.zeros(0)
        top = np.argsort(-row, kind="stable")[:400]
        distinct.append({terms[single[j]][0]: float(row[j]) for j in top if row[j] > 0})
    return phrases, distinct


def _stems_of(phrase: str, stemmer: Stemmer) -> tuple[str, ...]:
    return tuple(stemmer.stems(content_tokens(tokenise(phrase)), count=False))


def _split_theme(
    content: list[list[str]],
    weights: np.ndarray,
    *,
    random_state: int,
    ceiling: int,
) -> list[np.ndarray] | None:
    """Sub-themes of one theme: positions (into `content`) of each, largest first; None
    when the theme is too small to split or no two parts are large enough.

    The theme's answers get a TF-IDF and LSA space of their own (50 dimensions), so the
    finer distinctions inside it are not drowned by those between themes. They are
    over-clustered by k-means into K = min(`ceiling`, 1.2·√answers) parts, the parts are
    merged by Ward's method (weighted by size), and the number of sub-themes is the elbow
    of the merge costs; a final k-means round starts from the merged centres. One k-means
    run per theme instead of one per candidate number keeps a 100,000-answer tree within
    the time budget. Parts smaller than `MIN_SUBTHEME_SHARE` of the theme join the part
    their answers are closest to.
    """
    m = len(content)
    if weights.sum() < MIN_SPLIT or sum(1 for words in content if words) < MIN_SPLIT_DISTINCT:
        return None
    features = _features(content, dimensions=50, random_state=random_state)
    vectors = features.vectors
    big_k = min(ceiling, round(1.2 * math.sqrt(weights.sum())), m // 2)
    big_k = min(big_k, _distinct_rows(vectors, limit=big_k))
    if big_k < 2:
        return None
    rng = np.random.default_rng(random_state)
    rows = np.sort(rng.choice(m, size=min(m, 10_000), replace=False))
    model = KMeans(n_clusters=big_k, n_init=1, random_state=random_state, max_iter=100)
    model.fit(vectors[rows], sample_weight=weights[rows])
    labels = model.predict(vectors)
    sizes = np.bincount(labels, weights=weights, minlength=big_k)
    centres = model.cluster_centers_
    k = _ward_elbow(centres, sizes)
    if k < 2:
        return None
    merged = _ward_cut(centres, sizes, k)
    start = np.array(
        [np.average(centres[group], axis=0, weights=sizes[group] + 1e-9) for group in merged]
    )
    labels = KMeans(n_clusters=k, init=start, n_init=1, max_iter=20).fit_predict(
        vectors, sample_weight=weights
    )
    sizes = np.bincount(labels, weights=weights, minlength=k)
    large = np.flatnonzero(sizes >= max(4.0, MIN_SUBTHEME_SHARE * weights.sum()))
    if len(large) < 2:
        return None
    if len(large) < k:
        centre_of = np.array([vectors[labels == c].mean(axis=0) for c in large])
        nearest = large[np.argmax(vectors @ centre_of.T, axis=1)]
        labels = np.where(np.isin(labels, large), labels, nearest)
        sizes = np.bincount(labels, weights=weights, minlength=k)
    order = sorted(large.tolist(), key=lambda c: (-sizes[c], c))
    return [np.flatnonzero(labels == c) for c in order]


def _ward_merges(centres: np.ndarray, sizes: np.ndarray) -> list[tuple[int, int, float]]:
    """Ward's agglomeration of weighted centres: (kept, absorbed, cost) per merge."""
    n = len(centres)
    points = centres.astype(np.float64).copy()
    mass = np.maximum(sizes.astype(np.float64), 1e-9)
    alive = np.ones(n, dtype=bool)
    merges: list[tuple[int, int, float]] = []
    for _ in range(n - 1):
        distance = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
        cost = mass[:, None] * mass[None, :] / (mass[:, None] + mass[None, :]) * distance
        cost[~alive, :] = np.inf
        cost[:, ~alive] = np.inf
        np.fill_diagonal(cost, np.inf)
        a, b = divmod(int(np.argmin(cost)), n)
        a, b = min(a, b), max(a, b)
        merges.append((a, b, float(cost[a, b])))
        points[a] = (points[a] * mass[a] + points[b] * mass[b]) / (mass[a] + mass[b])
        mass[a] += mass[b]
        alive[b] = False
    return merges


def _ward_elbow(centres: np.ndarray, sizes: np.ndarray) -> int:
    """Number of groups at the elbow (Kneedle) of the Ward within-group cost curve."""
    n = len(centres)
    if n <= 2:
        return n
    costs = [cost for _, _, cost in _ward_merges(centres, sizes)]
    # within-group cost when k groups remain: the costs of the merges made after k
    within = np.concatenate([[0.0], np.cumsum(costs)])  # index j: after j merges
    ks = np.arange(n, 0, -1, dtype=float)  # after j merges, n - j groups remain
    order = np.argsort(ks)
    ks, values = ks[order], within[order]
    span = values[0] - values[-1]
    if span <= 0:
        return 1
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (values - values[-1]) / span
    return int(ks[int(np.argmax((1.0 - x) - y))])


def _ward_cut(centres: np.ndarray, sizes: np.ndarray, k: int) -> list[list[int]]:
    """The groups of centres left when Ward's agglomeration reaches `k` groups."""
    members = {i: [i] for i in range(len(centres))}
    for a, b, _ in _ward_merges(centres, sizes)[: len(centres) - k]:
        members[a].extend(members.pop(b))
    return [sorted(group) for _, group in sorted(members.items())]
