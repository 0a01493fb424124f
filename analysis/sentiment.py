"""Sentiment of free-text answers (the `analysis/` library: pure, no app imports).

Scores come from VADER, a lexicon and rule-based model tuned for short, informal
text. NLTK's downloader cannot reach its data here, so the analyser is the one shipped
with the `vaderSentiment` package, which carries its own lexicon. It is built once, on
first use, and shared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# VADER's own convention: compound >= 0.05 is positive, <= -0.05 negative, else neutral.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


@lru_cache(maxsize=1)
def _analyser() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment_scores(texts: Sequence[str]) -> list[float]:
    """VADER compound score (-1 most negative .. 1 most positive) for each text, in order.

    Empty or missing texts score 0.0 (neutral). Identical texts are scored once.
    """
    analyser = _analyser()
    cache: dict[str, float] = {}
    scores: list[float] = []
    for text in texts:
        if not text or not isinstance(text, str) or not text.strip():
            scores.append(0.0)
            continue
        score = cache.get(text)
        if score is None:
            score = float(analyser.polarity_scores(text)["compound"])
            cache[text] = score
        scores.append(score)
    return scores


def sentiment_summary(scores: Sequence[float]) -> dict[str, float]:
    """Mean compound score and the shares of positive, neutral and negative texts.

    Uses VADER's thresholds (>= 0.05 positive, <= -0.05 negative). NaN scores are ignored;
    with no scores every figure is 0.0.
    """
    values = [float(score) for score in scores if not math.isnan(float(score))]
    if not values:
        return {"mean": 0.0, "positive": 0.0, "neutral": 0.0, "negative": 0.0}
    total = len(values)
    positive = sum(1 for value in values if value >= POSITIVE_THRESHOLD)
    negative = sum(1 for value in values if value <= NEGATIVE_THRESHOLD)
    return {
        "mean": sum(values) / total,
        "positive": positive / total,
        "neutral": (total - positive - negative) / total,
        "negative": negative / total,
    }
