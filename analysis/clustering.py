"""Text features and clustering for `analysis.themes`: stemmed TF-IDF with sublinear term
frequency → LSA (truncated SVD) → unit-length k-means, the number of themes at the elbow
of the inertia curve (`choose_k`), refined by a few EM rounds of a multinomial mixture on
word counts (`_refine_mixture`). `cluster_texts` is the entry point; `analysis.ideas` uses
the same features for the live idea board.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

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
