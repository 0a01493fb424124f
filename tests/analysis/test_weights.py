"""Raking weights, representativeness and before/after change (analysis.weights & co)."""

import json

import numpy as np
import pytest

from analysis.cli import main
from analysis.opinion_change import paired_change
from analysis.representation import compare_dimension
from analysis.weights import (
    Margins,
    MarginsError,
    design_effect,
    effective_sample_size,
    rake,
    share_estimate,
)

MARGINS = {
    "age": {"16-34": 0.30, "35-64": 0.50, "65+": 0.20},
    "sex": {"female": 0.51, "male": 0.49},
    "area": {"north": 0.25, "south": 0.25, "east": 0.25, "west": 0.25},
}


def _sample(n: int = 3000, seed: int = 1) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    return {
        "age": list(rng.choice(["16-34", "35-64", "65+"], n, p=[0.15, 0.45, 0.40])),
        "sex": list(rng.choice(["female", "male"], n, p=[0.6, 0.4])),
        "area": list(rng.choice(["north", "south", "east", "west"], n, p=[0.1, 0.2, 0.3, 0.4])),
    }


def _weighted_shares(values, weights):
    totals: dict[str, float] = {}
    for value, weight in zip(values, weights, strict=True):
        totals[value] = totals.get(value, 0.0) + weight
    whole = sum(totals.values())
    return {key: total / whole for key, total in totals.items()}


def test_raked_weights_reproduce_every_margin_and_average_one():
    sample = _sample()
    result = rake(sample, Margins.from_mapping(MARGINS))
    assert result.converged
    assert result.dimensions == ("age", "sex", "area")
    assert np.mean(result.weights) == pytest.approx(1.0)
    for dimension, shares in MARGINS.items():
        achieved = _weighted_shares(sample[dimension], result.weights)
        for category, share in shares.items():
            assert achieved[category] == pytest.approx(share, abs=1e-7)


def test_weights_equal_an_independent_raking_implementation():
    weightipy = pytest.importorskip("weightipy", reason="weightipy (requirements-dev.txt)")
    import pandas as pd

    sample = _sample(seed=7)
    ours = rake(sample, Margins.from_mapping(MARGINS))
    scheme = weightipy.scheme_from_dict(
        {dim: {cat: share * 100 for cat, share in cats.items()} for dim, cats in MARGINS.items()},
        rim_params={"convcrit": 1e-12, "max_iterations": 5000},
    )
    theirs = weightipy.weight(pd.DataFrame(sample), scheme).to_numpy()
    assert np.abs(np.asarray(ours.weights) - theirs).max() < 1e-6


def test_weighting_corrects_a_biased_sample_where_the_raw_share_misses():
    # A town where older people answer three times as often and think differently:
    # 60% of the under-65s support the scheme, 20% of the over-65s.
    rng = np.random.default_rng(3)
    population = 200_000
    old = rng.random(population) < 0.25
    supports = np.where(old, rng.random(population) < 0.2, rng.random(population) < 0.6)
    truth = supports.mean()
    chance = np.where(old, 0.06, 0.02)
    answered = rng.random(population) < chance
    ages = np.where(old[answered], "65+", "under 65")
    margins = Margins.from_mapping({"age": {"under 65": 0.75, "65+": 0.25}})
    result = rake({"age": list(ages)}, margins)
    raw = share_estimate(supports[answered])
    weighted = share_estimate(supports[answered], result.weights)
    assert not raw.low <= truth <= raw.high
    assert weighted.low <= truth <= weighted.high
    assert weighted.effective_n < weighted.n  # weighting costs precision, and says so
    assert result.design_effect > 1


def test_prefer_not_to_say_keeps_weight_one_on_that_dimension():
    respondents = {"sex": ["female", "female", "female", "male", "prefer_not_to_say", ""]}
    margins = Margins.from_mapping({"sex": {"female": 0.5, "male": 0.5}})
    result = rake(respondents, margins, min_respondents=1)
    weights = result.weights
    # The two who did not say keep equal weight, and the four who did are split 50/50.
    assert weights[4] == pytest.approx(weights[5])
    assert sum(weights[:3]) == pytest.approx(weights[3])
    assert sum(weights[:4]) == pytest.approx(4 * weights[4])


def _skewed_sample() -> dict[str, list[str]]:
    # Few young respondents, and nearly all of those women: young men get huge weights.
    rng = np.random.default_rng(2)
    n = 3000
    age = rng.choice(["16-34", "35-64", "65+"], n, p=[0.1, 0.45, 0.45])
    sex = np.where(
        age == "16-34",
        rng.choice(["female", "male"], n, p=[0.9, 0.1]),
        rng.choice(["female", "male"], n, p=[0.5, 0.5]),
    )
    area = rng.choice(["north", "south", "east", "west"], n, p=[0.1, 0.2, 0.3, 0.4])
    return {"age": list(age), "sex": list(sex), "area": list(area)}


def test_trimmed_weights_stay_in_bounds_and_still_meet_the_margins():
    sample = _skewed_sample()
    untrimmed = rake(sample, Margins.from_mapping(MARGINS))
    assert max(untrimmed.weights) > 5
    trimmed = rake(sample, Margins.from_mapping(MARGINS), trim=(0.2, 5.0))
    assert trimmed.converged
    assert min(trimmed.weights) >= 0.2 - 1e-6
    assert max(trimmed.weights) <= 5.0 + 1e-6
    assert trimmed.design_effect < untrimmed.design_effect
    assert np.mean(trimmed.weights) == pytest.approx(1.0)
    for dimension, shares in MARGINS.items():
        achieved = _weighted_shares(sample[dimension], trimmed.weights)
        for category, share in shares.items():
            assert achieved[category] == pytest.approx(share, abs=1e-6)


def test_bounds_that_cannot_meet_the_margins_are_kept_and_reported_unconverged():
    sample = _sample(seed=11)
    sample["age"] = ["65+"] * 2900 + ["16-34"] * 50 + ["35-64"] * 50
    trimmed = rake(sample, Margins.from_mapping(MARGINS), trim=(0.2, 5.0))
    assert not trimmed.converged
    assert trimmed.max_error > 0.1
    assert min(trimmed.weights) >= 0.2 - 1e-6
    assert max(trimmed.weights) <= 5.0 + 1e-6
    assert np.mean(trimmed.weights) == pytest.approx(1.0)


def test_a_dimension_with_too_few_respondents_is_left_out_with_the_reason():
    respondents = {"sex": ["female"] * 20 + ["male"] * 2, "age": ["old"] * 11 + ["young"] * 11}
    margins = Margins.from_mapping(
        {"sex": {"female": 0.5, "male": 0.5}, "age": {"old": 0.4, "young": 0.6}}
    )
    result = rake(respondents, margins)
    assert result.dimensions == ("age",)
    assert "male (2)" in result.skipped["sex"]


def test_margins_that_do_not_sum_to_one_are_refused_naming_the_dimension():
    with pytest.raises(MarginsError, match=r"'age'.*0\.9000"):
        Margins.from_mapping({"sex": {"f": 0.5, "m": 0.5}, "age": {"young": 0.4, "old": 0.5}})
    assert Margins.from_mapping({"sex": {"f": 51, "m": 49}}).shares["sex"]["f"] == 0.51
    with pytest.raises(MarginsError, match="Row 2"):
        Margins.from_rows(
            [{"dimension": "sex", "category": "f", "share": "0.5"}, {"dimension": "sex"}]
        )


def test_design_effect_and_effective_sample_size_follow_kish():
    assert design_effect([1, 1, 1, 1]) == pytest.approx(1.0)
    assert design_effect([2, 0, 2, 0]) == pytest.approx(2.0)
    assert effective_sample_size([2, 0, 2, 0]) == pytest.approx(2.0)


def test_representation_shows_shares_ratio_flags_and_who_did_not_say():
    values = ["16-34"] * 3 + ["35-64"] * 50 + ["65+"] * 47 + ["prefer_not_to_say"] * 4 + [""] * 6
    report = compare_dimension("age", values, MARGINS["age"])
    rows = {row.category: row for row in report.rows}
    assert rows["16-34"].respondents == 3
    assert rows["16-34"].respondent_share == pytest.approx(0.03)
    assert rows["16-34"].ratio == pytest.approx(0.1)
    assert rows["16-34"].flag == "under"
    assert rows["65+"].flag == "over"
    assert rows["35-64"].flag == ""
    assert (report.prefer_not_to_say, report.not_answered, report.total) == (4, 6, 110)


def test_paired_change_counts_movers_and_tests_them():
    scale = ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"]
    before = {f"p{i}": "disagree" for i in range(20)} | {"late": "agree"}
    after = {f"p{i}": "agree" for i in range(16)} | {f"p{i}": "disagree" for i in range(16, 20)}
    after["only-after"] = "neutral"
    change = paired_change(before, after, scale)
    assert (change.pairs, change.up, change.down, change.unchanged) == (20, 16, 0, 4)
    assert (change.only_before, change.only_after) == (1, 1)
    assert change.sign_test_p == pytest.approx(2 * 0.5**16)
    assert change.wilcoxon_p < 0.001
    assert change.before["disagree"] == 20
    still = paired_change(before, before, scale)
    assert still.sign_test_p == 1.0 and still.wilcoxon_p == 1.0 and still.moved == 0


def test_cli_prints_weights_keyed_by_id(tmp_path, capsys):
    responses = tmp_path / "responses.csv"
    sample = _sample(n=400, seed=5)
    lines = ["ref,age,sex"] + [
        f"R{i},{a},{s}" for i, (a, s) in enumerate(zip(sample["age"], sample["sex"], strict=True))
    ]
    responses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    margins = tmp_path / "margins.csv"
    margins.write_text(
        "dimension,category,share\n"
        + "".join(f"{d},{c},{s}\n" for d in ("age", "sex") for c, s in MARGINS[d].items()),
        encoding="utf-8",
    )
    status = main(
        [
            "weights",
            str(responses),
            "--margins",
            str(margins),
            "--id-column",
            "ref",
            "--trim",
            "0.2,5",
        ]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"weights", "iterations", "converged", "design_effect", "effective_n"}
    assert len(data["weights"]) == 400 and "R0" in data["weights"]
    assert data["converged"] is True
    assert sum(data["weights"].values()) / 400 == pytest.approx(1.0)

    margins.write_text("dimension,category,share\nage,young,0.5\nage,old,0.4\n", encoding="utf-8")
    assert main(["weights", str(responses), "--margins", str(margins)]) == 2
    assert "'age'" in capsys.readouterr().err
