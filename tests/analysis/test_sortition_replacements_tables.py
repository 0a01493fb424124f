"""Replacements keep quotas and are drawn fairly; tables are even, diverse and remixed; legacy."""

from __future__ import annotations

import pytest

from analysis.sortition import (
    Categories,
    Quota,
    ReplacementError,
    Respondent,
    allocate_tables,
    replace_member,
    replacement_candidates,
    select_panel,
    table_report,
)

CATS = Categories(
    (
        Quota("g", "f", 2, 2),
        Quota("g", "m", 2, 2),
        Quota("age", "young", 1, 3),
        Quota("age", "old", 1, 3),
    )
)


def person(pid, g, age, home=""):
    return Respondent(pid, {"g": g, "age": age}, {"home": home})


POOL = [
    person("f1", "f", "young"),
    person("f2", "f", "old"),
    person("f3", "f", "young"),
    person("f4", "f", "old"),
    person("m1", "m", "young"),
    person("m2", "m", "old"),
    person("m3", "m", "old"),
    person("m4", "m", "young"),
]
PANEL = ["f1", "f2", "m1", "m2"]


def quotas_hold(panel, pool=POOL):
    by_id = {p.id: p for p in pool}
    return all(
        q.min <= sum(by_id[pid].features[q.category] == q.value for pid in panel) <= q.max
        for q in CATS.quotas
    )


def test_replacement_prefers_someone_with_the_same_features():
    same, _ = replacement_candidates(POOL, CATS, PANEL, "f1")
    assert same == ["f3"]
    assert replace_member(POOL, CATS, PANEL, "f1", seed=1) == "f3"


def test_replacement_falls_back_to_anyone_who_keeps_the_quotas_and_is_seeded():
    chosen = {replace_member(POOL, CATS, PANEL, "f1", seed=s, excluded=["f3"]) for s in range(30)}
    assert chosen == {"f4"}  # the only other woman; age quota still holds
    for s in range(10):
        new = replace_member(POOL, CATS, PANEL, "m2", seed=s)
        assert new == "m3"
        assert quotas_hold([pid for pid in PANEL if pid != "m2"] + [new])
    assert replace_member(POOL, CATS, PANEL, "m1", seed="abc", excluded=["m4"]) in {"m3"}
    assert replace_member(POOL, CATS, PANEL, "f2", seed="s") == replace_member(
        POOL, CATS, PANEL, "f2", seed="s"
    )


def test_replacement_respects_households():
    pool = [
        *POOL[:-1],
        person("m4", "m", "young", home="1 Road"),
        person("m5", "m", "young", home="1 road"),
    ]
    pool[0] = person("f1", "f", "young", home="1 Road")
    same, _ = replacement_candidates(pool, CATS, PANEL, "m1", household_column="home")
    assert same == []  # m4 and m5 live with f1


def test_no_replacement_names_the_quota_that_would_break():
    with pytest.raises(ReplacementError) as caught:
        replace_member(POOL, CATS, PANEL, "f1", seed=1, excluded=["f3", "f4"])
    message = str(caught.value)
    assert "g = f (min 2, 1 without them)" in message
    assert "g = f, age = young" in message


def test_replacing_someone_not_on_the_panel_is_an_input_error():
    with pytest.raises(ValueError, match="not on the panel"):
        replace_member(POOL, CATS, PANEL, "f4", seed=1)


MEMBERS = {
    f"p{i:02d}": {
        "gender": "fm"[i % 2],
        "age": ["16-29", "30-59", "60+"][i % 3],
        "area": "ab"[(i // 2) % 2],
    }
    for i in range(24)
}


def test_tables_are_balanced_and_diverse():
    allocation = allocate_tables(MEMBERS, 6, seed=1)
    report = table_report(MEMBERS, allocation)
    assert sorted(report.sizes.values()) == [6, 6, 6, 6]
    assert set(allocation.values()) == {1, 2, 3, 4}
    assert all(spread <= 1 for spread in report.imbalance.values()), report.imbalance
    uneven = allocate_tables(dict(list(MEMBERS.items())[:23]), n_tables=5, seed=2)
    sizes = table_report(dict(list(MEMBERS.items())[:23]), uneven).sizes
    assert max(sizes.values()) - min(sizes.values()) <= 1 and sum(sizes.values()) == 23


def test_tables_are_deterministic_from_the_seed():
    assert allocate_tables(MEMBERS, 6, seed="s") == allocate_tables(MEMBERS, 6, seed="s")


def test_remix_reduces_repeated_pairs_and_stays_diverse():
    first = allocate_tables(MEMBERS, 6, seed=1)
    naive = allocate_tables(MEMBERS, 6, seed=1)
    remixed = allocate_tables(MEMBERS, 6, seed=2, previous_allocations=[first])
    assert table_report(MEMBERS, naive, [first]).repeated_pairs == 60  # same tables again
    report = table_report(MEMBERS, remixed, [first])
    assert report.repeated_pairs < 20
    assert all(spread <= 2 for spread in report.imbalance.values())
    third = allocate_tables(MEMBERS, 6, seed=3, previous_allocations=[first, remixed])
    assert table_report(MEMBERS, third, [first, remixed]).repeated_pairs < 30


def test_table_sizes_must_be_given_once():
    with pytest.raises(ValueError):
        allocate_tables(MEMBERS, 6, n_tables=4)
    with pytest.raises(ValueError):
        allocate_tables(MEMBERS)


def test_legacy_keeps_quotas_and_estimates_probabilities():
    pool = [
        Respondent(f"r{i}", {"g": "fm"[i % 2], "age": ["young", "old"][i % 3 == 0]})
        for i in range(30)
    ]
    result = select_panel(CATS, pool, 4, algorithm="legacy", seed="draw", legacy_draws=300)
    assert result.algorithm == "legacy"
    assert all(line.min <= line.selected <= line.max for line in result.quota_report)
    assert sum(result.probabilities.values()) == pytest.approx(4.0)
    again = select_panel(CATS, pool, 4, algorithm="legacy", seed="draw", legacy_draws=300)
    assert again.panel == result.panel and again.probabilities == result.probabilities
    fair = select_panel(CATS, pool, 4, seed="draw")
    assert fair.min_probability >= result.min_probability - 1e-9


def test_tables_for_members_without_any_categories_are_even_and_reproducible():
    from analysis.sortition import allocate_tables

    members = {f"m{i}": {} for i in range(14)}
    first = allocate_tables(members, 5, seed="no categories")
    assert sorted(first) == sorted(members)
    sizes = sorted(list(first.values()).count(table) for table in set(first.values()))
    assert sizes == [4, 5, 5]
    assert allocate_tables(members, 5, seed="no categories") == first
