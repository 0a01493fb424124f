"""Peeling (analysis/sortition/peeling.py): the lottery that reaches the linear
relaxation's LEXIMIN values built panel by panel, and what happens when it cannot."""

from __future__ import annotations

import time

import numpy as np
import pytest

from analysis.sortition import build_types, leximin_distribution, peeling
from analysis.sortition.pricing import _Pricer
from analysis.sortition.relaxation import _relaxation_leximin
from tests.analysis.test_sortition_leximin import (
    correlated_pool,
    household_pool,
    quotas,
    random_instance,
    spy_on_decompose,
)


def small_pool(seed):
    """47 types or so, quotas of 4-5 in 12 values, panel 15 (seed 2 peels to the end)."""
    people = correlated_pool(90, 4, seed=seed)
    cats = quotas(*[(f"c{c}", f"v{v}", 4, 5) for c in range(4) for v in range(3)])
    return build_types(cats, people)


def run_peel(types, k, **kwargs):
    relaxed = _relaxation_leximin(types, k)
    assert relaxed is not None
    pricer = _Pricer(types, k, None)
    found, shares = [], []
    result = peeling.peel(
        pricer,
        relaxed[0],
        tolerance=1e-7,
        deadline=kwargs.get("deadline"),
        found=found.append,
        progress=shares.append,
    )
    return result, relaxed, pricer, found, shares


def test_peeling_builds_a_lottery_of_real_panels_with_the_relaxations_values():
    types = small_pool(2)
    result, relaxed, pricer, found, shares = run_peel(types, 15)
    assert result is not None
    panels, weights = result.panels, result.weights
    assert len(panels) == result.rounds == len(found) == pricer.calls
    assert all(types.is_feasible_panel(p, 15) for p in panels)
    assert len({p.tobytes() for p in panels}) == len(panels)  # the face shrinks: no repeat
    assert (weights > 0).all() and weights.sum() == pytest.approx(1.0, abs=1e-12)
    mix = (weights @ panels) / types.sizes
    assert np.abs(mix - relaxed[0]).max() < 1e-8
    for y, m in relaxed[3]:  # every panel lies on every level's optimal face
        assert (panels @ y >= m - 1e-6).all()
    # at most one panel per constraint that can become tight, far fewer than the types
    assert len(panels) <= types.n_types
    assert shares == sorted(shares) and shares[-1] == 1.0


def test_leximin_by_peeling_gives_the_level_paths_probabilities(monkeypatch):
    for types, k in ((small_pool(2), 15), (build_types(*household_pool(), "home"), 12)):
        calls = spy_on_decompose(monkeypatch)
        peeled = leximin_distribution(types, k)
        assert calls == []  # peeling reached the values: no column generation
        relaxed = _relaxation_leximin(types, k)
        assert relaxed is not None
        assert peeled.complete and peeled.levels == len(relaxed[2])
        assert len(peeled.level_seconds) == peeled.levels
        plain = leximin_distribution(types, k, use_relaxation=False)
        assert peeled.type_probabilities == pytest.approx(plain.type_probabilities, abs=1e-6)
        assert all(types.is_feasible_panel(p, k) for p in peeled.panels)
        assert (peeled.weights @ peeled.panels) / types.sizes == pytest.approx(
            peeled.type_probabilities, abs=1e-9
        )


def test_a_face_without_a_panel_hands_the_panels_found_to_the_column_generation(monkeypatch):
    types = small_pool(2)
    original = peeling._FaceProgram.panel

    asked: dict[int, int] = {}  # per program

    def gives_up_at_the_sixth(self, *args):
        asked[id(self)] = asked.get(id(self), 0) + 1
        return None if asked[id(self)] > 5 else original(self, *args)

    monkeypatch.setattr(peeling._FaceProgram, "panel", gives_up_at_the_sixth)
    result, _, _, found, _ = run_peel(types, 15)
    assert result is None and len(found) == 5

    from analysis.sortition import leximin

    starts = []
    decompose = leximin._decompose

    def spy(types, pricer, start, *args, **kwargs):
        starts.append([p.tobytes() for p in start])
        return decompose(types, pricer, start, *args, **kwargs)

    monkeypatch.setattr(leximin, "_decompose", spy)
    handed = leximin_distribution(types, 15)
    assert len(starts) == 1 and {p.tobytes() for p in found} <= set(starts[0])
    assert handed.complete
    plain = leximin_distribution(types, 15, use_relaxation=False)
    assert handed.type_probabilities == pytest.approx(plain.type_probabilities, abs=1e-6)


def test_peeling_gives_up_where_real_panels_cannot_reach_the_values():
    """The integrality-gap pool of test_sortition_leximin: no lottery reaches the
    relaxation's values, so peeling must stop (the levels then give the brute-force
    answer, tested there)."""
    cats, people = random_instance(26)
    result, *_ = run_peel(build_types(cats, people), 3)
    assert result is None


def test_peeling_stops_at_its_deadline():
    result, _, pricer, found, _ = run_peel(small_pool(2), 15, deadline=time.perf_counter() - 1)
    assert result is None and found == [] and pricer.calls == 0


def test_the_level_path_from_the_panels_peeling_found(monkeypatch):
    """On this pool peeling stops short by itself (a face with no panel); with the column
    generation of the direct way switched off too, the levels run from the panels peeling
    found and must still give the plain level path's probabilities. (With an earlier
    variant of peeling, the panels it left made a later level's master infeasible when
    types were fixed at a level's value exactly: they are now fixed 1e-9 below it.)"""
    from analysis.sortition import leximin

    types = small_pool(5)
    result, *_ = run_peel(types, 15)
    assert result is None  # stopped short by itself
    monkeypatch.setattr(leximin, "_decompose", lambda *args, **kwargs: None)
    levels = leximin_distribution(types, 15)
    assert levels.complete
    plain = leximin_distribution(types, 15, use_relaxation=False)
    assert levels.type_probabilities == pytest.approx(plain.type_probabilities, abs=1e-6)


def test_progress_shows_the_lottery_being_built_then_every_level_settled():
    types = small_pool(2)
    told: list[tuple[float, str]] = []
    distribution = leximin_distribution(types, 15, progress=lambda *said: told.append(said))
    shares = [share for share, _ in told]
    assert shares == sorted(shares) and shares[-1] == 1.0
    building = [share for share, stage in told if "building the lottery" in stage]
    assert len(set(building)) >= 2 and max(building) <= 0.5  # half the bar, rising
    levels = [stage for _, stage in told if "(level " in stage]
    assert len({stage.split(":")[0] for stage in levels}) == distribution.levels
    assert levels[-1].endswith(f"{types.n_types} of {types.n_types} types settled)")
