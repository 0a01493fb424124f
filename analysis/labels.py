"""Theme labels for `analysis/`: key phrases a person would write, by class-based TF-IDF.

Terms are content-word stems and detected phrases ("bus frequency", "cost of parking");
each is shown in the surface form people used most. A term scores high for a theme when
it is frequent inside the theme and rare across the others (c-TF-IDF: the term's share of
the theme's words times log(1 + mean words per theme / the term's count overall)).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain, pairwise

import numpy as np
from scipy import sparse

from analysis.text import STOP_WORDS, Stemmer

__all__ = [
    "WEAK_WORDS",
    "PhraseIndex",
    "class_keyphrases",
    "class_term_scores",
    "label_from_keyphrases",
]

# Words people use to fill a sentence, not to name its subject: never a one-word key phrase,
# and never the first or last word of one ("idea as long", "children not just"). They still
# count for clustering; this is only about what a label may say.
WEAK_WORDS = frozenset(
    [
        "absolutely",
        "actually",
        "bad",
        "best",
        "better",
        "bit",
        "could",
        "definitely",
        "even",
        "feel",
        "feels",
        "get",
        "gets",
        "getting",
        "good",
        "got",
        "great",
        "idea",
        "ideas",
        "just",
        "know",
        "like",
        "liked",
        "look",
        "looks",
        "lot",
        "lots",
        "make",
        "makes",
        "making",
        "maybe",
        "mean",
        "means",
        "much",
        "need",
        "needed",
        "needs",
        "nice",
        "pretty",
        "probably",
        "quite",
        "really",
        "say",
        "said",
        "should",
        "still",
        "sure",
        "thing",
        "things",
        "think",
        "thinks",
        "truly",
        "very",
        "want",
        "wanted",
        "wants",
        "way",
        "ways",
        "well",
        "would",
        "yes",
    ]
)


class PhraseIndex:
    """Finds the terms (content stems and known phrases) in tokenised answers.

    `phrases` are tuples of stems (from `analysis.text.detect_phrases` run on stems).
    `display(term)` gives the most common surface wording of a term.
    """

    def __init__(self, phrases: Sequence[tuple[str, ...]], stemmer: Stemmer) -> None:
        self.stemmer = stemmer
        weak = {stemmer.stem(word) for word in WEAK_WORDS} | set(WEAK_WORDS)
        phrases = [p for p in phrases if p[0] not in weak and p[-1] not in weak]
        self.bigrams = {phrase for phrase in phrases if len(phrase) == 2}
        self.trigrams = {phrase for phrase in phrases if len(phrase) == 3}
        self._surface: dict[tuple[str, ...], Counter[str]] = {}
        self._label_word = _LabelWords(stemmer.stop_words)

    def terms(self, tokens: Sequence[str], stems: Sequence[str]) -> list[tuple[str, ...]]:
        """Unigram content stems and phrases of one answer, each once per answer."""
        flags = self._label_word
        found = {(stem,) for token, stem in zip(tokens, stems, strict=True) if flags[token]}
        if self.bigrams and len(stems) > 1:
            hits = self.bigrams.intersection(pairwise(stems))
            if hits:
                found.update(hits)
                for index, pair in enumerate(pairwise(stems)):
                    if pair in hits:
                        self._remember(pair, tokens[index : index + 2])
        if self.trigrams and len(stems) > 2:
            hits = self.trigrams.intersection(zip(stems, stems[1:], stems[2:], strict=False))
            if hits:
                found.update(hits)
                for index, triple in enumerate(zip(stems, stems[1:], stems[2:], strict=False)):
                    if triple in hits:
                        self._remember(triple, tokens[index : index + 3])
        return sorted(found)

    def _remember(self, phrase: tuple[str, ...], tokens: Sequence[str]) -> None:
        self._surface.setdefault(phrase, Counter())[" ".join(tokens)] += 1

    def display(self, term: tuple[str, ...]) -> str:
        """The surface form of a term: the most frequent wording seen for it."""
        if len(term) == 1:
            return self.stemmer.display(term[0])
        forms = self._surface.get(term)
        if not forms:
            return " ".join(self.stemmer.display(stem) for stem in term)
        return forms.most_common(1)[0][0]


class _LabelWords(dict[str, bool]):
    """token → whether its stem is a one-word term; worked out once per distinct token."""

    def __init__(self, stop_words: frozenset[str] = STOP_WORDS) -> None:
        super().__init__()
        self.stop_words = stop_words

    def __missing__(self, token: str) -> bool:
        flag = self[token] = (
            len(token) > 1
            and token not in self.stop_words
            and token not in WEAK_WORDS
            and not token.isdigit()
        )
        return flag


def class_term_scores(
    term_lists: Sequence[Sequence[tuple[str, ...]]],
    classes: Sequence[int],
    n_classes: int,
    *,
    weights: Sequence[float] | None = None,
    phrase_boost: float = 1.5,
) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The terms seen and their class-based TF-IDF score per class (n_classes × terms).

    Arguments as for `class_keyphrases`. Phrases get `phrase_boost`; a term seen in a
    single answer of a class keeps a tenth of its score there.
    """
    labels = np.asarray(classes, dtype=np.int64).reshape(-1)
    kept = np.flatnonzero(labels >= 0)
    lengths = np.fromiter((len(term_lists[i]) for i in kept), dtype=np.int64, count=len(kept))
    vocabulary: dict[tuple[str, ...], int] = {}
    cols = [
        vocabulary.setdefault(term, len(vocabulary))
        for term in chain.from_iterable(term_lists[i] for i in kept)
    ]
    if not vocabulary:
        return [], np.zeros((n_classes, 0))
    rows = np.repeat(labels[kept], lengths)
    weight = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)
    values = np.repeat(weight[kept], lengths)
    counts = sparse.csr_matrix(
        (values, (rows, cols)), shape=(n_classes, len(vocabulary)), dtype=np.float64
    ).toarray()
    # Support in documents per class, unweighted, to keep one loud answer from labelling.
    support = sparse.csr_matrix(
        (np.ones(len(values)), (rows, cols)), shape=(n_classes, len(vocabulary))
    ).toarray()
    totals = counts.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    average = counts.sum() / max(1, n_classes)
    overall = counts.sum(axis=0)
    overall[overall == 0] = 1.0
    scores = (counts / totals) * np.log1p(average / overall)
    terms = list(vocabulary)
    term_lengths = np.array([len(term) for term in terms])
    scores = scores * np.where(term_lengths > 1, phrase_boost, 1.0)
    scores[support < 2] *= 0.1  # seen in one answer only: keep as a last resort
    return terms, scores


def class_keyphrases(
    term_lists: Sequence[Sequence[tuple[str, ...]]],
    classes: Sequence[int],
    n_classes: int,
    index: PhraseIndex,
    *,
    weights: Sequence[float] | None = None,
    top: int = 6,
    phrase_boost: float = 1.5,
    scored: tuple[list[tuple[str, ...]], np.ndarray] | None = None,
) -> list[list[str]]:
    """Top `top` key phrases (surface form) for each class 0..n_classes-1, best first.

    `term_lists[i]` are the terms of answer i (from `PhraseIndex.terms`), `classes[i]` its
    class (negative = ignored), `weights[i]` how many people sent it. Phrases get a mild
    boost, and a single word already inside a chosen phrase is skipped. `scored` is the
    result of `class_term_scores` on the same arguments, when the caller has it.
    """
    terms, scores = scored or class_term_scores(
        term_lists, classes, n_classes, weights=weights, phrase_boost=phrase_boost
    )
    if not terms:
        return [[] for _ in range(n_classes)]
    vocabulary = {term: j for j, term in enumerate(terms)}
    result: list[list[str]] = []
    for label in range(n_classes):
        order = np.argsort(-scores[label], kind="stable")
        chosen: list[tuple[str, ...]] = []
        for column in order:
            if scores[label, column] <= 0 or len(chosen) >= top:
                break
            term = terms[column]
            clash = [j for j, other in enumerate(chosen) if _overlaps(term, other)]
            if not clash:
                chosen.append(term)
            elif len(term) > 1 and all(len(chosen[j]) == 1 for j in clash):
                # A phrase beats the single word it contains ("bus frequency" over "bus")
                # when it is reasonably strong itself.
                best_word = max(scores[label, vocabulary[chosen[j]]] for j in clash)
                if scores[label, column] >= 0.3 * best_word:
                    chosen[clash[0]] = term
                    for j in reversed(clash[1:]):
                        del chosen[j]
        seen: set[str] = set()
        phrases = []
        for term in chosen:
            text = index.display(term)
            if text not in seen:
                seen.add(text)
                phrases.append(text)
        result.append(phrases)
    return result


def _overlaps(term: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """True when one term is contained in the other ("bus" in "bus frequency")."""
    shorter, longer = (term, other) if len(term) <= len(other) else (other, term)
    if len(shorter) == len(longer):
        return shorter == longer
    content = [stem for stem in shorter if stem not in STOP_WORDS]
    return all(stem in longer for stem in content)


def label_from_keyphrases(keyphrases: Sequence[str], *, fallback: str = "Other") -> str:
    """A short human label: the top one or two key phrases, first letter capitalised."""
    if not keyphrases:
        return fallback
    label = ", ".join(keyphrases[:2])
    return label[0].upper() + label[1:]
