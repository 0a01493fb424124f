"""Coding frame: approved themes train a classifier that codes new answers."""

import pytest

from analysis.coding import CodingFrame

TRAIN = {
    "transport": [
        "The buses are always late",
        "Bus fares are too expensive",
        "We need more buses in the evening",
        "The train station needs step-free access",
        "Cycle lanes on the high street please",
    ],
    "parks": [
        "The park playground is broken",
        "More trees and benches in the park",
        "Keep the parks clean and free of litter",
        "The park gates close too early",
    ],
    "bins": [
        "Bin collection is missed every week",
        "Recycling bins overflow",
        "Bring back weekly bin collection",
    ],
    "library": ["Keep the library open on Sundays"],  # a theme with one example
}


@pytest.fixture(scope="module")
def frame():
    texts = [text for answers in TRAIN.values() for text in answers]
    labels = [theme for theme, answers in TRAIN.items() for _ in answers]
    return CodingFrame(threshold=0.5).fit(texts, labels)


def test_new_answers_are_coded_to_the_right_theme(frame):
    coded = frame.code(
        ["the bus never comes on time", "litter in the park", "my recycling bin was not emptied"]
    )
    assert [c.theme for c in coded] == ["transport", "parks", "bins"]
    assert all(0 < c.confidence <= 1 for c in coded)


def test_a_theme_with_one_example_can_still_be_predicted(frame):
    assert frame.code(["Please keep the library open"])[0].theme == "library"


def test_training_answers_round_trip(frame):
    texts = [text for answers in TRAIN.values() for text in answers]
    labels = [theme for theme, answers in TRAIN.items() for _ in answers]
    assert [c.theme for c in frame.code(texts)] == labels


def test_low_confidence_answers_are_flagged_for_review(frame):
    unclear = frame.code(["I would like to say something about the council tax"])[0]
    assert unclear.needs_review
    strict = CodingFrame(threshold=0.99).fit(
        [t for a in TRAIN.values() for t in a], [k for k, a in TRAIN.items() for _ in a]
    )
    assert strict.code(["the buses are late"])[0].needs_review


def test_no_comment_answers_get_no_theme(frame):
    coded = frame.code(["n/a"])[0]
    assert coded.theme is None and not coded.needs_review


def test_single_theme_and_bad_input():
    frame = CodingFrame().fit(["buses late", "buses slow"], ["transport", "transport"])
    assert frame.code(["more buses"])[0].theme == "transport"
    with pytest.raises(ValueError):
        CodingFrame().fit(["a"], ["x", "y"])
    with pytest.raises(ValueError):
        CodingFrame().code(["unfitted"])
    with pytest.raises(ValueError):
        CodingFrame(threshold=2)


def test_coding_is_deterministic():
    texts = [text for answers in TRAIN.values() for text in answers]
    labels = [theme for theme, answers in TRAIN.items() for _ in answers]
    first = CodingFrame().fit(texts, labels).code(["buses and parks"])
    second = CodingFrame().fit(texts, labels).code(["buses and parks"])
    assert first == second
