"""Benchmark jury selection: LEXIMIN and LEGACY on the public instances and generated pools.

Reads /work/shared/data/sortition/ where it lies (never copied into the project) and
prints, per instance, the minimum selection probability, the Gini coefficient and the
seconds of each algorithm beside the published figures (`instance.json`,
`published_min_probabilities.csv`). The real pools of Flanigan et al. (Nature 2021) are
private, so it also generates pools of the paper's sizes (up to 2,000 people, 4-7
categories with uneven quotas and correlated features, hence hundreds of types).

    python bench/selection.py            # everything (tens of minutes on 2 cores)
    python bench/selection.py --quick    # skip the generated pools above 1,000 people
    python bench/selection.py --levels   # the 2,000-person pool, time per LEXIMIN level
    python bench/selection.py --households  # the 150-person fixture with households

Every figure is printed with the load average (the machine is shared).

Ends with one JSON line holding every row.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.sortition import (  # noqa: E402
    Categories,
    PanelDistribution,
    Quota,
    Respondent,
    build_types,
    check_feasibility,
    leximin_distribution,
    read_categories,
    read_respondents,
    relaxation,
    select_panel,
    stage_printer,
)

DATA = Path("/work/shared/data/sortition")
SEED = "04 12 19 33 41 47"

# (name, pool size, panel size, categories): the sizes of the paper's instances
GENERATED = [
    ("gen_mass", 70, 24, 5),
    ("gen_sf_c", 161, 44, 7),
    ("gen_hd", 239, 30, 7),
    ("gen_sf_b", 250, 20, 6),
    ("gen_sf_a", 312, 35, 6),
    ("gen_obf", 321, 30, 7),
    ("gen_nexus", 342, 170, 5),
    ("gen_sf_d", 404, 40, 6),
    ("gen_cca", 825, 75, 4),
    ("gen_sf_e", 1727, 110, 7),
    ("gen_2000_150", 2000, 150, 6),
    ("gen_2000_200", 2000, 200, 7),
]


def generate_pool(
    n: int, k: int, n_categories: int, seed: int
) -> tuple[Categories, list[Respondent]]:
    """A self-selected pool: a latent trait skews who volunteers, quotas follow the census.

    Each category has 2-6 values with uneven population shares; quotas are the shares of
    k within +-15%; the pool over- or under-represents values through one latent trait
    (so features are correlated) and is re-drawn until a quota-meeting panel exists.
    """
    rng = np.random.default_rng(seed)
    for _ in range(50):
        latent = rng.normal(size=n)
        columns, quotas = [], []
        for c in range(n_categories):
            m = int(rng.integers(2, 7))
            shares = rng.dirichlet(np.ones(m) * 3)
            loading = rng.normal(size=m) * 1.2
            logits = (
                np.log(shares)[None, :]
                + latent[:, None] * loading[None, :]
                + rng.normal(size=(n, m)) * 0.3
            )
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            values = np.minimum((p.cumsum(axis=1) < rng.random(n)[:, None]).sum(axis=1), m - 1)
            columns.append(values)
            for v in range(m):
                target = shares[v] * k
                quotas.append(
                    Quota(
                        f"c{c}", f"v{v}", int(np.floor(target * 0.85)), int(np.ceil(target * 1.15))
                    )
                )
        categories = Categories(tuple(quotas))
        people = [
            Respondent(f"r{i}", {f"c{c}": f"v{columns[c][i]}" for c in range(n_categories)})
            for i in range(n)
        ]
        if check_feasibility(people, categories, k).feasible:
            return categories, people
    raise RuntimeError("could not generate a feasible pool")


def load() -> str:
    """The 1-minute load average, to print beside every time (the machine is shared)."""
    return Path("/proc/loadavg").read_text().split()[0]


def levels_run(time_limit: float | None, prune_after: int | None = None) -> None:
    """LEXIMIN on the generated 2,000-person pool (6 categories, panel 150), level by level.

    Prints one line per level (seconds since the start, types settled, load average), then
    the totals, whether every level was solved (`complete`) and the largest distance of
    the probabilities from the linear relaxation's LEXIMIN values (0 up to the lottery's
    1e-9 rounding when the direct path reached them). `prune_after` overrides
    `relaxation.PRUNE_AFTER` (panels dropped from the decomposition's master after that many
    solves without weight; 0: never).
    """
    if prune_after is not None:
        relaxation.PRUNE_AFTER = prune_after
    categories, people = generate_pool(2000, 150, 6, seed=11)
    types = build_types(categories, people)
    print(
        f"gen_2000_150: {len(people)} people, {len(categories.names)} categories, "
        f"{types.n_types} types, panel 150; load {load()}",
        flush=True,
    )
    cpu_started = time.process_time()
    level_cpu: list[float] = []  # CPU seconds when each level's first line was printed

    def line(text: str) -> None:
        cpu = time.process_time() - cpu_started
        if "(level " in text:
            level_cpu.append(cpu)
        print(f"  {text}  ({cpu:.1f}s CPU, load {load()})", flush=True)

    distribution = leximin_distribution(
        types, 150, time_limit=time_limit, progress=stage_printer(line)
    )
    cpu_total = time.process_time() - cpu_started
    # a level ends when the next one starts (the last one with the run)
    cpu_ends = [*level_cpu[1:], cpu_total]
    previous = previous_cpu = 0.0
    for level, end in enumerate(distribution.level_seconds, start=1):
        cpu_end = cpu_ends[level - 1] if level - 1 < len(cpu_ends) else cpu_total
        print(
            f"  level {level}: {end - previous:6.1f}s wall, {cpu_end - previous_cpu:6.1f}s CPU "
            f"(ends at {end:6.1f}s wall, {cpu_end:6.1f}s CPU)"
        )
        previous, previous_cpu = end, cpu_end
    print(
        f"complete={distribution.complete} levels={distribution.levels} "
        f"rounds={distribution.rounds} integer programs={distribution.pricing_calls} "
        f"panels={len(distribution.weights)} seconds={distribution.seconds:.1f} "
        f"CPU={time.process_time() - cpu_started:.1f}s "
        f"min={distribution.type_probabilities.min():.6f} load {load()}",
        flush=True,
    )
    relaxed = relaxation._relaxation_leximin(types, 150)
    if relaxed is not None:
        gap = np.abs(distribution.type_probabilities - relaxed[0])
        print(
            f"largest |probability - relaxation value| {gap.max():.2e} "
            f"({int((gap > 1e-6).sum())} types beyond 1e-6; PRUNE_AFTER={relaxation.PRUNE_AFTER})",
            flush=True,
        )
    print(
        json.dumps(
            {
                "bench": "selection-levels",
                "complete": distribution.complete,
                "level_seconds": distribution.level_seconds,
                "type_probabilities": [round(float(p), 9) for p in distribution.type_probabilities],
            }
        )
    )


def print_run(name: str, distribution: PanelDistribution, cpu: float) -> None:
    print(
        f"{name:<22} {distribution.seconds:6.1f}s wall {cpu:6.1f}s CPU  "
        f"levels {distribution.levels}  rounds {distribution.rounds}  "
        f"integer programs {distribution.pricing_calls}  load {load()}",
        flush=True,
    )


def households_run() -> None:
    """The Sortition Foundation fixture with households (a third of the people in pairs):
    LEXIMIN without households (the reference time), then with households: by peeling (the
    default), and by the column generation without and with the household-aware local
    moves; same probabilities?"""
    import analysis.sortition.leximin as leximin_module
    import analysis.sortition.relaxation as relaxation_module

    searchers = (leximin_module, relaxation_module)  # the levels and the direct way

    folder = DATA / "sortitionfoundation_fixture_22"
    categories = read_categories(folder / "categories.csv")
    people = [
        Respondent(p.id, p.features, {"address": f"h{i - 1}" if i % 3 == 1 else f"h{i}"})
        for i, p in enumerate(read_respondents(folder / "respondents.csv", categories).people)
    ]
    types = build_types(categories, people, "address")
    plain = build_types(categories, [Respondent(p.id, p.features) for p in people])
    cpu_started = time.process_time()
    distribution = leximin_distribution(plain, 22)
    print_run("no households", distribution, time.process_time() - cpu_started)
    results = {}
    original = leximin_module._swap_search
    for name, search, peel in (
        ("peeling", original, True),
        ("column generation without local moves", lambda *a, **k: None, False),
        ("column generation, household-aware moves", original, False),
    ):
        for module in searchers:
            module._swap_search = search
        leximin_module.PEEL = peel
        cpu_started = time.process_time()
        try:
            distribution = leximin_distribution(types, 22)
        finally:
            for module in searchers:
                module._swap_search = original
            leximin_module.PEEL = True
        results[name] = distribution.type_probabilities
        print_run(name, distribution, time.process_time() - cpu_started)
    found = list(results.values())
    gap = max(float(np.abs(found[0] - other).max()) for other in found[1:])
    print(
        f"{types.n_types} types, {len(types.household_groups)} shared households; "
        f"largest probability difference {gap:.1e}"
    )


def published() -> dict[str, dict[str, str]]:
    with open(DATA / "published_min_probabilities.csv", newline="") as handle:
        return {row["instance"]: row for row in csv.DictReader(handle)}


def run_instance(
    name: str,
    categories: Categories,
    people: list[Respondent],
    k: int,
    *,
    legacy_draws: int,
    time_limit: float,
    reference: dict[str, float | None],
) -> dict[str, object]:
    types = build_types(categories, people)
    row: dict[str, object] = {
        "instance": name,
        "n": len(people),
        "k": k,
        "categories": len(categories.names),
        "types": types.n_types,
        **reference,
    }
    try:
        leximin = select_panel(categories, people, k, seed=SEED, time_limit=time_limit)
        row.update(
            leximin_min=leximin.min_probability,
            leximin_gini=leximin.gini,
            leximin_seconds=leximin.seconds,
            leximin_note=leximin.notes[0] if leximin.notes else "",
        )
    except RuntimeError as error:
        row.update(leximin_min=None, leximin_gini=None, leximin_seconds=None)
        row["leximin_note"] = str(error)
    if legacy_draws:
        try:
            legacy = select_panel(
                categories, people, k, algorithm="legacy", seed=SEED, legacy_draws=legacy_draws
            )
            row.update(
                legacy_min=legacy.min_probability,
                legacy_gini=legacy.gini,
                legacy_seconds=legacy.seconds,
                legacy_draws=legacy_draws,
            )
        except RuntimeError as error:
            row.update(legacy_min=None, legacy_gini=None, legacy_seconds=None)
            row["legacy_note"] = str(error)
    return row


def fmt(value: object, kind: str) -> str:
    """kind: "%" a probability as a percentage, "g" a Gini coefficient, "s" seconds."""
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    if kind == "%":
        return f"{100 * number:.2f}%"
    return f"{number:.3f}" if kind == "g" else f"{number:.1f}"


def print_row(row: dict[str, object]) -> None:
    print(
        f"{row['instance']:<32} {row['n']:>5} {row['k']:>4} {row['types']:>5} "
        f"{fmt(row.get('leximin_min'), '%'):>8} {fmt(row.get('published_leximin'), '%'):>8} "
        f"{fmt(row.get('leximin_gini'), 'g'):>6} {fmt(row.get('leximin_seconds'), 's'):>7} "
        f"{fmt(row.get('legacy_min'), '%'):>8} {fmt(row.get('published_legacy'), '%'):>8} "
        f"{fmt(row.get('legacy_gini'), 'g'):>6} {fmt(row.get('legacy_seconds'), 's'):>7}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip generated pools > 1,000")
    parser.add_argument("--legacy-draws", type=int, default=10000, help="public instances")
    parser.add_argument("--generated-legacy-draws", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=280.0, help="LEXIMIN, seconds")
    parser.add_argument("--only", help="run only instances whose name contains this")
    parser.add_argument("--no-generated", action="store_true")
    parser.add_argument("--levels", action="store_true", help="2,000-person pool by level")
    parser.add_argument("--households", action="store_true", help="fixture with households")
    parser.add_argument("--prune", type=int, help="--levels: PRUNE_AFTER for this run")
    args = parser.parse_args()
    if args.levels:
        levels_run(args.time_limit if args.time_limit > 0 else None, args.prune)
        return
    if args.households:
        households_run()
        return

    started = time.perf_counter()
    print(
        f"{'instance':<32} {'n':>5} {'k':>4} {'types':>5} {'LEXIMIN':>8} {'publ.':>8} "
        f"{'gini':>6} {'sec':>7} {'LEGACY':>8} {'publ.':>8} {'gini':>6} {'sec':>7}"
    )
    rows = []
    paper = published()
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        if args.only and args.only not in folder.name:
            continue
        info = json.loads((folder / "instance.json").read_text())
        categories = read_categories(folder / "categories.csv")
        people = list(read_respondents(folder / "respondents.csv", categories).people)
        key = folder.name.rsplit("_", 1)[0]
        reference = {
            "published_leximin": info["published"].get("leximin_min_probability")
            or (info.get("reference") or {}).get("leximin_min_probability"),
            "published_legacy": info["published"].get("legacy_min_probability"),
            "paper_csv_leximin": float(paper[key]["leximin_min"]) if key in paper else None,
        }
        row = run_instance(
            folder.name,
            categories,
            people,
            info["panel_size"],
            legacy_draws=args.legacy_draws,
            time_limit=args.time_limit,
            reference=reference,
        )
        rows.append(row)
        print_row(row)
    if not args.no_generated:
        for index, (name, n, k, n_categories) in enumerate(GENERATED):
            if args.only and args.only not in name:
                continue
            if args.quick and n > 1000:
                continue
            categories, people = generate_pool(n, k, n_categories, seed=index + 1)
            paper_key = name.removeprefix("gen_")
            reference = {
                "published_leximin": None,
                "published_legacy": None,
                "paper_real_pool_leximin": float(paper[paper_key]["leximin_min"])
                if paper_key in paper
                else None,
            }
            row = run_instance(
                f"{name} (generated)",
                categories,
                people,
                k,
                legacy_draws=args.generated_legacy_draws,
                time_limit=args.time_limit,
                reference=reference,
            )
            rows.append(row)
            print_row(row)
    print(f"total {time.perf_counter() - started:.0f}s")
    print(json.dumps({"bench": "selection", "seed": SEED, "rows": rows}))


if __name__ == "__main__":
    main()
