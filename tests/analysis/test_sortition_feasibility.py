"""Infeasible quotas are caught before selection, explained, and the smallest fix proposed."""

from __future__ import annotations

from analysis.sortition import Categories, Quota, Respondent, check_feasibility


def people(counts):
    """counts: {(a, b): number of people with a and b}."""
    rows, i = [], 0
    for (a, b), number in counts.items():
        for _ in range(number):
            rows.append(Respondent(f"p{i}", {"A": a, "B": b}))
            i += 1
    return rows


def cats(**bounds):
    return Categories(
        tuple(Quota(name[0].upper(), name, low, high) for name, (low, high) in bounds.items())
    )


POOL = people({("a1", "b1"): 3, ("a2", "b2"): 3, ("a1", "b2"): 1})


def test_feasible_quotas_report_nothing():
    report = check_feasibility(POOL, cats(a1=(1, 2), a2=(1, 2), b1=(1, 2), b2=(1, 2)), 3)
    assert report.feasible and report.conflicts == [] and report.relaxation == []


def test_sum_of_mins_above_panel_size_is_named_and_relaxed():
    report = check_feasibility(POOL, cats(a1=(2, 3), a2=(2, 3), b1=(0, 3), b2=(0, 3)), 3)
    assert not report.feasible
    assert report.conflicts == ["A: the minimums add up to 4, more than the panel size 3"]
    assert len(report.relaxation) == 1
    change = report.relaxation[0]
    assert (change.bound, change.current, change.suggested) == ("min", 2, 1)
    assert str(change).startswith("lower min of A = ")


def test_sum_of_maxes_below_panel_size():
    report = check_feasibility(POOL, cats(a1=(0, 1), a2=(0, 1), b1=(0, 3), b2=(0, 3)), 3)
    assert "A: the maximums add up to 2, fewer than the panel size 3" in report.conflicts
    assert [(r.bound, r.current, r.suggested) for r in report.relaxation] == [("max", 1, 2)]


def test_value_with_fewer_people_than_its_min():
    report = check_feasibility(POOL, cats(a1=(0, 3), a2=(0, 3), b1=(0, 3), b2=(0, 3), b3=(1, 1)), 3)
    assert "B = b3: min is 1 but only 0 people are in the pool" in report.conflicts
    assert [str(r) for r in report.relaxation] == ["lower min of B = b3 from 1 to 0"]


def test_joint_infeasibility_found_by_the_integer_program():
    # two a1 seats force two b1 people (only one a1 is b2) plus two b2 seats: 4 > 3
    report = check_feasibility(POOL, cats(a1=(3, 3), a2=(0, 3), b1=(0, 3), b2=(2, 3)), 3)
    assert not report.feasible
    assert "no panel of 3 meets all the quotas together" in report.conflicts[0]
    assert sum(abs(r.current - r.suggested) for r in report.relaxation) == 1
    relaxed = {(q.value): q for q in cats(a1=(3, 3), a2=(0, 3), b1=(0, 3), b2=(2, 3)).quotas}
    for r in report.relaxation:
        q = relaxed[r.value]
        relaxed[r.value] = Quota(
            q.category,
            q.value,
            r.suggested if r.bound == "min" else q.min,
            r.suggested if r.bound == "max" else q.max,
        )
    assert check_feasibility(POOL, Categories(tuple(relaxed.values())), 3).feasible


def test_panel_larger_than_pool_has_no_quota_relaxation():
    report = check_feasibility(POOL, cats(a1=(0, 9), a2=(0, 9), b1=(0, 9), b2=(0, 9)), 8)
    assert report.conflicts == ["the panel size 8 is larger than the pool (7)"]
    assert report.relaxation == []
    assert "cannot be met" in report.explanation()


def test_households_count_against_the_panel_size():
    pool = [Respondent(f"p{i}", {"A": "a1", "B": "b1"}, {"home": "same"}) for i in range(3)]
    report = check_feasibility(pool, cats(a1=(0, 3), b1=(0, 3)), 2, household_column="home")
    assert not report.feasible
    assert "number of households (1)" in report.conflicts[0]


def test_every_smallest_relaxation_is_offered_and_the_conflicting_quotas_named():
    # a1 = 3 leaves at most one b2 (only one a1 is b2), so b2 >= 2 cannot hold with it
    report = check_feasibility(POOL, cats(a1=(3, 3), a2=(0, 3), b1=(0, 3), b2=(2, 3)), 3)
    assert report.conflicting_quotas == ["min 3 of A = a1", "min 2 of B = b2"]
    assert "min 3 of A = a1, min 2 of B = b2 cannot all hold" in report.conflicts[0]
    options = sorted([str(r) for r in option] for option in report.alternatives)
    assert options == [["lower min of A = a1 from 3 to 2"], ["lower min of B = b2 from 2 to 1"]]
    assert report.relaxation == report.alternatives[0]
    assert report.within_flex is None
    assert "any one of these" in report.explanation()


# b1 needs 3 seats and b2 one more, in a panel of 3: the smallest fix lowers b1's min
FLEX_POOL = people({("a1", "b2"): 1, ("a2", "b1"): 3, ("a2", "b2"): 2})


def flex_quotas(b1_min_flex: int) -> Categories:
    return Categories(
        (
            Quota("A", "a1", 0, 3, 0, 3),
            Quota("A", "a2", 0, 2, 0, 3),
            Quota("B", "b1", 3, 3, b1_min_flex, 3),
            Quota("B", "b2", 1, 3, 0, 3),
        )
    )


def test_relaxation_keeps_to_the_flexibility_even_when_a_smaller_fix_breaks_it():
    unconstrained = check_feasibility(FLEX_POOL, flex_quotas(0), 3)
    assert [str(r) for r in unconstrained.relaxation] == ["lower min of B = b1 from 3 to 2"]
    assert unconstrained.within_flex is True
    # b1's min may not move: the fix within flex changes two other quotas instead
    report = check_feasibility(FLEX_POOL, flex_quotas(3), 3)
    assert report.within_flex is True
    assert sorted(str(r) for r in report.relaxation) == [
        "lower min of B = b2 from 1 to 0",
        "raise max of A = a2 from 2 to 3",
    ]
    for option in report.alternatives:
        for change in option:
            quota = flex_quotas(3).quota(change.category, change.value)
            assert quota.min_flex <= change.suggested <= quota.max_flex


def test_no_fix_within_the_flexibility_is_said_plainly_with_the_fix_beyond_it():
    frozen = Categories(
        tuple(Quota(q.category, q.value, q.min, q.max, q.min, q.max) for q in flex_quotas(3).quotas)
    )
    report = check_feasibility(FLEX_POOL, frozen, 3)
    assert report.within_flex is False
    assert "this cannot be fixed within the flexibility you allowed" in report.conflicts
    assert [str(r) for r in report.relaxation] == ["lower min of B = b1 from 3 to 2"]
    assert "beyond the flexibility you allowed" in report.explanation()


def test_countless_equally_small_fixes_give_one_and_say_there_are_many():
    # five values each needing 2 of a panel of 5: any 5 of the 10 minimum seats can go
    pool = [Respondent(f"p{i}", {"A": f"a{i % 5}", "B": "b"}) for i in range(15)]
    quotas = Categories((*(Quota("A", f"a{v}", 2, 3) for v in range(5)), Quota("B", "b", 0, 5)))
    report = check_feasibility(pool, quotas, 5)
    assert report.many_alternatives
    assert report.alternatives == [report.relaxation]
    assert sum(r.current - r.suggested for r in report.relaxation) == 5
    assert "(one of many equally small ones)" in report.explanation()
    assert len(report.conflicting_quotas) == 3  # three mins of 2 already exceed 5 seats
