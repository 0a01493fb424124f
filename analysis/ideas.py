"""The live idea board's themes (the `analysis/` library): fast, with stable theme ids.

A jury's idea board is re-clustered every few seconds while ideas arrive, so this is a
lighter cousin of `analysis.themes.themes`: the same text features (100 LSA dimensions),
the elbow on a small sample, plain k-means, one thread, 1,000 ideas well under a second.
Passing the last result as `previous` warm-starts k-means from its centres and keeps
theme ids: each new cluster takes the id of the previous theme it overlaps most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from analysis.labels import PhraseIndex, class_keyphrases, label_from_keyphrases
from analysis.text import Stemmer, detect_phrases, is_no_comment
from analysis.themes import NO_COMMENT_THEME, _features, _prepare, choose_k, theme_bounds

__all__ = ["IdeaClusters", "IdeaTheme", "cluster_ideas"]


@dataclass(frozen=True)
class IdeaTheme:
    """A theme on the live idea board."""

    id: int
    label: str
    keyphrases: tuple[str, ...]
    idea_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keyphrases": list(self.keyphrases),
            "idea_ids": list(self.idea_ids),
        }


@dataclass(frozen=True)
class IdeaClusters:
    """The idea board's themes; pass it back as `previous` to keep theme ids stable."""

    themes: tuple[IdeaTheme, ...]
    assignments: tuple[tuple[str, int], ...]  # (idea id, theme id); 0 = nothing to theme

    def theme_of(self) -> dict[str, int]:
        return dict(self.assignments)

    def as_dict(self) -> dict[str, Any]:
        return {
            "themes": [theme.as_dict() for theme in self.themes],
            "assignments": dict(self.assignments),
        }


def cluster_ideas(
    texts: Sequence[str],
    ids: Sequence[str | int],
    *,
    previous: IdeaClusters | None = None,
    n_themes: int | Literal["auto"] = "auto",
    random_state: int = 0,
    max_themes: int = 12,
) -> IdeaClusters:
    """Re-cluster a live idea board fast (1,000 ideas well under a second).

    With `previous` (the last result), clustering starts from the previous themes'
    centres, the number of themes moves by at most one per call (and only when the elbow
    has moved by three or more), and
    each new theme takes the id of the previous theme it overlaps most; new themes get
    fresh ids. Ideas with nothing to theme get theme 0.
    """
    # One thread: on a busy server, OpenMP threads spinning against each other cost far
    # more than they save on a thousand ideas.
    with threadpool_limits(limits=1):
        keys = [str(value) for value in ids]
        return _cluster_ideas(texts, keys, previous, n_themes, random_state, max_themes)


def _cluster_ideas(
    texts: Sequence[str],
    ids: list[str],
    previous: IdeaClusters | None,
    n_themes: int | Literal["auto"],
    random_state: int,
    max_themes: int,
) -> IdeaClusters:
    texts = ["" if text is None else str(text) for text in texts]
    if len(ids) != len(texts):
        raise ValueError(f"Got {len(texts)} texts but {len(ids)} ids.")
    stemmer = Stemmer()
    rows = [i for i, text in enumerate(texts) if not is_no_comment(text)]
    assignments = {idea_id: NO_COMMENT_THEME for idea_id in ids}
    if not rows:
        return IdeaClusters((), tuple(assignments.items()))
    prepared = _prepare([texts[i] for i in rows], stemmer)
    features = _features(prepared.content, dimensions=100, random_state=random_state)
    vectors = features.vectors
    previous_of = previous.theme_of() if previous is not None else {}
    previous_centres: dict[int, np.ndarray] = {}
    for position, row in enumerate(rows):
        theme_id = previous_of.get(ids[row], NO_COMMENT_THEME)
        if theme_id != NO_COMMENT_THEME:
            previous_centres.setdefault(theme_id, np.zeros(vectors.shape[1]))
            previous_centres[theme_id] = previous_centres[theme_id] + vectors[position]
    if n_themes == "auto":
        k_min, k_max = theme_bounds(len(rows), ceiling=max_themes)
        k = choose_k(
            vectors,
            k_min=k_min,
            k_max=k_max,
            random_state=random_state,
            sample_size=1000,
            n_init=5 if len(rows) <= 300 else 2,
        )
        if previous_centres:  # a live board changes gently: at most one theme per call
            k_previous = len(previous_centres)
            if abs(k - k_previous) <= 2:
                k = k_previous
            else:
                k = k_previous + (1 if k > k_previous else -1)
    else:
        k = int(n_themes)
    k = max(1, min(k, len(rows)))
    initial = None
    if previous_centres and k > 1:
        ordered = sorted(previous_centres, key=lambda t: -np.linalg.norm(previous_centres[t]))
        centres = [normalize(previous_centres[t][None, :])[0] for t in ordered[:k]]
        chosen = np.stack(centres)
        while len(chosen) < k:  # add the idea farthest from every centre so far
            distance = 1.0 - (vectors @ chosen.T).max(axis=1)
            chosen = np.vstack([chosen, vectors[int(np.argmax(distance))]])
        initial = chosen
    if k == 1:
        labels = np.zeros(len(rows), dtype=int)
    elif initial is not None:
        labels = KMeans(
            n_clusters=k, init=initial, n_init=1, random_state=random_state
        ).fit_predict(vectors)
    else:
        labels = KMeans(n_clusters=k, n_init=3, random_state=random_state).fit_predict(vectors)
    present = sorted(set(labels.tolist()), key=lambda c: (-(labels == c).sum(), c))
    theme_ids = _stable_ids(present, labels, [ids[r] for r in rows], previous_of)
    sample = list(range(len(rows)))
    phrases = detect_phrases([prepared.stems[u] for u in sample], min_count=2)
    index = PhraseIndex(phrases, stemmer)
    term_lists = [index.terms(prepared.tokens[u], prepared.stems[u]) for u in sample]
    compact = {c: position for position, c in enumerate(present)}
    keyphrases = class_keyphrases(
        term_lists, [compact[int(c)] for c in labels], len(present), index, top=4
    )
    idea_themes = []
    for position, c in enumerate(present):
        members = tuple(ids[rows[u]] for u in np.flatnonzero(labels == c))
        theme_id = theme_ids[c]
        for member in members:
            assignments[member] = theme_id
        idea_themes.append(
            IdeaTheme(
                theme_id,
                label_from_keyphrases(keyphrases[position], fallback=f"Theme {theme_id}"),
                tuple(keyphrases[position]),
                members,
            )
        )
    return IdeaClusters(tuple(idea_themes), tuple(assignments.items()))


def _stable_ids(
    present: list[int], labels: np.ndarray, idea_ids: list[str], previous_of: dict[str, int]
) -> dict[int, int]:
    """Give each cluster the previous theme id it overlaps most (one-to-one), else a new id."""
    previous_ids = sorted({t for t in previous_of.values() if t != NO_COMMENT_THEME})
    result: dict[int, int] = {}
    if previous_ids:
        overlap = np.zeros((len(present), len(previous_ids)))
        column = {t: j for j, t in enumerate(previous_ids)}
        row = {c: i for i, c in enumerate(present)}
        for label, idea_id in zip(labels, idea_ids, strict=True):
            old = previous_of.get(idea_id, NO_COMMENT_THEME)
            if old != NO_COMMENT_THEME:
                overlap[row[int(label)], column[old]] += 1
        for i, j in zip(*linear_sum_assignment(-overlap), strict=True):
            if overlap[i, j] > 0:
                result[present[i]] = previous_ids[j]
    next_id = max(previous_ids, default=0) + 1
    for c in present:
        if c not in result:
            result[c] = next_id
            next_id += 1
    return result
