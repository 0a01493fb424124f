"""The coding frame of `analysis/`: officers' approved themes, applied to new answers.

After officers review themes (rename, merge, split, move answers), the approved
assignments train a classifier: stemmed word and phrase TF-IDF plus character n-grams (for
misspellings) into a multinomial logistic regression with balanced class weights, whose
probabilities are the confidences. An answer whose best confidence is below `threshold`
is flagged for a person. Works with themes that have a single example (no
cross-validation is needed to calibrate a logistic regression).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analysis.text import Stemmer, content_tokens, is_no_comment, normalise, tokenise

__all__ = ["Coded", "CodingFrame"]


@dataclass(frozen=True)
class Coded:
    """The theme given to one answer, how sure, and whether a person should check it.

    `theme` is None for an answer with nothing to code (empty, "n/a", "no comment").
    `subtheme` is the approved sub-theme of that theme it belongs to (None when the frame
    was fitted without sub-themes or the theme has none), with `subtheme_confidence`.
    """

    theme: str | int | None
    confidence: float
    needs_review: bool
    alternatives: tuple[tuple[str | int, float], ...] = ()
    subtheme: str | int | None = None
    subtheme_confidence: float | None = None

    def as_dict(self) -> dict:
        return {
            "theme": self.theme,
            "confidence": self.confidence,
            "needs_review": self.needs_review,
            "alternatives": [list(pair) for pair in self.alternatives],
            "subtheme": self.subtheme,
            "subtheme_confidence": self.subtheme_confidence,
        }


class _Analyzer:
    """Content stems plus adjacent stem pairs (picklable, unlike a lambda)."""

    def __init__(self) -> None:
        self.stemmer = Stemmer()

    def __call__(self, text: str) -> list[str]:
        stems = self.stemmer.stems(content_tokens(tokenise(text)), count=False)
        return stems + [f"{a} {b}" for a, b in pairwise(stems)]


class CodingFrame:
    """A classifier from approved theme assignments to new answers.

    >>> frame = CodingFrame(threshold=0.6).fit(texts, labels)   # labels: theme per text
    >>> frame.code(["The buses never come"])[0].theme

    `threshold`: below this confidence an answer `needs_review`. `C`: inverse
    regularisation of the logistic regression. Deterministic (no randomness is used).

    With `subtheme_labels` (the approved sub-theme of each answer, None where there is
    none), each theme with two or more approved sub-themes gets a frame of its own, and
    an answer coded into that theme is coded into one of its sub-themes too (it needs
    review when either confidence is below `threshold`). A theme with one approved
    sub-theme codes into it with the theme's confidence.
    """

    def __init__(self, *, threshold: float = 0.5, C: float = 5.0) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must be between 0 and 1")
        self.threshold = threshold
        self.C = C
        self.themes_: tuple[str | int, ...] = ()
        self._words: TfidfVectorizer | None = None
        self._characters: TfidfVectorizer | None = None
        self._model: LogisticRegression | None = None
        self._subframes: dict[str | int, CodingFrame | str | int] = {}

    def fit(
        self,
        texts: Sequence[str],
        theme_labels: Sequence[str | int],
        subtheme_labels: Sequence[str | int | None] | None = None,
    ) -> CodingFrame:
        """Learn from answers and their approved themes (and sub-themes); returns self.

        Answers labelled None or with nothing to code are left out. Raises ValueError when
        the lengths differ or nothing is left to learn from.
        """
        if len(texts) != len(theme_labels):
            raise ValueError(f"Got {len(texts)} texts but {len(theme_labels)} theme labels.")
        if subtheme_labels is not None and len(subtheme_labels) != len(texts):
            raise ValueError(f"Got {len(texts)} texts but {len(subtheme_labels)} sub-theme labels.")
        self._subframes = {}
        if subtheme_labels is not None:
            by_theme: dict[str | int, tuple[list[str], list[str | int]]] = {}
            for text, theme, sub in zip(texts, theme_labels, subtheme_labels, strict=True):
                if theme is not None and sub is not None and not is_no_comment(text):
                    by_theme.setdefault(theme, ([], []))[0].append(text)
                    by_theme[theme][1].append(sub)
            for theme, (sub_texts, subs) in by_theme.items():
                if len(set(subs)) == 1:
                    self._subframes[theme] = subs[0]
                else:
                    frame = CodingFrame(threshold=self.threshold, C=self.C)
                    self._subframes[theme] = frame.fit(sub_texts, subs)
        pairs = [
            (normalise(text), label)
            for text, label in zip(texts, theme_labels, strict=True)
            if label is not None and not is_no_comment(text)
        ]
        if not pairs:
            raise ValueError("No coded answers to learn from.")
        train_texts = [text for text, _ in pairs]
        labels = [label for _, label in pairs]
        self.themes_ = tuple(sorted(set(labels), key=lambda value: (str(type(value)), value)))
        self._words = TfidfVectorizer(analyzer=_Analyzer(), sublinear_tf=True)
        self._characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True, min_df=1
        )
        features = self._features(train_texts, fit=True)
        if len(self.themes_) > 1:
            self._model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
            index = {theme: i for i, theme in enumerate(self.themes_)}
            self._model.fit(features, [index[label] for label in labels])
        return self

    def _features(self, texts: list[str], *, fit: bool = False) -> sparse.csr_matrix:
        assert self._words is not None and self._characters is not None
        if fit:
            try:
                words = self._words.fit_transform(texts)
            except ValueError:  # no content words at all: characters only
                self._words = None
                return self._characters.fit_transform(texts).tocsr()
            return sparse.hstack([words, 0.5 * self._characters.fit_transform(texts)]).tocsr()
        characters = self._characters.transform(texts)
        if self._words is None:
            return characters.tocsr()
        return sparse.hstack([self._words.transform(texts), 0.5 * characters]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each theme (columns in `themes_` order) for each answer."""
        if not self.themes_:
            raise ValueError("The coding frame has not been fitted.")
        texts = [normalise(text) for text in texts]
        if len(self.themes_) == 1:
            return np.ones((len(texts), 1))
        assert self._model is not None
        probabilities = self._model.predict_proba(self._features(texts))
        full = np.zeros((len(texts), len(self.themes_)))
        full[:, self._model.classes_] = probabilities
        return full

    def code(self, texts: Sequence[str]) -> list[Coded]:
        """The most likely theme of each answer, with confidence and a review flag."""
        texts = list(texts)
        if not texts:
            return []
        probabilities = self.probabilities(texts)
        coded = []
        for text, row in zip(texts, probabilities, strict=True):
            if is_no_comment(text):
                coded.append(Coded(None, 1.0, False))
                continue
            order = np.argsort(-row, kind="stable")
            best = int(order[0])
            confidence = round(float(row[best]), 4)
            alternatives = tuple(
                (self.themes_[int(j)], round(float(row[j]), 4)) for j in order[1:3] if row[j] > 0
            )
            coded.append(
                Coded(self.themes_[best], confidence, confidence < self.threshold, alternatives)
            )
        if self._subframes:
            coded = self._code_subthemes(texts, coded)
        return coded

    def _code_subthemes(self, texts: list[str], coded: list[Coded]) -> list[Coded]:
        """Code each answer into a sub-theme of the theme it was coded into."""
        result = list(coded)
        by_theme: dict[str | int, list[int]] = {}
        for position, item in enumerate(coded):
            if item.theme is not None and item.theme in self._subframes:
                by_theme.setdefault(item.theme, []).append(position)
        for theme, positions in by_theme.items():
            sub = self._subframes[theme]
            if isinstance(sub, CodingFrame):
                inner = sub.code([texts[p] for p in positions])
            else:
                inner = [Coded(sub, coded[p].confidence, False) for p in positions]
            for position, sub_coded in zip(positions, inner, strict=True):
                item = coded[position]
                result[position] = replace(
                    item,
                    subtheme=sub_coded.theme,
                    subtheme_confidence=sub_coded.confidence,
                    needs_review=item.needs_review or sub_coded.confidence < self.threshold,
                )
        return result
