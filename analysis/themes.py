"""Themes for free-text answers to one question: the theme engine of `analysis/`.

Method (measured on the short-text benchmarks, see `analysis/README.md`): stemmed TF-IDF
with sublinear term frequency → LSA (truncated SVD, up to 200 dimensions) → unit-length
k-means, refined by a few EM rounds of a multinomial mixture on word counts. The number
of themes is the elbow of the k-means inertia curve, capped by a ceiling that grows
slowly with the corpus (`top_level_ceiling`), unless an officer fixes it. Each theme
large enough is split into sub-themes in a space of its own answers (`_split_theme`), so
the result is a two-level tree: a short list to read first, the finer points inside.

Large corpora (100,000 answers in well under a minute on two cores): the SVD is learnt on
a 25,000-answer sample with 100 dimensions above 50,000 answers, k-means runs on a
30,000-answer sample and every answer takes its nearest centre, the EM rounds use every
answer; text preparation and labels work once per distinct token, not once per token.

Around the clustering: answers with nothing to say go to an explicit "no substantive
comment" group; duplicates and organised campaigns (`analysis.duplicates`) are clustered
once, weighted by the number of people who sent them; each theme and sub-theme gets a
title in the answers' own words and a cited one-sentence description (`analysis.titles`),
key phrases (`analysis.labels`), a cited extractive summary and quotes
(`analysis.summaries`) and a sentiment summary (`analysis.sentiment`). The live idea
board's fast path is `analysis.ideas.cluster_ideas`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any, Literal

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from analysis.labels import PhraseIndex, class_keyphrases, class_term_scores
from analysis.summaries import Quote, SummarySentence, pick_quotes, summarise, text_key
from analysis.text import (
    Stemmer,
    content_tokens,
    detect_phrases,
    is_content_word,
    is_no_comment_tokens,
    sentence_splitter,
    tokenise,
)
from analysis.titles import TitleSpans, choose_description, make_title

__all__ = [
    "NO_COMMENT_LABEL",
    "NO_COMMENT_THEME",
    "Assignment",
    "ProgressCallback",
    "Quote",
    "SummarySentence",
    "Theme",
    "ThemeResult",
    "choose_k",
    "cluster_texts",
    "themes",
]

#: Called with the fraction done (0..1) and what is happening, for a progress bar.
ProgressCallback = Callable[[float, str], None]

#: Theme id of the "no substantive comment" group (real themes are numbered from 1).
NO_COMMENT_THEME = 0
NO_COMMENT_LABEL = "No substantive comment"


@dataclass(frozen=True)
class Theme:
    """One theme or sub-theme: who raised it, its title, what it says, how it feels.

    `title` is a heading in the answers' own words (`analysis.titles`); `label` is the
    same (kept for older readers). `description` is one cited sentence from the answers.
    A top-level theme holds its `subthemes` (empty when it has none); a sub-theme has
    its theme's id as `parent`. Ids are unique across the tree.
    """

    id: int
    title: str
    description: SummarySentence | None
    keyphrases: tuple[str, ...]
    response_ids: tuple[str, ...]
    size: int
    share: float
    sentiment: dict[str, float]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[Quote, ...]
    subthemes: tuple[Theme, ...] = ()
    parent: int | None = None

    @property
    def label(self) -> str:
        """The title (the name older readers use)."""
        return self.title

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "label": self.title,
            "description": self.description.sentence if self.description else "",
            "description_response_ids": (
                list(self.description.response_ids) if self.description else []
            ),
            "keyphrases": list(self.keyphrases),
            "size": self.size,
            "share": self.share,
            "sentiment": dict(self.sentiment),
            "summary": [sentence.as_dict() for sentence in self.summary],
            "quotes": [quote.as_dict() for quote in self.quotes],
            "response_ids": list(self.response_ids),
            "parent": self.parent,
            "subthemes": [sub.as_dict() for sub in self.subthemes],
        }


@dataclass(frozen=True)
class Assignment:
    """An answer's main theme (0 = no substantive comment), its sub-theme, and any other
    themes it raises. `subtheme` is None (shown as the theme's id) when the theme has no
    sub-themes."""

    id: str
    theme: int
    confidence: float
    other_themes: tuple[tuple[int, float], ...] = ()
    sentiment: float = 0.0
    subtheme: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "theme": self.theme,
            "subtheme": self.theme if self.subtheme is None else self.subtheme,
            "confidence": self.confidence,
            "other_themes": [{"theme": t, "confidence": c} for t, c in self.other_themes],
            "sentiment": self.sentiment,
        }


@dataclass(frozen=True)
class ThemeResult:
    """Everything `themes()` found; `as_dict()` is the JSON the CLI prints."""

    themes: tuple[Theme, ...]
    assignments: tuple[Assignment, ...]
    duplicates: tuple[Any, ...]  # analysis.duplicates.DuplicateGroup
    no_comment_ids: tuple[str, ...]
    n_themes_chosen: int
    sentiment: dict[str, float] = field(default_factory=dict)
    backend: str = "light"  # what represented the answers: "light" or "embeddings"

    def theme_of(self) -> dict[str, int]:
        """Map answer id → main theme id."""
        return {assignment.id: assignment.theme for assignment in self.assignments}

    def subtheme_of(self) -> dict[str, int]:
        """Map answer id → sub-theme id (the theme's id where it has no sub-themes)."""
        return {a.id: a.theme if a.subtheme is None else a.subtheme for a in self.assignments}

    def as_dict(self) -> dict[str, Any]:
        total = max(1, len(self.assignments))
        return {
            "themes": [theme.as_dict() for theme in self.themes],
            "no_comment": {
                "id": NO_COMMENT_THEME,
                "title": NO_COMMENT_LABEL,
                "label": NO_COMMENT_LABEL,
                "size": len(self.no_comment_ids),
                "share": round(len(self.no_comment_ids) / total, 4),
                "response_ids": list(self.no_comment_ids),
            },
            "assignments": [assignment.as_dict() for assignment in self.assignments],
            "duplicates": [_duplicate_dict(group) for group in self.duplicates],
            "sentiment": dict(self.sentiment),
            "n_themes": len(self.themes),
            "n_subthemes": sum(len(theme.subthemes) for theme in self.themes),
            "backend": self.backend,
        }


def _duplicate_dict(group: Any) -> dict[str, Any]:
    data = group.as_dict() if hasattr(group, "as_dict") else dict(group)
    return {
        "ids": list(data["ids"]),
        "kind": data["kind"],
        "count": data["count"],
        "representative_id": data.get("representative_id"),
    }


# --------------------------------------------------------------------------- features


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass
class _Features:
    """Term counts, TF-IDF and unit-length LSA vectors of the clustered answers."""

    counts: sparse.csr_matrix
    tfidf: sparse.csr_matrix
    vectors: np.ndarray
    vectorizer: CountVectorizer
    transformer: TfidfTransformer
    svd: TruncatedSVD | None

    def embed(self, stem_lists: list[list[str]]) -> np.ndarray:
        """Unit vectors, in the clustering space, of new lists of content stems."""
        tfidf = self.transformer.transform(self.vectorizer.transform(stem_lists))
        dense = self.svd.transform(tfidf) if self.svd is not None else tfidf.toarray()
        return normalize(dense)


def _features(
    stem_lists: Sequence[list[str]],
    *,
    dimensions: int,
    random_state: int,
    svd_sample: int = 25_000,
) -> _Features:
    n = len(stem_lists)
    min_df = 2 if n >= 200 else 1
    vectorizer = CountVectorizer(analyzer=_identity, min_df=min_df, dtype=np.float32)
    try:
        counts = vectorizer.fit_transform(stem_lists)
    except ValueError:  # every answer's words were too rare: fall back to all words
        vectorizer = CountVectorizer(analyzer=_identity, min_df=1, dtype=np.float32)
        counts = vectorizer.fit_transform(stem_lists)
    transformer = TfidfTransformer(sublinear_tf=True)
    tfidf = transformer.fit_transform(counts).astype(np.float32)
    components = min(dimensions, counts.shape[1] - 1, n - 1)
    svd: TruncatedSVD | None = None
    if components >= 2 and counts.shape[1] > components:
        svd = TruncatedSVD(n_components=components, n_iter=4, random_state=random_state)
        if n > svd_sample:  # large corpora: learn the space from a sample, project all
            rows = np.random.default_rng(random_state).choice(n, size=svd_sample, replace=False)
            svd.fit(tfidf[np.sort(rows)])
            dense = svd.transform(tfidf)
        else:
            dense = svd.fit_transform(tfidf)
    else:
        dense = tfidf.toarray()
    vectors = normalize(dense).astype(np.float64)
    return _Features(counts.tocsr(), tfidf.tocsr(), vectors, vectorizer, transformer, svd)


# --------------------------------------------------------------------------- clustering


def theme_bounds(n_answers: int, *, ceiling: int = 30) -> tuple[int, int]:
    """Sensible (min, max) number of themes for `n_answers` distinct answers."""
    if n_answers < 4:
        return 1, max(1, min(n_answers, 1))
    upper = round(math.sqrt(n_answers) * 1.2)
    return 2, max(2, min(ceiling, upper, n_answers // 2))


def choose_k(
    vectors: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    k_min: int = 2,
    k_max: int = 30,
    random_state: int = 0,
    sample_size: int = 2500,
    n_init: int | None = None,
) -> int:
    """The elbow of the k-means inertia curve (Kneedle) between `k_min` and `k_max`.

    Inertia is measured on at most `sample_size` answers, from k = 1 up to `k_max`; the
    elbow is the k farthest below the straight line joining the curve's two ends.
    """
    n = vectors.shape[0]
    if k_max <= 1 or n < 3:
        return 1
    k_max = min(k_max, n - 1)
    if k_max <= k_min:
        return max(1, k_max)
    rng = np.random.default_rng(random_state)
    if n > sample_size:
        rows = np.sort(rng.choice(n, size=sample_size, replace=False))
        sample = vectors[rows]
        sample_weights = None if weights is None else weights[rows]
    else:
        sample, sample_weights = vectors, weights
    w = np.ones(sample.shape[0]) if sample_weights is None else np.asarray(sample_weights, float)
    centre = np.average(sample, axis=0, weights=w)
    inertias = {1: float((w * ((sample - centre) ** 2).sum(axis=1)).sum())}
    candidates = list(range(2, min(k_max, 12) + 1)) + list(range(14, k_max + 1, 2))
    if candidates[-1] != k_max:
        candidates.append(k_max)
    # Small corpora: several starts are cheap and steady the curve.
    runs = n_init if n_init is not None else (1 if sample.shape[0] > 1000 else 5)
    with threadpool_limits(limits=1):  # many small fits: threads only fight each other
        for k in candidates:
            model = KMeans(n_clusters=k, n_init=runs, random_state=random_state, max_iter=100)
            model.fit(sample, sample_weight=w)
            inertias[k] = float(model.inertia_)
    ks = np.array(sorted(inertias), dtype=float)
    values = np.array([inertias[int(k)] for k in ks])
    values = np.minimum.accumulate(values)  # k-means noise: keep the curve monotone
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    span = values[0] - values[-1]
    if span <= 0:
        return k_min
    y = (values - values[-1]) / span
    gap = (1.0 - x) - y
    best = int(ks[int(np.argmax(gap))])
    return int(min(k_max, max(k_min, best)))


def count_dmm_clusters(
    stem_lists: Sequence[list[str]],
    *,
    k_max: int = 30,
    alpha: float = 0.1,
    beta: float = 0.1,
    iterations: int = 10,
    random_state: int = 0,
    sample_size: int = 2000,
    min_share: float = 0.02,
) -> int:
    """Number of non-trivial clusters a Dirichlet multinomial mixture (GSDMM) keeps.

    Collapsed Gibbs sampling starting with `k_max` clusters: clusters that do not fit the
    words empty out. A cluster counts when it holds at least `min_share` of the answers
    (and at least two). Runs on at most `sample_size` answers.
    """
    rng = np.random.default_rng(random_state)
    rows = [i for i, stems in enumerate(stem_lists) if stems]
    if len(rows) > sample_size:
        rows = sorted(rng.choice(rows, size=sample_size, replace=False).tolist())
    if len(rows) < 4:
        return 1
    vocabulary: dict[str, int] = {}
    documents = []
    for i in rows:
        counted: dict[int, int] = {}
        for stem in stem_lists[i]:
            column = vocabulary.setdefault(stem, len(vocabulary))
            counted[column] = counted.get(column, 0) + 1
        words = np.array(list(counted), dtype=int)
        counts = np.array(list(counted.values()), dtype=int)
        # each word occurrence j (0-based) of a repeated word adds log(n_kw + beta + j)
        repeat_words = np.repeat(words, counts)
        repeat_offsets = np.concatenate([np.arange(c) for c in counts]).astype(float)
        documents.append((words, counts, repeat_words, repeat_offsets, int(counts.sum())))
    n, size, k = len(documents), len(vocabulary), k_max
    labels = rng.integers(0, k, size=n)
    members = np.bincount(labels, minlength=k).astype(float)
    word_counts = np.zeros((k, size))
    totals = np.zeros(k)
    for d, (words, counts, _, _, length) in enumerate(documents):
        word_counts[labels[d], words] += counts
        totals[labels[d]] += length
    beta_total = size * beta
    for _ in range(iterations):
        for d in rng.permutation(n):
            words, counts, repeat_words, repeat_offsets, length = documents[d]
            old = labels[d]
            members[old] -= 1
            word_counts[old, words] -= counts
            totals[old] -= length
            log_p = np.log(members + alpha)
            log_p += np.log(word_counts[:, repeat_words] + beta + repeat_offsets).sum(axis=1)
            log_p -= np.log(totals[:, None] + beta_total + np.arange(length)).sum(axis=1)
            p = np.exp(log_p - log_p.max())
            new = int(rng.choice(k, p=p / p.sum()))
            labels[d] = new
            members[new] += 1
            word_counts[new, words] += counts
            totals[new] += length
    threshold = max(2.0, min_share * n)
    return max(1, int((members >= threshold).sum()))


def _refine_mixture(
    counts: sparse.csr_matrix,
    labels: np.ndarray,
    k: int,
    weights: np.ndarray,
    *,
    rounds: int = 4,
    word_prior: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    """A few EM rounds of a multinomial mixture on word counts, started from `labels`.

    Returns the posterior probability of each cluster for each answer and each cluster's
    share of the answer's words (rows of both sum to 1).
    """
    n = counts.shape[0]
    responsibilities = np.zeros((n, k))
    responsibilities[np.arange(n), labels] = 1.0
    counts64 = counts.astype(np.float64)
    for _ in range(rounds):
        weighted = responsibilities * weights[:, None]
        mass = weighted.sum(axis=0)
        prior = (mass + 1.0) / (mass.sum() + k)
        words = np.asarray((counts64.T @ weighted).T)  # k × vocabulary
        words += word_prior
        log_words = np.log(words) - np.log(words.sum(axis=1, keepdims=True))
        log_likelihood = np.asarray(counts64 @ log_words.T) + np.log(prior)
        log_likelihood -= log_likelihood.max(axis=1, keepdims=True)
        responsibilities = np.exp(log_likelihood)
        responsibilities /= responsibilities.sum(axis=1, keepdims=True)
    # Shares: how much of each answer's wording each cluster explains (the average over its
    # words of P(cluster | word)), so an answer about buses *and* parks shows both.
    word_posterior = np.exp(log_words + np.log(prior)[:, None])
    word_posterior /= word_posterior.sum(axis=0, keepdims=True)
    lengths = np.asarray(counts64.sum(axis=1)).ravel()
    shares = np.asarray(counts64 @ word_posterior.T) / np.maximum(lengths, 1.0)[:, None]
    shares[lengths == 0] = 1.0 / k
    return responsibilities, shares


@dataclass
class _Clusters:
    labels: np.ndarray  # 0..k-1, ordered by weighted size, largest first
    probabilities: np.ndarray  # n × k: confidence in each cluster
    shares: np.ndarray  # n × k: share of each answer's words each cluster explains
    k: int
    features: _Features


def cluster_texts(
    stem_lists: Sequence[list[str]],
    weights: Sequence[float] | None = None,
    *,
    n_themes: int | Literal["auto"] = "auto",
    random_state: int = 0,
    dimensions: int = 200,
    refine: bool = True,
    ceiling: int = 30,
    n_init: int | None = None,
    initial_centres: np.ndarray | None = None,
    kmeans_sample: int = 30_000,
    choose_sample: int = 2500,
    k_cap: int | None = None,
    sentence_vectors: np.ndarray | None = None,
) -> _Clusters:
    """Cluster answers given as lists of content stems (the core of `themes`).

    Above `kmeans_sample` answers, k-means runs on a sample of that many and every answer
    then takes its nearest centre; the EM rounds use every answer. With
    `sentence_vectors` (one row per answer, from `analysis.embeddings.embed`), k and the
    k-means partition come from those joined with the LSA vectors (`combine`); the EM
    rounds still run on word counts.
    """
    n = len(stem_lists)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    features = _features(stem_lists, dimensions=dimensions, random_state=random_state)
    vectors = features.vectors
    if sentence_vectors is not None:
        from analysis.embeddings import combine  # numpy only: loads no model

        vectors = combine(vectors, sentence_vectors)
    if n_themes == "auto":
        k_min, k_max = theme_bounds(n, ceiling=ceiling)
        k = choose_k(
            vectors,
            w,
            k_min=k_min,
            k_max=k_max,
            random_state=random_state,
            sample_size=choose_sample,
        )
        if k_cap is not None:
            k = min(k, k_cap)
    else:
        k = int(n_themes)
        if k < 1:
            raise ValueError("The number of themes must be at least 1.")
    k = max(1, min(k, n, _distinct_rows(vectors, limit=k)))
    if k == 1:
        labels = np.zeros(n, dtype=int)
    elif initial_centres is not None and len(initial_centres) == k:
        model = KMeans(n_clusters=k, init=initial_centres, n_init=1, random_state=random_state)
        labels = model.fit_predict(vectors, sample_weight=w)
    elif n > kmeans_sample:
        # Large corpora: find the centres on a sample, then give every answer its nearest
        # centre (the EM rounds below then refine the partition on all answers).
        rows = np.sort(
            np.random.default_rng(random_state).choice(n, size=kmeans_sample, replace=False)
        )
        runs = n_init if n_init is not None else 4
        model = KMeans(n_clusters=k, n_init=runs, random_state=random_state)
        model.fit(vectors[rows], sample_weight=w[rows])
        labels = model.predict(vectors)
    else:
        runs = n_init if n_init is not None else (10 if n <= 5000 else 4)
        model = KMeans(n_clusters=k, n_init=runs, random_state=random_state)
        labels = model.fit_predict(vectors, sample_weight=w)
    if refine and k > 1:
        posterior, shares = _refine_mixture(features.counts, labels, k, w)
        labels = posterior.argmax(axis=1)
        probabilities = 0.5 * posterior + 0.5 * shares
    else:
        probabilities = np.zeros((n, k))
        probabilities[np.arange(n), labels] = 1.0
        shares = probabilities.copy()
    # Drop emptied clusters; order the rest by weighted size, largest first (ties by index).
    sizes = np.bincount(labels, weights=w, minlength=k)
    kept = [c for c in sorted(range(k), key=lambda c: (-sizes[c], c)) if sizes[c] > 0]
    probabilities = probabilities[:, kept]
    probabilities /= np.maximum(probabilities.sum(axis=1, keepdims=True), 1e-12)
    shares = shares[:, kept]
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-12)
    remap = np.full(k, -1)
    remap[kept] = np.arange(len(kept))
    labels = remap[labels]
    return _Clusters(labels, probabilities, shares, len(kept), features)


def _distinct_rows(vectors: np.ndarray, *, limit: int) -> int:
    """How many distinct rows (to 6 decimals) `vectors` has, counting no further than `limit`."""
    seen: set[bytes] = set()
    for start in range(0, vectors.shape[0], 1000):
        block = np.round(vectors[start : start + 1000], 6) + 0.0  # -0.0 → 0.0
        for row in block:
            seen.add(row.tobytes())
            if len(seen) >= limit:
                return len(seen)
    return len(seen)


# --------------------------------------------------------------------------- themes()


@dataclass
class _Prepared:
    tokens: list[list[str]]
    stems: list[list[str]]  # stems of every token (stop words too), for phrases
    content: list[list[str]]  # content stems, for clustering


def _prepare(
    texts: Sequence[str], stemmer: Stemmer, tokens: list[list[str]] | None = None
) -> _Prepared:
    tokens = [tokenise(text) for text in texts] if tokens is None else tokens
    stems = stemmer.stem_lists(tokens)
    # Content stems: decide once per distinct token (a dictionary look-up per token after).
    content_stem: dict[str, str | None] = {
        word: stemmer.stem(word) if is_content_word(word) else None
        for word in dict.fromkeys(chain.from_iterable(tokens))
    }
    lookup = content_stem.__getitem__
    content = [[stem for stem in map(lookup, words) if stem is not None] for words in tokens]
    return _Prepared(tokens, stems, content)


def _stable_sample(n: int, limit: int) -> list[int]:
    if n <= limit:
        return list(range(n))
    return list(np.linspace(0, n - 1, limit).astype(int))


def _duplicate_groups(texts: list[str], ids: list[str]) -> list[Any]:
    from analysis.duplicates import find_duplicates

    return list(find_duplicates(texts, ids))


def themes(
    texts: Sequence[str],
    ids: Sequence[str | int] | None = None,
    *,
    n_themes: int | Literal["auto"] = "auto",
    random_state: int = 0,
    secondary_threshold: float = 0.25,
    summary_sentences: int = 3,
    n_quotes: int = 3,
    max_themes: int = 30,
    detect_duplicates: bool = True,
    progress: ProgressCallback | None = None,
    subthemes: bool = True,
    max_subthemes: int = 40,
    backend: Literal["light", "embeddings"] = "light",
) -> ThemeResult:
    """Cluster the answers to one question into a tree of themes and sub-themes, each with
    a title, a cited description, key phrases, a summary, quotes and sentiment.

    `texts` are the answers; `ids` their ids (default: row numbers "0", "1", ...; ids are
    returned as strings). `n_themes` is the number of top-level themes: "auto" (the
    elbow, between 2 and `max_themes`, capped by `top_level_ceiling`, fewer for small
    corpora) or a number an officer fixed. With `subthemes` each theme of 40 answers or
    more is split into sub-themes (at most `max_subthemes`, none when its answers do not
    separate); ids run 1..k for themes, then on through the sub-themes. An answer's
    `confidence` blends the mixture's posterior with its main theme's share of the
    answer's words; its `other_themes` are further themes explaining at least
    `secondary_threshold` of its words (with that share). Empty or non-committal answers
    get theme 0 (`NO_COMMENT_THEME`). `progress(fraction, message)` is called as the
    work advances. Same input and `random_state` give the same result.
    `backend="embeddings"` adds sentence embeddings to what the top level is clustered on
    (`analysis.embeddings`, optional packages in requirements-embeddings.txt; about 6 NMI
    points better on average in docs/analysis-embeddings.md, and far slower); where those
    packages are not installed it says so through `progress` and uses the light pipeline,
    and `ThemeResult.backend` says which ran.
    Raises ValueError when `ids` and `texts` differ in length or ids repeat, or for an
    unknown `backend`.
    """
    # One BLAS/OpenMP thread: measured on the shared 2-core server, threads spinning
    # against other processes made the SVD and k-means two to five times slower; with one
    # thread the result also does not depend on how many cores the machine has.
    with threadpool_limits(limits=1):
        return _themes(
            texts,
            ids,
            n_themes=n_themes,
            random_state=random_state,
            secondary_threshold=secondary_threshold,
            summary_sentences=summary_sentences,
            n_quotes=n_quotes,
            max_themes=max_themes,
            detect_duplicates=detect_duplicates,
            progress=progress,
            subthemes=subthemes,
            max_subthemes=max_subthemes,
            backend=backend,
        )


def _themes(
    texts: Sequence[str],
    ids: Sequence[str | int] | None,
    *,
    n_themes: int | Literal["auto"],
    random_state: int,
    secondary_threshold: float,
    summary_sentences: int,
    n_quotes: int,
    max_themes: int,
    detect_duplicates: bool,
    progress: ProgressCallback | None,
    subthemes: bool,
    max_subthemes: int,
    backend: str = "light",
) -> ThemeResult:
    report = progress or (lambda fraction, message: None)
    if backend not in ("light", "embeddings"):
        raise ValueError(f'backend must be "light" or "embeddings", not {backend!r}')
    texts = ["" if text is None else str(text) for text in texts]
    n = len(texts)
    ids = [str(i) for i in range(n)] if ids is None else [str(value) for value in ids]
    if len(ids) != n:
        raise ValueError(f"Got {n} texts but {len(ids)} ids.")
    if len(set(ids)) != n:
        raise ValueError("Answer ids must be unique.")
    if isinstance(n_themes, str) and n_themes != "auto":
        raise ValueError('n_themes must be "auto" or a whole number.')
    report(0.0, "Preparing answers")

    all_tokens = [tokenise(text) for text in texts]
    no_comment = [is_no_comment_tokens(tokens) for tokens in all_tokens]
    substantive = [i for i in range(n) if not no_comment[i]]

    # Duplicates and campaigns: cluster one representative per group, weighted.
    report(0.05, "Finding duplicates and campaigns")
    groups = []
    if detect_duplicates and len(substantive) > 1:
        groups = _duplicate_groups([texts[i] for i in substantive], [ids[i] for i in substantive])
    position = {ids[i]: i for i in range(n)}
    parent = list(range(n))
    for group in groups:
        members = [position[member] for member in group.ids if member in position]
        if not members:
            continue
        head = _root(parent, position.get(group.representative_id, members[0]))
        for member in members:
            root = _root(parent, member)
            if root != head:
                parent[root] = head
    units = [i for i in substantive if _root(parent, i) == i]
    unit_index = {row: u for u, row in enumerate(units)}
    weights = np.zeros(len(units))
    members_of: list[list[int]] = [[] for _ in units]
    for i in substantive:
        u = unit_index[_root(parent, i)]
        weights[u] += 1
        members_of[u].append(i)

    report(0.15, "Reading words and phrases")
    stemmer = Stemmer()
    unit_texts = [texts[i] for i in units]
    prepared = _prepare(unit_texts, stemmer, [all_tokens[i] for i in units])
    del all_tokens

    sentence_vectors = None
    if backend == "embeddings" and units:
        from analysis import embeddings

        if embeddings.available():
            report(0.2, "Reading meaning (sentence embeddings)")
            sentence_vectors = embeddings.embed(unit_texts)
        else:
            report(0.2, "Sentence embeddings are not installed: using the light pipeline")
            backend = "light"
    elif backend == "embeddings":
        backend = "light"

    report(0.25, "Clustering")
    if units:
        clusters = cluster_texts(
            prepared.content,
            weights,
            n_themes=n_themes,
            random_state=random_state,
            ceiling=max_themes,
            k_cap=top_level_ceiling(len(units), ceiling=max_themes),
            dimensions=200 if len(units) <= 50_000 else 100,
            sentence_vectors=sentence_vectors,
        )
        k = clusters.k
    else:
        clusters, k = None, 0

    report(0.5, "Labelling themes")
    labels = clusters.labels if clusters is not None else np.zeros(0, dtype=int)
    term_lists: list[list[tuple[str, ...]]] = []
    index: PhraseIndex | None = None
    keyphrases: list[list[str]] = [[] for _ in range(k)]
    stem_weights: list[dict[str, float]] = [{} for _ in range(k)]
    if clusters is not None:
        sample = _stable_sample(len(units), 30_000)
        phrases = detect_phrases(
            [prepared.stems[u] for u in sample], min_count=max(3, len(sample) // 5000)
        )
        index = PhraseIndex(phrases, stemmer)
        term_lists = [index.terms(prepared.tokens[u], prepared.stems[u]) for u in range(len(units))]
        keyphrases, stem_weights = _keyphrases(term_lists, labels, k, index, weights)

    report(0.6, "Measuring sentiment")
    from analysis.sentiment import sentiment_scores, sentiment_summary

    unit_scores = list(sentiment_scores(unit_texts)) if units else []
    scores = [0.0] * n
    for u, members in enumerate(members_of):
        for i in members:
            scores[i] = float(unit_scores[u])

    # Sub-themes: each theme's answers clustered again, on features of their own.
    report(0.68, "Finding sub-themes")
    splits: list[list[np.ndarray]] = [[] for _ in range(k)]
    sub_keyphrases: list[list[list[str]]] = [[] for _ in range(k)]
    sub_weights: list[list[dict[str, float]]] = [[] for _ in range(k)]
    if clusters is not None and subthemes:
        for c in range(k):
            members = np.flatnonzero(labels == c)
            parts = _split_theme(
                [prepared.content[u] for u in members],
                weights[members],
                random_state=random_state,
                ceiling=max_subthemes,
            )
            if parts is None:
                continue
            splits[c] = [members[part] for part in parts]
            local = np.full(len(members), -1)
            for position, part in enumerate(parts):
                local[part] = position
            assert index is not None
            sub_keyphrases[c], sub_weights[c] = _keyphrases(
                [term_lists[u] for u in members], local, len(parts), index, weights[members]
            )

    report(0.75, "Titling and summarising themes")
    splitter = (
        sentence_splitter(unit_texts[:: max(1, len(unit_texts) // 20_000)], max_chars=300_000)
        if units
        else None
    )
    cited = [tuple(ids[i] for i in members) for members in members_of]
    title_spans = TitleSpans(stemmer)

    def describe(
        node_id: int,
        members: np.ndarray,
        centre_of: np.ndarray,
        phrases: list[str],
        distinct: dict[str, float],
        avoid: set[str],
        n_sentences: int,
    ) -> Theme:
        """Title, description, summary, quotes and figures of one theme or sub-theme."""
        assert clusters is not None
        vectors = clusters.features.vectors
        centre = np.average(vectors[members], axis=0, weights=weights[members])
        centre /= max(np.linalg.norm(centre), 1e-12)
        centrality = (vectors[members] @ centre) * centre_of
        ranked = [int(u) for u in members[np.argsort(-centrality, kind="stable")]]
        summary = summarise(
            ranked[: 60 if node_id <= k else 20],
            unit_texts,
            cited,
            weights,
            centre,
            clusters.features.embed,
            lambda words: stemmer.stems(words, count=False),
            member_keys=[(text_key(unit_texts[u]), cited[u]) for u in ranked],
            splitter=splitter,
            n_sentences=n_sentences,
        )
        quotes = pick_quotes(
            ranked[:200], unit_texts, [ids[i] for i in units], vectors, n_quotes=n_quotes
        )
        central = ranked[: TITLE_ANSWERS if node_id <= k else SUBTHEME_TITLE_ANSWERS]
        title = make_title(
            [unit_texts[u] for u in central],
            distinct,
            title_spans,
            stem_sets=[prepared.stems[u] for u in central],
            required=_stems_of(phrases[0], stemmer) if phrases else (),
            fallback=phrases,
            avoid=avoid,
        )
        response_rows = sorted(i for u in members for i in members_of[u])
        return Theme(
            id=node_id,
            title=title,
            description=choose_description(summary, title, phrases, stemmer),
            keyphrases=tuple(phrases),
            response_ids=tuple(ids[i] for i in response_rows),
            size=len(response_rows),
            share=round(len(response_rows) / max(1, n), 4),
            sentiment=sentiment_summary([scores[i] for i in response_rows]),
            summary=summary,
            quotes=quotes,
        )

    theme_list: list[Theme] = []
    unit_subtheme = np.full(len(units), -1)
    next_id = k + 1
    top_titles: set[str] = set()
    for c in range(k):
        assert clusters is not None
        members = np.flatnonzero(labels == c)
        theme = describe(
            c + 1,
            members,
            clusters.probabilities[members, c],
            keyphrases[c],
            stem_weights[c],
            top_titles,
            summary_sentences,
        )
        top_titles.add(theme.title.lower())
        children: list[Theme] = []
        seen_titles = {theme.title.lower()}
        for position, part in enumerate(splits[c]):
            child = describe(
                next_id,
                part,
                clusters.probabilities[part, c],
                sub_keyphrases[c][position],
                sub_weights[c][position],
                seen_titles,
                min(summary_sentences, 1),
            )
            seen_titles.add(child.title.lower())
            children.append(replace(child, parent=theme.id))
            unit_subtheme[part] = next_id
            next_id += 1
        theme_list.append(replace(theme, subthemes=tuple(children)))

    assignments: list[Assignment] = [None] * n  # type: ignore[list-item]
    if clusters is not None:
        for u, members in enumerate(members_of):
            row = clusters.probabilities[u]
            shares = clusters.shares[u]
            main = int(labels[u])
            others = tuple(
                (int(c) + 1, round(float(shares[c]), 4))
                for c in np.argsort(-shares, kind="stable")
                if c != main and shares[c] >= secondary_threshold
            )
            sub = int(unit_subtheme[u]) if unit_subtheme[u] > 0 else None
            for i in members:
                assignments[i] = Assignment(
                    ids[i], main + 1, round(float(row[main]), 4), others, round(scores[i], 4), sub
                )
    for i in range(n):
        if no_comment[i]:
            assignments[i] = Assignment(ids[i], NO_COMMENT_THEME, 1.0, (), 0.0)
    report(1.0, "Done")
    substantive_scores = [scores[i] for i in substantive]
    return ThemeResult(
        themes=tuple(theme_list),
        assignments=tuple(assignments),
        duplicates=tuple(groups),
        no_comment_ids=tuple(ids[i] for i in range(n) if no_comment[i]),
        n_themes_chosen=k,
        sentiment=sentiment_summary(substantive_scores) if substantive_scores else {},
        backend=backend,
    )


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
    scored = class_term_scores(term_lists, labels, k, weights=weights)
    phrases = class_keyphrases(term_lists, labels, k, index, weights=weights, scored=scored)
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


def _root(parent: list[int], i: int) -> int:
    """Union-find root of `i`, halving the path as it goes."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
