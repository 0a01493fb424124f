"""Benchmark of opinion groups and duplicate/campaign detection (`analysis/`).

    .venv/bin/python bench/opinion_duplicates.py [--duplicates-n 100000] [--replay]
                                                 [--polis-only]

- Opinion groups on every Pol.is open-data conversation in ../shared/data/polis/ (read
  where they lie): Adjusted Rand Index between `analysis.opinion.opinion_groups` and
  the export's own ``group-id`` on the participants that have one (anyone we leave
  ungrouped counts as a group of their own), the number of groups, our group sizes
  beside Pol.is's, and the ARI before issue 13 (`ARI_BEFORE`; a drop of more than 0.05
  is flagged with its reason). Statements moderated out or marked ``is-meta`` in
  comments.csv are passed as ``moderated_out``. How k is chosen was revisited: each
  row also prints the ARI with k fixed at 2-5 and with ``--min-votes 3``. With
  ``--replay`` the votes are also fed in time order, in 60 steps, each warm-started
  from the last (the live map), with the number of group changes along the way.
- Speed of `opinion_groups` on 2,000 participants x 500 statements (30% voted).
- `analysis.duplicates.find_duplicates` on 100,000 answers sampled from
  ../shared/data/shorttext/ with injected campaigns (templates with a changed name,
  street, added sentence or typo): seconds, peak resident memory, and precision/recall
  of the injected campaigns.

Other benches import `run_polis()`, `run_opinion_speed()` and `run_duplicates(n)`.
Prints a table, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before bench/, whose analysis.py would shadow the package

from analysis.duplicates import find_duplicates  # noqa: E402
from analysis.opinion import opinion_groups  # noqa: E402
from analysis.polis import read_moderated_out, read_polis_groups, read_votes  # noqa: E402

DATA = Path(os.environ.get("CONSULT_DATA", ROOT.parent / "shared" / "data"))
POLIS = DATA / "polis"
SHORTTEXT = DATA / "shorttext"
ARI_TARGETS = {"scoop-hivemind.biodiversity": 0.9, "15-per-hour-seattle": 0.75}
#: ARI per conversation of the code before issue 13 (commit 5a74dbf, measured 2026-12-05
#: with this bench's protocol): the figures to beat. Mean 0.480.
ARI_BEFORE = {
    "15-per-hour-seattle": 0.884,
    "brexit-consensus": 0.808,
    "canadian-electoral-reform": 0.964,
    "london.youth.policing": 0.178,
    "scoop-hivemind.affordable-housing": 0.036,
    "scoop-hivemind.biodiversity": 0.947,
    "scoop-hivemind.freshwater": 0.036,
    "scoop-hivemind.ubi": -0.014,
}
#: Why a conversation may score more than 0.05 below ARI_BEFORE (none does today).
DROP_REASONS: dict[str, str] = {}


def conversations() -> list[str]:
    """Every conversation folder under ../shared/data/polis/."""
    return sorted(p.name for p in POLIS.iterdir() if (p / "participants-votes.csv").is_file())


# --- opinion groups ---------------------------------------------------------------------


def moderated_out(folder: Path) -> set[str]:
    """Comment ids moderated out or marked ``is-meta`` in comments.csv (the library's
    `read_moderated_out`)."""
    return read_moderated_out(folder / "comments.csv")


def _ari(truth: dict[str, int], assignments: dict[str, int]) -> float:
    people = sorted(truth)
    ours = [str(assignments[p]) if p in assignments else f"alone-{p}" for p in people]
    return float(adjusted_rand_score([truth[p] for p in people], ours))


def _replay(folder: Path, removed: set[str], steps: int = 60) -> dict:
    """Feed the votes in time order, warm-starting each update from the last."""
    with open(folder / "votes.csv", encoding="utf-8", newline="") as handle:
        events = sorted(
            csv.DictReader(handle), key=lambda row: (float(row["timestamp"]), row["voter-id"])
        )
    votes = [(row["voter-id"], row["comment-id"], int(row["vote"])) for row in events]
    step = max(1, len(votes) // steps)
    previous = None
    moved = group_count_changes = 0
    seconds = []
    for end in range(step, len(votes) + step, step):
        start = time.perf_counter()
        result = opinion_groups(votes[:end], previous=previous, moderated_out=removed)
        seconds.append(time.perf_counter() - start)
        if previous is not None:
            shared = result.assignments.keys() & previous.assignments.keys()
            moved += sum(result.assignments[p] != previous.assignments[p] for p in shared)
            group_count_changes += len(result.groups) != len(previous.groups)
        previous = result
    assert previous is not None
    return {
        "updates": len(seconds),
        "ari": round(
            _ari(read_polis_groups(folder / "participants-votes.csv"), previous.assignments), 3
        ),
        "participant_moves": moved,
        "group_count_changes": group_count_changes,
        "mean_update_seconds": round(float(np.mean(seconds)), 3),
    }


def run_polis(replay: bool = False) -> list[dict]:
    """ARI against Pol.is's own groups for each conversation, ours vs their group sizes."""
    results = []
    for name in conversations():
        folder = POLIS / name
        if not folder.is_dir():
            results.append({"conversation": name, "skipped": "no data"})
            continue
        truth = read_polis_groups(folder / "participants-votes.csv")
        votes = read_votes(folder / "votes.csv")
        removed = moderated_out(folder)
        start = time.perf_counter()
        result = opinion_groups(votes, moderated_out=removed, random_state=0)
        seconds = time.perf_counter() - start
        scored = set(truth)
        row = {
            "conversation": name,
            "participants": len({p for p, _, _ in votes}),
            "scored": len(truth),
            "ari": round(_ari(truth, result.assignments), 3),
            "target": ARI_TARGETS.get(name),
            "our_groups": [len(g.participants) for g in result.groups],
            "our_groups_on_scored": sorted(
                Counter(result.assignments[p] for p in scored if p in result.assignments).values(),
                reverse=True,
            ),
            "ungrouped_scored": sum(p not in result.assignments for p in scored),
            "their_groups": sorted(Counter(truth.values()).values(), reverse=True),
            "ari_before": ARI_BEFORE.get(name),
            "groups": len(result.groups),
            "ari_without_moderation": round(
                _ari(truth, opinion_groups(votes, random_state=0).assignments), 3
            ),
            # How the choice of k was revisited: the ARI with each k fixed, and with the
            # entry threshold at 3 votes instead of 7.
            "ari_by_k": {
                k: round(
                    _ari(
                        truth,
                        opinion_groups(
                            votes, moderated_out=removed, random_state=0, n_groups=k
                        ).assignments,
                    ),
                    3,
                )
                for k in range(2, 6)
            },
            "ari_min_votes_3": round(
                _ari(
                    truth,
                    opinion_groups(
                        votes, moderated_out=removed, random_state=0, min_votes=3
                    ).assignments,
                ),
                3,
            ),
            "seconds": round(seconds, 3),
        }
        if row["target"] is not None:
            row["target_met"] = row["ari"] >= row["target"]
        if replay:
            row["replay"] = _replay(folder, removed)
        results.append(row)
    return results


def synthetic_votes(
    participants: int = 2000, statements: int = 500, density: float = 0.3, seed: int = 0
) -> list[tuple[str, str, int]]:
    """Three planted opinion groups with 25% noisy votes; ``density`` of cells voted."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, participants)
    stance = rng.choice([-1, 0, 1], size=(3, statements), p=[0.4, 0.2, 0.4])
    voted = rng.random((participants, statements)) < density
    noisy = rng.random((participants, statements)) < 0.25
    values = np.where(noisy, rng.choice([-1, 0, 1], size=(participants, statements)), stance[group])
    rows, columns = np.nonzero(voted)
    return [(f"p{r}", f"s{c}", int(values[r, c])) for r, c in zip(rows, columns, strict=True)]


def run_opinion_speed(participants: int = 2000, statements: int = 500) -> dict:
    """Seconds for one cold and one warm-started `opinion_groups` call."""
    votes = synthetic_votes(participants, statements)
    start = time.perf_counter()
    cold = opinion_groups(votes)
    cold_seconds = time.perf_counter() - start
    start = time.perf_counter()
    opinion_groups(votes, previous=cold)
    warm_seconds = time.perf_counter() - start
    return {
        "participants": participants,
        "statements": statements,
        "votes": len(votes),
        "seconds": round(cold_seconds, 3),
        "warm_seconds": round(warm_seconds, 3),
        "groups": [len(g.participants) for g in cold.groups],
        "target_seconds": 2.0,
    }


# --- duplicates and campaigns -------------------------------------------------------------

_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ewa",
    "Farid",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kofi",
    "Lena",
    "Mo",
    "Nia",
    "Owen",
    "Priya",
]
_STREETS = ["Mill Lane", "Park Road", "Station Street", "Church Walk", "Elm Grove", "Victoria Road"]
_EXTRAS = [
    "My children walk this way to school every day.",
    "I have lived here for twenty years.",
    "Please listen to residents this time.",
    "The consultation was far too short.",
    "Older neighbours rely on this service.",
    "We were never told about the plans.",
]
_TEMPLATES = [
    "Dear councillors, I strongly object to the proposed closure of the library on {street}."
    " It is a vital community space for young and old. Yours sincerely, {name}",
    "I oppose the new parking charges in the town centre because they will drive shoppers"
    " away from local businesses on {street}. {name}",
    "As a resident of {street} I support the low traffic neighbourhood scheme; it has made"
    " our streets safer and quieter for everyone. Regards, {name}",
    "Please do not cut the number 12 bus service. Many of us on {street} have no car and"
    " depend on it to reach work and the hospital. Thank you, {name}",
    "We need more affordable homes for local families, not luxury flats. The development"
    " at {street} should include at least forty percent social housing. {name}",
    "The proposed incinerator near {street} is a danger to public health and must be"
    " rejected by the planning committee. Signed, {name}",
    "Save our swimming pool! The leisure centre on {street} is used by schools, clubs and"
    " pensioners and closing it would be a disgrace. From {name}",
    "I urge the council to plant more street trees and protect the green on {street}"
    " from any building. Nature matters to this community. {name}",
]
_CAMPAIGN_SIZES = (5, 8, 12, 25, 60, 150, 400, 1500)


def _variant(template: str, rng: random.Random) -> str:
    text = template.format(name=rng.choice(_NAMES), street=rng.choice(_STREETS))
    edit = rng.random()
    if edit < 0.3:
        sentences = text.split(". ")
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(_EXTRAS).rstrip("."))
        text = ". ".join(sentences)
    elif edit < 0.45:
        words = text.split()
        words.pop(rng.randrange(len(words)))
        text = " ".join(words)
    elif edit < 0.6:
        at = rng.randrange(len(text) - 1)
        text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    if rng.random() < 0.3:
        text = text.upper() if rng.random() < 0.2 else text.lower()
    return text


def duplicate_corpus(n: int = 100_000, seed: int = 0) -> tuple[list[str], dict[int, int]]:
    """``n`` answers: shorttext rows (all of them, then resampled) and injected campaigns.

    Returns the texts and, for each injected row, its campaign number.
    """
    rng = random.Random(seed)
    pool: list[str] = []
    for path in sorted(SHORTTEXT.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            pool.extend(row["text"] for row in csv.DictReader(handle))
    campaign_rows: list[tuple[str, int]] = []
    for number, (template, size) in enumerate(zip(_TEMPLATES, _CAMPAIGN_SIZES, strict=True)):
        campaign_rows.extend((_variant(template, rng), number) for _ in range(size))
    organic = n - len(campaign_rows)
    texts = pool[:organic] + [rng.choice(pool) for _ in range(max(0, organic - len(pool)))]
    rows = [(text, -1) for text in texts] + campaign_rows
    rng.shuffle(rows)
    return [text for text, _ in rows], {i: c for i, (_, c) in enumerate(rows) if c >= 0}


def campaign_scores(groups: list, truth: dict[int, int]) -> dict:
    """How well the injected campaigns were found among the "campaign" groups.

    Each predicted campaign group is matched to the injected campaign most of its members
    come from (or to "organic" when most are sampled data). Recall: injected answers in a
    group matched to their own campaign. Purity: members of groups matched to an
    injected campaign that are from it. Precision (strict): the same over every campaign
    group, counting organic ones as wrong, though those are repeated or templated texts
    in the source data (web snippets of one site, titles sampled several times).
    """
    predicted = [g for g in groups if g.kind == "campaign"]
    right = matched_size = placed = organic_groups = organic_answers = 0
    groups_per_campaign: Counter = Counter()
    for group in predicted:
        origins = Counter(truth.get(int(i), -1) for i in group.ids)
        origin, hits = origins.most_common(1)[0]
        placed += group.count
        if origin >= 0:
            right += hits
            matched_size += group.count
            groups_per_campaign[origin] += 1
        else:
            organic_groups += 1
            organic_answers += group.count
    injected = len(truth)
    return {
        "injected_campaigns": len(set(truth.values())),
        "injected_answers": injected,
        "campaigns_found": len(groups_per_campaign),
        "campaigns_split": sum(1 for n in groups_per_campaign.values() if n > 1),
        "recall": round(right / injected, 4) if injected else 0.0,
        "purity": round(right / matched_size, 4) if matched_size else 0.0,
        "precision_strict": round(right / placed, 4) if placed else 0.0,
        "organic_campaign_groups": organic_groups,
        "organic_campaign_answers": organic_answers,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duplicates(n: int = 100_000) -> dict:
    """Seconds, peak RSS and campaign precision/recall of `find_duplicates` on n answers."""
    texts, truth = duplicate_corpus(n)
    rss_before = _peak_rss_mb()
    start = time.perf_counter()
    groups = find_duplicates(texts)
    seconds = time.perf_counter() - start
    kinds = Counter(g.kind for g in groups)
    return {
        "answers": len(texts),
        "seconds": round(seconds, 2),
        "peak_rss_mb_before": round(rss_before, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "groups": dict(kinds),
        "answers_in_groups": {k: sum(g.count for g in groups if g.kind == k) for k in kinds},
        "largest_group": max((g.count for g in groups), default=0),
        **campaign_scores(groups, truth),
        "target_seconds": 15.0,
        "target_rss_mb": 1536,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duplicates-n", type=int, default=100_000)
    parser.add_argument("--replay", action="store_true", help="also replay votes in time order")
    parser.add_argument("--polis-only", action="store_true", help="skip speed and duplicates")
    args = parser.parse_args(argv)
    figures: dict = {}

    figures["polis"] = run_polis(replay=args.replay)
    print(f"load average {os.getloadavg()[0]:.1f}")
    for row in figures["polis"]:
        before = row.get("ari_before")
        drop = before is not None and row["ari"] < before - 0.05
        print(
            f"{row['conversation']:<34} ARI {row.get('ari'):.3f} (before {before}; target "
            f"{row.get('target')}; without moderation {row.get('ari_without_moderation')}) "
            f"{row['groups']} groups: ours {row.get('our_groups')} theirs "
            f"{row.get('their_groups')}, ungrouped-scored {row.get('ungrouped_scored')}, "
            f"{row.get('seconds')} s | ARI with k fixed {row['ari_by_k']}, "
            f"with --min-votes 3 {row['ari_min_votes_3']}"
            + (
                f" | DROP > 0.05: {DROP_REASONS.get(row['conversation'], 'no reason given')}"
                if drop
                else ""
            )
        )
        if "replay" in row:
            print(f"{'':<34} replay {row['replay']}")
    scored = [row["ari"] for row in figures["polis"]]
    before = [
        ARI_BEFORE[row["conversation"]]
        for row in figures["polis"]
        if row["conversation"] in ARI_BEFORE
    ]
    figures["polis_mean_ari"] = round(sum(scored) / len(scored), 3)
    print(
        f"mean ARI over {len(scored)} conversations {figures['polis_mean_ari']} "
        f"(before {round(sum(before) / max(1, len(before)), 3)})",
        flush=True,
    )
    if args.polis_only:
        print(json.dumps(figures))
        return 0
    figures["opinion_speed"] = run_opinion_speed()
    print(f"opinion_groups 2,000 x 500: {figures['opinion_speed']}", flush=True)
    figures["duplicates"] = run_duplicates(args.duplicates_n)
    print(f"find_duplicates: {figures['duplicates']}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
