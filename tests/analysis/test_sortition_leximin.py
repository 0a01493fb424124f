"""LEXIMIN and the lottery on small pools whose fair answer is known by hand or by brute force."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog

from analysis.sortition import (
    Categories,
    InfeasibleQuotasError,
    Quota,
    Respondent,
    build_types,
    inputs_checksum,
    leximin_distribution,
    select_panel,
)

ROOT = Path(__file__).resolve().parents[2]


def pool(rows, extra=None):
    """rows: (id, {category: value}) pairs."""
    return [Respondent(pid, features, (extra or {}).get(pid, {})) for pid, features in rows]


def quotas(*rows):
    return Categories(tuple(Quota(*row) for row in rows))


def brute_force_leximin(categories, people, k, households=None):
    """Per-person leximin by enumerating every quota-meeting panel (tiny pools only)."""
    ids = [p.id for p in people]
    panels = []
    for chosen in itertools.combinations(range(len(people)), k):
        ok = all(
            q.min <= sum(people[i].features[q.category] == q.value for i in chosen) <= q.max
            for q in categories.quotas
        )
        if households:
            homes = [households.get(ids[i]) for i in chosen if households.get(ids[i])]
            ok = ok and len(homes) == len(set(homes))
        if ok:
            panels.append(chosen)
    cover = np.zeros((len(people), len(panels)))
    for j, chosen in enumerate(panels):
        cover[list(chosen), j] = 1
    fixed: dict[int, float] = {}
    while len(fixed) < len(people):
        free = [i for i in range(len(people)) if i not in fixed]
        m = len(panels)
        a_ub = np.vstack(
            [np.hstack([-cover[free], np.ones((len(free), 1))])]
            + ([np.hstack([-cover[list(fixed)], np.zeros((len(fixed), 1))])] if fixed else [])
        )
        b_ub = np.concatenate([np.zeros(len(free)), [-v + 1e-9 for v in fixed.values()]])
        result = linprog(
            np.r_[np.zeros(m), -1.0],
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=np.r_[np.ones(m), 0.0][None, :],
            b_eq=[1.0],
            bounds=[(0, None)] * m + [(0, 1)],
        )
        z = result.x[-1]
        duals = -result.ineqlin.marginals[: len(free)]
        tight = [i for i, d in zip(free, duals, strict=False) if d > 1e-9] or [
            free[int(np.argmax(duals))]
        ]
        for i in tight:
            fixed[i] = z
    return {ids[i]: v for i, v in fixed.items()}


def test_identical_people_all_get_k_over_n():
    people = pool([(f"p{i}", {"g": "x"}) for i in range(10)])
    result = select_panel(quotas(("g", "x", 0, 4)), people, 4, seed=1)
    assert list(result.probabilities.values()) == pytest.approx([0.4] * 10)
    assert result.min_probability == pytest.approx(0.4)
    assert result.gini == pytest.approx(0.0, abs=1e-9)
    assert len(result.panel) == 4


def test_a_rare_type_forced_by_a_min_quota_is_always_selected():
    people = pool([("rural", {"area": "rural"})] + [(f"u{i}", {"area": "urban"}) for i in range(9)])
    cats = quotas(("area", "rural", 1, 1), ("area", "urban", 0, 3))
    result = select_panel(cats, people, 3, seed="x")
    assert result.probabilities["rural"] == pytest.approx(1.0)
    assert result.probabilities["u0"] == pytest.approx(2 / 9)
    assert "rural" in result.panel


def test_second_leximin_level_evens_out_the_better_off_group():
    # one seat for x1 (3 people), one for x2 (4 people): the minimum is 1/4 whatever the x1
    # people get; only the second level makes them equal at 1/3.
    people = pool(
        [
            ("p1", {"x": "x1", "y": "y1"}),
            ("p2", {"x": "x1", "y": "y2"}),
            ("p3", {"x": "x1", "y": "y2"}),
        ]
        + [(f"q{i}", {"x": "x2", "y": "y1"}) for i in range(4)]
    )
    cats = quotas(("x", "x1", 1, 1), ("x", "x2", 1, 1), ("y", "y1", 0, 2), ("y", "y2", 0, 1))
    result = select_panel(cats, people, 2, seed=3)
    for pid in ("p1", "p2", "p3"):
        assert result.probabilities[pid] == pytest.approx(1 / 3)
    for i in range(4):
        assert result.probabilities[f"q{i}"] == pytest.approx(1 / 4)


def random_instance(seed):
    rng = np.random.default_rng(seed)
    n = 9
    people = pool(
        [
            (
                f"r{i}",
                {
                    "a": f"a{rng.integers(2)}",
                    "b": f"b{rng.integers(3)}",
                    "c": f"c{rng.integers(2)}",
                },
            )
            for i in range(n)
        ]
    )
    cats = quotas(
        ("a", "a0", 1, 2),
        ("a", "a1", 1, 3),
        ("b", "b0", 0, 2),
        ("b", "b1", 1, 2),
        ("b", "b2", 0, 2),
        ("c", "c0", 1, 3),
        ("c", "c1", 0, 2),
    )
    return cats, people


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_leximin_on_small_random_pools(seed):
    cats, people = random_instance(seed)
    types = build_types(cats, people)
    expected = brute_force_leximin(cats, people, 3)
    distribution = leximin_distribution(types, 3)
    type_of = types.type_of()
    got = {pid: distribution.type_probabilities[type_of[pid]] for pid in expected}
    assert sorted(got.values()) == pytest.approx(sorted(expected.values()), abs=1e-6)
    assert got == pytest.approx(expected, abs=1e-6)
    assert distribution.weights.sum() == pytest.approx(1.0)
    assert all(types.is_feasible_panel(p, 3) for p in distribution.panels)


def test_households_never_share_a_panel_and_leximin_accounts_for_them():
    people = pool(
        [(pid, {"g": "x"}) for pid in ("a", "b", "c", "d", "e")],
        extra={
            "a": {"address": "1 Mill Lane"},
            "b": {"address": "1 mill lane "},
            "c": {"address": "1 Mill Lane"},
            "d": {"address": "2 Mill Lane"},
            "e": {"address": ""},
        },
    )
    cats = quotas(("g", "x", 0, 2))
    for seed in range(15):
        result = select_panel(cats, people, 2, seed=seed, household_column="address")
        assert len(set(result.panel) & {"a", "b", "c"}) <= 1
    # a, b, c share one household (one seat at most): 1/3 each, d and e 1/2 each
    assert result.probabilities == pytest.approx(
        {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 0.5, "e": 0.5}
    )
    legacy = select_panel(cats, people, 2, seed=5, household_column="address", algorithm="legacy")
    assert len(set(legacy.panel) & {"a", "b", "c"}) <= 1


def test_households_with_quotas_match_brute_force():
    cats, people = random_instance(2)
    homes = {"r0": "h1", "r1": "h1", "r2": "h2", "r3": "h2", "r4": "h2"}
    people = [Respondent(p.id, p.features, {"home": homes.get(p.id, "")}) for p in people]
    expected = brute_force_leximin(cats, people, 3, households=homes)
    result = select_panel(cats, people, 3, seed=0, household_column="home")
    assert result.probabilities == pytest.approx(expected, abs=1e-6)


def test_same_seed_same_panel_and_different_seeds_differ():
    cats, people = random_instance(1)
    first = select_panel(cats, people, 3, seed="04 12 19 33 41 47")
    again = select_panel(cats, list(reversed(people)), 3, seed="04  12 19 33 41 47 ")
    assert first.panel == again.panel
    assert first.probabilities == again.probabilities
    panels = {tuple(select_panel(cats, people, 3, seed=s).panel) for s in range(6)}
    assert len(panels) > 1


def test_the_same_seed_gives_the_same_panel_in_another_process():
    code = (
        # load analysis.sortition without its heavier sibling modules (sklearn, nltk)
        "import sys, types\n"
        "package = types.ModuleType('analysis')\n"
        "package.__path__ = ['analysis']\n"
        "sys.modules['analysis'] = package\n"
        "from analysis.sortition import *\n"
        "assert not {'flask', 'sqlalchemy', 'consult'} & set(sys.modules)\n"
        "people = [Respondent(f'p{i}', {'g': 'f' if i % 3 else 'm'}) for i in range(30)]\n"
        "cats = Categories((Quota('g', 'f', 2, 4), Quota('g', 'm', 2, 4)))\n"
        "print(select_panel(cats, people, 6, seed='lottery 7').panel)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    people = [Respondent(f"p{i}", {"g": "f" if i % 3 else "m"}) for i in range(30)]
    cats = Categories((Quota("g", "f", 2, 4), Quota("g", "m", 2, 4)))
    assert completed.stdout.strip() == str(select_panel(cats, people, 6, seed="lottery 7").panel)


def test_result_as_dict_has_exactly_the_agreed_keys():
    cats, people = random_instance(0)
    data = select_panel(cats, people, 3, seed=9).as_dict()
    assert list(data) == [
        "algorithm",
        "seed",
        "panel",
        "probabilities",
        "min_probability",
        "gini",
        "quota_report",
        "seconds",
    ]
    assert list(data["quota_report"][0]) == ["category", "value", "min", "max", "selected"]
    assert all(line["min"] <= line["selected"] <= line["max"] for line in data["quota_report"])


def test_infeasible_quotas_raise_with_the_explanation():
    people = pool([(f"p{i}", {"g": "f"}) for i in range(3)])
    with pytest.raises(InfeasibleQuotasError) as caught:
        select_panel(quotas(("g", "f", 4, 5)), people, 4, seed=1)
    assert "panel size 4 is larger than the pool" in str(caught.value)


def test_checksum_ignores_row_order_but_not_content():
    cats, people = random_instance(3)
    base = inputs_checksum(cats, people, 3)
    assert base == inputs_checksum(cats, list(reversed(people)), 3)
    assert base != inputs_checksum(cats, people, 4)
    changed = [
        Respondent(
            people[0].id,
            {**people[0].features, "c": "c1" if people[0].features["c"] == "c0" else "c0"},
        ),
        *people[1:],
    ]
    assert base != inputs_checksum(cats, changed, 3)
    assert len(base) == 64


def household_pool(n=60, seed=4):
    """A pool with three categories where a third of the people live in pairs."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(n):
        features = {
            "g": f"g{rng.integers(2)}",
            "a": f"a{rng.integers(3)}",
            "r": f"r{rng.integers(3)}",
        }
        home = f"h{i - 1}" if i % 3 == 1 else f"h{i}"
        people.append(Respondent(f"p{i:02d}", features, {"home": home}))
    cats = quotas(
        ("g", "g0", 4, 8),
        ("g", "g1", 4, 8),
        ("a", "a0", 2, 6),
        ("a", "a1", 2, 6),
        ("a", "a2", 2, 6),
        ("r", "r0", 2, 6),
        ("r", "r1", 2, 6),
        ("r", "r2", 2, 6),
    )
    return cats, people


def test_household_aware_local_moves_give_the_same_probabilities(monkeypatch):
    from analysis.sortition import leximin, relaxation

    cats, people = household_pool()
    types = build_types(cats, people, "home")
    assert types.household_groups
    calls = []
    original = leximin._swap_search

    def counting(*args, **kwargs):
        found = original(*args, **kwargs)
        calls.append(found)
        return found

    monkeypatch.setattr(leximin, "PEEL", False)  # the column generation's local moves
    for module in (leximin, relaxation):  # the levels and the direct way
        monkeypatch.setattr(module, "_swap_search", counting)
    with_moves = leximin_distribution(types, 12)
    assert any(found is not None for found in calls)  # the local moves did find panels
    assert all(types.is_feasible_panel(found, 12) for found in calls if found is not None)
    for module in (leximin, relaxation):
        monkeypatch.setattr(module, "_swap_search", lambda *args, **kwargs: None)
    without = leximin_distribution(types, 12)
    assert with_moves.type_probabilities == pytest.approx(without.type_probabilities, abs=1e-6)
    assert all(types.is_feasible_panel(p, 12) for p in with_moves.panels)


def test_several_household_columns_must_all_match():
    people = pool(
        [(pid, {"g": "x"}) for pid in "abc"],
        extra={
            "a": {"street": "1 Mill Lane", "town": "Ely"},
            "b": {"street": "1 mill lane", "town": " ely"},
            "c": {"street": "1 Mill Lane", "town": "Diss"},
        },
    )
    result = select_panel(
        quotas(("g", "x", 0, 2)), people, 2, seed=1, household_column=["street", "town"]
    )
    # a and b share a household; c lives in another town
    assert result.probabilities == pytest.approx({"a": 0.5, "b": 0.5, "c": 1.0})


def test_best_moves_are_the_best_pairs_without_forming_all_of_them():
    """The local-move search ranks moves from a few hundred rank pairs instead of every
    (add, remove) pair; it must return exactly the best gains, in order, ties broken by the
    smaller type index (checked against the full pair matrix, with many ties)."""
    from analysis.sortition.pricing import _best_moves

    rng = np.random.default_rng(3)
    for trial in range(60):
        n = int(rng.integers(2, 400))
        weights = np.round(rng.random(n), 1 if trial % 2 else 6)  # rounding: many ties
        add_idx = np.flatnonzero(rng.random(n) < 0.8)
        remove_idx = np.flatnonzero(rng.random(n) < 0.3)
        candidates = int(rng.choice([1, 7, 64, 256]))
        a, r = _best_moves(weights, add_idx, remove_idx, candidates)
        pairs = [
            (weights[x] - weights[y], x, y)
            for x in add_idx
            for y in remove_idx
            if weights[x] - weights[y] > 1e-12
        ]
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        expected = pairs[:candidates]
        gains = weights[a] - weights[r]
        assert len(a) == len(expected)
        np.testing.assert_array_equal(gains, [p[0] for p in expected])
        if len(pairs) <= candidates or pairs[candidates - 1][0] > pairs[candidates][0]:
            got = list(zip(a.tolist(), r.tolist(), strict=True))
            assert got == [(p[1], p[2]) for p in expected]


def correlated_pool(n, categories, seed):
    """A self-selected pool: one latent trait skews every category (correlated features,
    so many types and several leximin levels), quotas around even shares."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)

    def value(i, c):
        skew = latent[i] * (c % 2 * 2 - 1) + rng.normal()
        return f"v{int(np.clip(np.floor(skew + 1.5), 0, 2))}"

    rows = [(f"p{i}", {f"c{c}": value(i, c) for c in range(categories)}) for i in range(n)]
    return pool(rows)


def test_fast_path_gives_the_plain_paths_probabilities(monkeypatch):
    """The speed-ups (dual master re-solved by the dual simplex, extra integer programs at
    other dual mixes, local moves) change which panels are found, never the probabilities:
    the plain path (primal master, one integer program per round, no local moves) gives
    the same selection probability to 1e-6 for every type, on a pool with several levels."""
    from analysis.sortition import leximin

    people = correlated_pool(90, 4, seed=5)
    cats = quotas(
        *[(f"c{c}", f"v{v}", 4, 5) for c in range(4) for v in range(3)],
    )
    types = build_types(cats, people)
    monkeypatch.setattr(leximin, "MASTER", leximin._DualMaster)
    monkeypatch.setattr(leximin, "PRICING_MIXES", (0.0, 0.4))
    monkeypatch.setattr(leximin, "MIXES_FROM", 0)  # the extra programs on this small pool too
    monkeypatch.setattr(leximin, "LOCAL_STARTS", 10)
    fast = leximin_distribution(types, 15)
    assert fast.levels >= 5 and types.n_types >= 40
    monkeypatch.setattr(leximin, "MASTER", leximin._Master)
    monkeypatch.setattr(leximin, "PRICING_MIXES", ())
    monkeypatch.setattr(leximin, "_swap_search", lambda *args, **kwargs: None)
    plain = leximin_distribution(types, 15)
    assert plain.type_probabilities == pytest.approx(fast.type_probabilities, abs=1e-6)
    for result in (fast, plain):
        assert all(types.is_feasible_panel(p, 15) for p in result.panels)
        assert (result.weights @ result.panels) / types.sizes == pytest.approx(
            result.type_probabilities, abs=1e-9
        )


def spy_on_decompose(monkeypatch):
    """The results of `_decompose` (None: it gave up and the levels ran), call by call."""
    from analysis.sortition import leximin

    calls = []
    decompose = leximin._decompose

    def spy(*args, **kwargs):
        calls.append(decompose(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(leximin, "_decompose", spy)
    return calls


def test_relaxation_path_gives_the_level_paths_probabilities(monkeypatch):
    """The direct way by column generation reaches the LEXIMIN values of the linear
    relaxation with one lottery (no level-by-level column generation); it must give the
    probabilities of the level-by-level path (with and without the relaxation's bounds) to
    1e-6. (Peeling, tried before it, has its own tests in test_sortition_peeling.py.)"""
    from analysis.sortition import leximin

    monkeypatch.setattr(leximin, "PEEL", False)
    people = correlated_pool(90, 4, seed=5)
    cats = quotas(*[(f"c{c}", f"v{v}", 4, 5) for c in range(4) for v in range(3)])
    types = build_types(cats, people)
    calls = spy_on_decompose(monkeypatch)
    direct = leximin_distribution(types, 15)
    assert calls and calls[0] is not None  # the relaxation's values were reached
    assert direct.levels >= 4 and direct.complete
    plain = leximin_distribution(types, 15, use_relaxation=False)
    monkeypatch.setattr(leximin, "_decompose", lambda *args, **kwargs: None)
    bounded = leximin_distribution(types, 15)  # levels, each ended by the relaxation bound
    for other in (plain, bounded):
        assert other.type_probabilities == pytest.approx(direct.type_probabilities, abs=1e-6)
    assert direct.rounds < plain.rounds
    for result in (direct, plain, bounded):
        assert all(types.is_feasible_panel(p, 15) for p in result.panels)
        assert (result.weights @ result.panels) / types.sizes == pytest.approx(
            result.type_probabilities, abs=1e-9
        )


def test_out_of_reach_relaxation_values_fall_back_to_levels(monkeypatch):
    """On this pool real panels cannot reach the relaxation's LEXIMIN values (an
    integrality gap): the decomposition says so and the level-by-level path gives the
    brute-force answer."""
    from analysis.sortition import relaxation

    cats, people = random_instance(26)
    types = build_types(cats, people)
    calls = spy_on_decompose(monkeypatch)
    distribution = leximin_distribution(types, 3)
    assert calls == [None]
    expected = brute_force_leximin(cats, people, 3)
    type_of = types.type_of()
    got = {pid: distribution.type_probabilities[type_of[pid]] for pid in expected}
    assert got == pytest.approx(expected, abs=1e-6)
    relaxed = relaxation._relaxation_leximin(types, 3)
    assert relaxed is not None
    assert min(relaxed[0]) > min(got.values()) + 1e-6  # the relaxation promised more


def test_pruning_the_shortfall_master_keeps_its_optimum():
    """Dropping panels without weight from the decomposition's master leaves its optimum
    and its columns in step with the panels it reports."""
    from analysis.sortition import pricing, relaxation

    people = correlated_pool(90, 4, seed=5)
    cats = quotas(*[(f"c{c}", f"v{v}", 4, 5) for c in range(4) for v in range(3)])
    types = build_types(cats, people)
    relaxed = relaxation._relaxation_leximin(types, 15)
    assert relaxed is not None
    pricer = pricing._Pricer(types, 15, None)
    master = relaxation._GoalMaster(types.sizes.astype(float), relaxed[0])
    rng = np.random.default_rng(0)
    for _ in range(150):
        counts, _, _ = pricer.best(rng.random(types.n_types))
        master.add(counts)
    short, lam, _, _ = master.solve()
    before = float(types.sizes @ short)
    assert (lam == 0).sum() >= 50
    kept = master.prune(lam, 0)  # every panel without weight in this solve
    assert kept.sum() == (lam > 0).sum() and len(master.panels) == kept.sum()
    short, lam_after, _, _ = master.solve()
    assert float(types.sizes @ short) == pytest.approx(before, abs=1e-9)
    assert len(lam_after) == len(master.panels)
    assert lam_after == pytest.approx(lam[kept], abs=1e-9)
