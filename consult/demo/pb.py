"""The demo council's participatory budgeting rounds, as plain data (PyYAML and the
standard library): `finished_pb_round()` (Riverside Youth Fund 2026, counted, two funded
projects in delivery) and `open_pb_round()` (Riverside Neighbourhood Fund 2027, voting).

Prose and figures are in consult/demo/data/participatory_budgeting.yaml. Ballots are
written there as blocs (voters choosing the same projects); this module expands each bloc
into individual ballots, each with an age band and a ward drawn from the round's weights
by a seeded generator, so the same seed always gives the same ballots."""

from __future__ import annotations

import random
from typing import Any

from consult.demo.prose import DEFAULT_SEED, plain, read_data

_DATA = read_data("participatory_budgeting")


def _ballots(round_data: dict[str, Any], wards: list[str], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}:{round_data['slug']}")
    ballots = []
    for bloc in round_data["ballots"]:
        ages = bloc.get("ages") or round_data.get("ages") or {}
        for channel, count in (("online", bloc["voters"]), ("paper", bloc.get("paper", 0))):
            for _ in range(count):
                band = rng.choices(list(ages), weights=list(ages.values()))[0] if ages else ""
                ward = rng.choice(wards) if rng.random() < 0.8 else ""  # some prefer not to say
                ballots.append(
                    {
                        "choices": list(bloc["choices"]),
                        "channel": channel,
                        "age_band": band,
                        "ward": ward,
                    }
                )
    rng.shuffle(ballots)
    for number, ballot in enumerate(b for b in ballots if b["channel"] == "paper"):
        ballot["serial"] = f"YF-{number + 1:04d}"
    return ballots


def _round(name: str, seed: int) -> dict[str, Any]:
    data = plain(_DATA[name])
    data["wards"] = plain(_DATA["wards"])
    data["ballots"] = _ballots(data, data["wards"], seed)
    data["dates"] = {key: str(value) for key, value in data["dates"].items()}
    for delivery in data.get("delivery", {}).values():
        delivery["due"] = str(delivery["due"])
    return data


def finished_pb_round(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Riverside Youth Fund 2026: proposals, assessments with reasons, online and paper
    ballots, to be counted by the Method of Equal Shares; delivery of two funded projects."""
    return _round("finished", seed)


def open_pb_round(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Riverside Neighbourhood Fund 2027, open for voting (a few ballots already cast)."""
    return _round("open", seed)
