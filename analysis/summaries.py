"""Cited extractive summaries and representative quotes for themes in `analysis/`.

A summary is 2–4 sentences taken from the answers themselves, chosen for centrality (close
to the theme's centre) and diversity (maximal marginal relevance), each citing every
answer that contains it or a near-identical sentence. Quotes are whole answers, central
and not near-duplicates of one another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.text import content_tokens, split_sentences, tokenise

__all__ = ["Quote", "SummarySentence", "pick_quotes", "summarise", "text_key"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class SummarySentence:
    """One summary sentence and the ids of the answers it came from."""

    sentence: str
    response_ids: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"sentence": self.sentence, "response_ids": list(self.response_ids)}


@dataclass(frozen=True)
class Quote:
    """A representative answer, quoted whole, with its id."""

    id: str
    text: str

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text}


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def text_key(text: str) -> str:
    """Lower-case words of `text` separated by single spaces, padded: for containment."""
    return f" {_key(text)} "


def summarise(
    candidates: Sequence[int],
    texts: Sequence[str],
    cited_ids: Sequence[Sequence[str]],
    weights: Sequence[float],
    centroid: np.ndarray,
    embed: Callable[[list[list[str]]], np.ndarray],
    stem: Callable[[list[str]], list[str]],
    *,
    member_keys: Sequence[tuple[str, Sequence[str]]] = (),
    splitter=None,
    n_sentences: int = 3,
    diversity: float = 0.3,
    near_identical: float = 0.9,
) -> tuple[SummarySentence, ...]:
    """Pick up to `n_sentences` sentences from answers `candidates` (indices into `texts`).

    `cited_ids[i]` are the ids an answer i speaks for (itself and its duplicates),
    `weights[i]` how many people sent it, `centroid` the theme's unit vector, `embed` maps
    lists of stems to unit vectors in the same space, `stem` maps tokens to stems.
    `member_keys` are (normalised text, ids) of every answer of the theme: a chosen
    sentence also cites every member whose text contains it word for word (build the
    keys with `text_key`).
    """
    sentences: list[str] = []
    owners: list[int] = []
    stems: list[list[str]] = []
    for index in candidates:
        for sentence in split_sentences(texts[index], splitter):
            words = content_tokens(tokenise(sentence))
            if len(words) < 2 or len(sentence.split()) > 60:
                continue
            sentences.append(sentence)
            owners.append(index)
            stems.append(stem(words))
    if not sentences:
        return ()
    vectors = embed(stems)
    boost = np.array([1.0 + 0.1 * np.log(max(1.0, weights[owner])) for owner in owners])
    relevance = (vectors @ centroid) * boost
    similarity = vectors @ vectors.T
    chosen: list[int] = []
    citations: list[set[str]] = []
    order = list(np.argsort(-relevance, kind="stable"))
    merged = np.zeros(len(sentences), dtype=bool)
    keys = [_key(sentence) for sentence in sentences]
    while len(chosen) < n_sentences:
        best, best_score = -1, -np.inf
        for i in order:
            if merged[i]:
                continue
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            score = (1 - diversity) * relevance[i] - diversity * redundancy
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        same = [
            j
            for j in range(len(sentences))
            if not merged[j] and (keys[j] == keys[best] or similarity[best, j] >= near_identical)
        ]
        cited: set[str] = set()
        for j in same:
            merged[j] = True
            cited.update(cited_ids[owners[j]])
        if len(keys[best]) >= 12:
            needle = f" {keys[best]} "
            for member_text, member_ids in member_keys:
                if needle in member_text:
                    cited.update(member_ids)
        citations.append(cited)
    return tuple(
        SummarySentence(sentences[i], tuple(sorted(cited, key=_natural)))
        for i, cited in zip(chosen, citations, strict=True)
    )


def pick_quotes(
    candidates: Sequence[int],
    texts: Sequence[str],
    ids: Sequence[str],
    vectors: np.ndarray,
    *,
    n_quotes: int = 3,
    near_duplicate: float = 0.8,
    max_words: int = 80,
) -> tuple[Quote, ...]:
    """Up to `n_quotes` answers from `candidates` (best first), none a near-duplicate.

    `vectors` are unit vectors of all answers; two quotes with cosine ≥ `near_duplicate` or
    the same words are near-duplicates. Very short and very long answers are used only
    when nothing else is left.
    """
    chosen: list[int] = []
    keys: set[str] = set()
    for relaxed in (False, True):
        for index in candidates:
            if len(chosen) >= n_quotes:
                break
            if index in chosen:
                continue
            words = len(texts[index].split())
            if not relaxed and (
                len(content_tokens(tokenise(texts[index]))) < 3 or words > max_words
            ):
                continue
            key = _key(texts[index])
            if key in keys:
                continue
            if any(float(vectors[index] @ vectors[j]) >= near_duplicate for j in chosen):
                continue
            chosen.append(index)
            keys.add(key)
    return tuple(Quote(ids[i], texts[i]) for i in chosen)


def _natural(value: str) -> tuple:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)
