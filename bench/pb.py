"""Bench: MES with Add1 on a synthetic vote the size of a large city's (issue 17).

    /work/main/.venv/bin/python bench/pb.py [--voters 90000] [--projects 160] [--seed 1]

Builds a seeded approval election (each voter approves 1 to 5 projects, drawn by
popularity; project costs from a log-normal spread; a budget of about a third of the total
cost), writes and reads it back as a Pabulib file, and counts it with `equalshares/add1`.
Prints the time of each step, the Add1 figures, peak memory (the process's maximum
resident set) and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pb import Ballot, Election, Project, choose_winners, parse_pabulib, write_pabulib
from analysis.pb.mes import Counting, equal_shares_add1
from analysis.pb.profile import build_profile


def synthetic_election(voters: int, projects: int, seed: int) -> Election:
    """A seeded approval election: popularity-weighted ballots of 1-5 projects."""
    rng = np.random.default_rng(seed)
    costs = np.round(np.exp(rng.normal(np.log(300_000), 0.9, projects)), -3).clip(10_000, 5_000_000)
    popularity = rng.pareto(1.5, projects) + 0.2
    log_weights = np.log(popularity / popularity.sum())
    ids = [str(100 + p) for p in range(projects)]
    ballots = []
    for start in range(0, voters, 10_000):
        size = min(10_000, voters - start)
        keys = log_weights + rng.gumbel(size=(size, projects))  # top-k: weighted sampling
        picks = np.argsort(-keys, axis=1)[:, :5]
        lengths = rng.integers(1, 6, size)
        ages = rng.integers(16, 90, size)
        for row in range(size):
            chosen = tuple(ids[p] for p in picks[row, : lengths[row]])
            attributes = {"age": str(ages[row])}
            ballots.append(Ballot(str(start + row + 1), chosen, (), attributes))
    budget = Fraction(int(costs.sum() // 3 // 1000 * 1000))
    meta = {
        "description": "synthetic large-city PB (bench/pb.py)",
        "country": "Nowhere",
        "unit": "Bench",
        "instance": str(seed),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "equalshares/add1",
        "max_length": "5",
    }
    return Election(
        meta=meta,
        projects=tuple(Project(i, Fraction(int(c))) for i, c in zip(ids, costs, strict=True)),
        ballots=tuple(ballots),
        vote_type="approval",
        budget=budget,
        project_columns=("project_id", "cost"),
        vote_columns=("voter_id", "age", "vote"),
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=90_000)
    parser.add_argument("--projects", type=int, default=160)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    started = time.perf_counter()
    election = synthetic_election(arguments.voters, arguments.projects, arguments.seed)
    made = time.perf_counter()
    text = write_pabulib(election)
    election = parse_pabulib(text)
    read = time.perf_counter()
    print(f"load average before: {load_average()}")
    print(
        f"instance: {len(election.ballots):,} voters, {len(election.projects)} projects, "
        f"budget {int(election.budget):,}; generated in {made - started:.1f} s; "
        f"written and read back as .pb ({len(text) / 1e6:.1f} MB) in {read - made:.1f} s"
    )
    before = peak_mb()

    t0 = time.perf_counter()
    profile = build_profile(election)
    counting = Counting(profile)
    t1, c1 = time.perf_counter(), time.process_time()
    add1 = equal_shares_add1(counting)
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        f"ballots grouped: {len(profile.weights):,} distinct ballots in {t1 - t0:.2f} s; "
        f"MES with Add1: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU "
        f"({add1.raises} raises of the share, from "
        f"{float(profile.budget / profile.n_voters):.2f} to {float(add1.run.share):.2f}; "
        f"{len(add1.run.selected)} projects, "
        f"spent {int(add1.run.spent):,} of {int(profile.budget):,})"
    )
    t3, c3 = time.perf_counter(), time.process_time()
    outcome = choose_winners(election, "equalshares/add1")
    t4, c4 = time.perf_counter(), time.process_time()
    print(
        "whole count with explanations and fairness (choose_winners): "
        f"{t4 - t3:.2f} s wall, {c4 - c3:.2f} s CPU; "
        f"selected {len(outcome.selected)} projects"
    )
    print(f"peak memory (max RSS): {peak_mb():.0f} MB (with the instance loaded: {before:.0f} MB)")
    print(f"load average after: {load_average()}; cpus {os.cpu_count()}")


if __name__ == "__main__":
    main()
