"""Exact duplicates, near-duplicates and campaigns (analysis/duplicates.py)."""

import pytest

from analysis.duplicates import DuplicateGroup, find_duplicates

TEMPLATE = (
    "Dear council, I object to the new flats on {street} because of the extra traffic "
    "and the loss of green space for our children. Regards, {name}"
)
BUS = "The number 12 bus is unreliable in the mornings and should run every ten minutes."


def kinds(groups):
    return sorted((group.kind, group.count) for group in groups)


def test_exact_duplicates_ignore_case_whitespace_and_punctuation():
    texts = ["More bins, please!", "more   bins please", "MORE BINS PLEASE.", "Fewer cars"]
    groups = find_duplicates(texts)
    assert groups == [DuplicateGroup(("0", "1", "2"), "exact", 3, "0")]
    assert groups[0].as_dict() == {
        "ids": ["0", "1", "2"],
        "kind": "exact",
        "count": 3,
        "representative_id": "0",
    }


def test_near_duplicates_with_a_small_edit():
    texts = [BUS, "Libraries need longer hours.", BUS.replace("ten", "10"), "Parks are fine."]
    groups = find_duplicates(texts, ids=["a", "b", "c", "d"])
    assert len(groups) == 1
    assert groups[0].kind == "near"
    assert groups[0].ids == ("a", "c")
    assert groups[0].representative_id in {"a", "c"}


def test_campaign_variants_are_one_group_with_their_count():
    names = ["John", "Mary", "Ahmed", "Sue", "Tom", "Priya"]
    streets = ["Mill Lane", "Mill Lane", "Park Road", "Mill Lane", "Elm Grove", "Mill Lane"]
    texts = [TEMPLATE.format(street=s, name=n) for s, n in zip(streets, names, strict=True)]
    texts[3] = texts[3].replace("Regards", "My kids play there every day. Regards")
    texts += [BUS, "I agree", "Something else about the library opening hours entirely."]
    groups = find_duplicates(texts)
    assert kinds(groups) == [("campaign", 6)]
    assert groups[0].ids == tuple(str(i) for i in range(6))


def test_small_template_group_below_campaign_size_is_not_a_campaign():
    texts = [TEMPLATE.format(street="Mill Lane", name=n) for n in ["Jo", "Al", "Bo"]]
    groups = find_duplicates(texts, min_campaign_size=5)
    assert [group.kind for group in groups] == ["near"]
    assert groups[0].count == 3
    assert find_duplicates(texts, min_campaign_size=3)[0].kind == "campaign"


def test_identical_long_text_sent_many_times_is_a_campaign():
    texts = [BUS] * 6 + ["I agree"] * 6
    assert kinds(find_duplicates(texts)) == [("campaign", 6), ("exact", 6)]


def test_short_generic_answers_do_not_chain():
    texts = ["I agree", "I agree.", "i disagree", "I agree!", "Agree", "no", "No.", "yes", "Yes"]
    texts += ["I agree with this", "I disagree with this", "I agree with that"]
    groups = find_duplicates(texts)
    assert kinds(groups) == [("exact", 2), ("exact", 2), ("exact", 3)]
    assert max(group.count for group in groups) == 3


def test_members_must_resemble_the_representative_not_just_a_neighbour():
    # Each text differs a little from the previous one; the ends are unrelated.
    words = [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "the",
        "lazy",
        "dog",
        "near",
        "the",
        "old",
        "mill",
        "by",
        "the",
        "river",
    ]
    replacements = [
        "a",
        "slow",
        "red",
        "cat",
        "sits",
        "under",
        "every",
        "busy",
        "frog",
        "far",
        "from",
        "new",
        "farms",
        "at",
        "some",
        "lake",
    ]
    chain = []
    current = list(words)
    for index in range(len(words)):
        current[index] = replacements[index]
        chain.append(" ".join(current))
    groups = find_duplicates(chain, near_threshold=0.8, min_campaign_size=100)
    for group in groups:
        members = [int(i) for i in group.ids]
        assert max(members) - min(members) < len(words) // 2


def test_every_id_is_in_at_most_one_group_and_results_are_deterministic():
    texts = [TEMPLATE.format(street="Mill Lane", name=n) for n in ["A", "B", "C", "D", "E"]]
    texts += [BUS, BUS.upper(), BUS.replace("ten", "10"), "I agree", "i agree", ""] * 2
    first = find_duplicates(texts)
    ids = [i for group in first for i in group.ids]
    assert len(ids) == len(set(ids))
    assert all(group.count == len(group.ids) >= 2 for group in first)
    assert first == find_duplicates(list(texts))
    assert "10" not in ids and "16" not in ids  # empty answers are never grouped


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        find_duplicates(["a", "b"], ids=["x"])
    with pytest.raises(ValueError):
        find_duplicates(["a", "b"], ids=["x", "x"])
    assert find_duplicates([]) == []
