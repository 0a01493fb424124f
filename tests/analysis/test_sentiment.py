"""Sentiment scores and their summary (analysis/sentiment.py)."""

import pytest

from analysis.sentiment import sentiment_scores, sentiment_summary


def test_scores_have_the_sign_of_clear_sentences():
    scores = sentiment_scores(
        [
            "I love the new park, it is wonderful and the staff are great!",
            "This plan is terrible, a disgusting waste of money and I hate it.",
            "The meeting is on Tuesday at the town hall.",
        ]
    )
    assert len(scores) == 3
    assert scores[0] > 0.5
    assert scores[1] < -0.5
    assert -0.05 < scores[2] < 0.05
    assert all(-1.0 <= score <= 1.0 for score in scores)


def test_empty_texts_are_neutral_and_order_is_kept():
    scores = sentiment_scores(["", "   ", "Great!", "Awful!", "Great!"])
    assert scores[:2] == [0.0, 0.0]
    assert scores[2] > 0 > scores[3]
    assert scores[4] == scores[2]


def test_summary_uses_vaders_thresholds():
    summary = sentiment_summary([0.6, 0.05, 0.0, 0.04, -0.05, -0.9])
    assert summary["positive"] == pytest.approx(2 / 6)
    assert summary["neutral"] == pytest.approx(2 / 6)
    assert summary["negative"] == pytest.approx(2 / 6)
    assert summary["mean"] == pytest.approx((0.6 + 0.05 + 0.04 - 0.05 - 0.9) / 6)


def test_summary_of_nothing_is_zero():
    assert sentiment_summary([]) == {"mean": 0.0, "positive": 0.0, "neutral": 0.0, "negative": 0.0}
