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


def test_answers_are_coded_into_approved_subthemes():
    texts, themes_, subs = [], [], []
    for theme, sub, answers in [
        ("transport", "buses", [*TRAIN["transport"][:3], "The bus is late again"]),
        ("transport", "active travel", [*TRAIN["transport"][3:], "Safer cycle routes to school"]),
        ("parks", None, TRAIN["parks"]),
        ("bins", "weekly", TRAIN["bins"]),
    ]:
        texts += answers
        themes_ += [theme] * len(answers)
        subs += [sub] * len(answers)
    frame = CodingFrame(threshold=0.3).fit(texts, themes_, subs)
    bus, cycle, park, bin_ = frame.code(
        ["buses late every morning", "a cycle lane on the high street", "park benches", "bins"]
    )
    assert (bus.theme, bus.subtheme) == ("transport", "buses")
    assert (cycle.theme, cycle.subtheme) == ("transport", "active travel")
    assert park.theme == "parks" and park.subtheme is None
    assert bin_.theme == "bins" and bin_.subtheme == "weekly"
    assert bus.as_dict()["subtheme_confidence"] == bus.subtheme_confidence > 0.3


def test_subtheme_labels_must_match_the_texts():
    with pytest.raises(ValueError, match="sub-theme labels"):
        CodingFrame().fit(["a bus", "a park"], ["t", "p"], ["x"])
