"""Benchmark of the `analysis/` theme engine and opinion groups on public data.

    .venv/bin/python bench/analysis.py [--quick] [--sets agnews,biomedical]

For each labelled short-text set in ../shared/data/shorttext/ (read where it lies): NMI
and clustering accuracy (Hungarian matching) of `analysis.themes` against the labels,
with k fixed to the true number and with "auto" at both levels of the theme tree (top
level and sub-themes, with their numbers), beside a baseline computed in the same run
(TF-IDF with sublinear tf and English stop words + k-means, n_init=10, seed 0); and the
title measures of every theme and sub-theme (share that are 2-8-word phrases found in a
member answer, share with a function word at either end, share comma-joined; on
StackOverflow, the themes whose title names the majority tag of their answers). The
same title measures for the demo consultations' free-text questions. For
each Pol.is conversation in ../shared/data/polis/: ARI between `analysis.opinion` groups
and Pol.is's own `group-id`. Then speed: the whole themes pipeline on 100,000 answers
(seconds, CPU seconds per stage, peak resident memory and the NMI of the themes on its
labelled rows, measured in a child process), re-clustering 1,000 ideas, and opinion
groups for 2,000 participants × 500 statements. Prints a table and, last, one JSON line
with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("CONSULT_DATA", ROOT.parent / "shared" / "data"))
SHORTTEXT = DATA / "shorttext"
POLIS = DATA / "polis"
SETS = ("agnews", "searchsnippets", "stackoverflow", "biomedical")
POLIS_TARGETS = {"scoop-hivemind.biodiversity": 0.9, "15-per-hour-seattle": 0.75}


def read_set(name: str) -> tuple[list[str], list[str], list[str]]:
    """Ids, labels and texts of one short-text set."""
    with open(SHORTTEXT / f"{name}.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["id"] for r in rows], [r["label"] for r in rows], [r["text"] for r in rows]


def accuracy(truth: list[str], found: list) -> float:
    """Clustering accuracy: share of answers right after the best one-to-one matching."""
    labels = {value: i for i, value in enumerate(sorted(set(truth)))}
    clusters = {value: i for i, value in enumerate(sorted(set(found), key=str))}
    table = np.zeros((len(clusters), len(labels)))
    for t, f in zip(truth, found, strict=True):
        table[clusters[f], labels[t]] += 1
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(truth))


def baseline(texts: list[str], k: int) -> list[int]:
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(matrix).tolist()


#: StackOverflow's 20 labels are these tags, in order (see ../shared/data/README.md); a
#: title "names" a tag when it holds one of its spellings as whole words.
STACKOVERFLOW_TAGS = (
    *("wordpress", "oracle", "svn", "apache", "excel", "matlab", "visual-studio", "cocoa"),
    *("osx", "bash", "spring", "hibernate", "scala", "sharepoint", "ajax", "qt", "drupal"),
    *("linq", "haskell", "magento"),
)
TAG_SPELLINGS = {"visual-studio": ("visual studio",), "osx": ("osx", "os x", "mac")}


def names_tag(tag: str, text: str) -> bool:
    words = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "
    return any(f" {spelling} " in words for spelling in TAG_SPELLINGS.get(tag, (tag,)))


def title_measures(result, text_of: dict[str, str]) -> dict:
    """The issue's title measures over every theme and sub-theme of a `ThemeResult`."""
    from analysis.text import Stemmer
    from analysis.titles import check_title

    stemmer = Stemmer()
    nodes = [node for theme in result.themes for node in (theme, *theme.subthemes)]
    checks = [
        check_title(node.title, [text_of[i] for i in node.response_ids], stemmer) for node in nodes
    ]

    def share(flags: list[bool]) -> float:
        return round(100 * sum(flags) / max(1, len(flags)), 1)

    return {
        "titles": len(nodes),
        "grammatical_in_answers_pct": share([c.grammatical_phrase for c in checks]),
        "function_word_at_edge_pct": share([c.function_word_at_edge for c in checks]),
        "comma_joined_pct": share([c.comma_joined for c in checks]),
        "words_mean": round(sum(c.words for c in checks) / max(1, len(checks)), 1),
    }


def bench_set(name: str) -> dict:
    from analysis.themes import themes

    ids, labels, texts = read_set(name)
    k = len(set(labels))
    result: dict = {"set": name, "rows": len(texts), "k_true": k}
    start = time.perf_counter()
    base = baseline(texts, k)
    result["baseline_seconds"] = round(time.perf_counter() - start, 1)
    result["baseline_nmi"] = round(100 * normalized_mutual_info_score(labels, base), 1)
    result["baseline_acc"] = round(100 * accuracy(labels, base), 1)
    text_of = dict(zip(ids, texts, strict=True))
    label_of = dict(zip(ids, labels, strict=True))
    for mode, n_themes in (("fixed", k), ("auto", "auto")):
        start = time.perf_counter()
        found = themes(texts, ids, n_themes=n_themes, random_state=0)
        result[f"{mode}_seconds"] = round(time.perf_counter() - start, 1)
        assigned = [a.theme for a in found.assignments]
        result[f"{mode}_nmi"] = round(100 * normalized_mutual_info_score(labels, assigned), 1)
        result[f"{mode}_acc"] = round(100 * accuracy(labels, assigned), 1)
        result[f"{mode}_k"] = found.n_themes_chosen
        result[f"{mode}_no_comment"] = len(found.no_comment_ids)
        if mode == "auto":
            sub_of = found.subtheme_of()
            fine = [sub_of[i] for i in ids]
            result["auto_subthemes"] = sum(len(t.subthemes) for t in found.themes)
            result["auto_sub_level_clusters"] = len(set(fine))
            result["auto_sub_nmi"] = round(100 * normalized_mutual_info_score(labels, fine), 1)
            result["auto_titles"] = title_measures(found, text_of)
            if name == "stackoverflow":
                named = keyphrase_named = 0
                for theme in found.themes:
                    members = [label_of[i] for i in theme.response_ids]
                    tag = STACKOVERFLOW_TAGS[int(max(set(members), key=members.count)) - 1]
                    named += names_tag(tag, theme.title)
                    keyphrase_named += names_tag(tag, ", ".join(theme.keyphrases[:2]))
                result["auto_titles"]["names_majority_tag"] = f"{named}/{len(found.themes)}"
                result["auto_titles"]["keyphrase_label_names_majority_tag"] = (
                    f"{keyphrase_named}/{len(found.themes)}"
                )
    result["fixed_target_met"] = result["fixed_nmi"] >= result["baseline_nmi"] + 3
    result["auto_best_level_nmi"] = max(result["auto_nmi"], result["auto_sub_nmi"])
    result["auto_target_met"] = result["auto_best_level_nmi"] >= 0.9 * result["baseline_nmi"]
    result["load_average"] = round(os.getloadavg()[0], 1)
    return result


def demo_answers() -> dict[str, list[str]]:
    """Free-text answers of the demo consultations, per question, without the app.

    Reads `consult/demo/data/*.json` when the demo data live there (any JSON file with
    "questions" and "responses"), else runs `consult/demo/content.py` as a plain module
    (it imports only the standard library), never `consult` itself (which imports Flask).
    """
    consultations = []
    data = ROOT / "consult" / "demo" / "data"
    for path in sorted(data.glob("*.json")) if data.is_dir() else []:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict) and {"questions", "responses"} <= set(loaded):
            consultations.append(loaded)
    if not consultations:
        import importlib.util

        path = ROOT / "consult" / "demo" / "content.py"
        spec = importlib.util.spec_from_file_location("_demo_content", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        consultations = [module.open_consultation(), module.closed_consultation()]
    answers: dict[str, list[str]] = {}
    for consultation in consultations:
        for question in consultation["questions"]:
            if question.get("type") != "free_text":
                continue
            texts = [
                response["answers"].get(question["key"]) or ""
                for response in consultation["responses"]
            ]
            answers[f"{consultation.get('slug', '?')}/{question['key']}"] = [t for t in texts if t]
    return answers


def bench_demo_titles() -> list[dict]:
    from analysis.themes import themes

    rows = []
    for name, texts in demo_answers().items():
        ids = [str(i) for i in range(len(texts))]
        found = themes(texts, ids, random_state=0)
        rows.append(
            {
                "question": name,
                "answers": len(texts),
                "themes": len(found.themes),
                "subthemes": sum(len(t.subthemes) for t in found.themes),
                "title_tree": [[t.title, [s.title for s in t.subthemes]] for t in found.themes],
                **title_measures(found, dict(zip(ids, texts, strict=True))),
            }
        )
    return rows


def bench_polis() -> list[dict] | str:
    try:
        from analysis.opinion import opinion_groups
        from analysis.polis import read_moderated_out, read_polis_groups, read_votes
    except ImportError as error:
        return f"skipped: {error}"
    results = []
    for folder in sorted(p for p in POLIS.iterdir() if p.is_dir()):
        matrix = folder / "participants-votes.csv"
        votes = read_votes(matrix)
        truth = read_polis_groups(matrix)
        start = time.perf_counter()
        removed = read_moderated_out(folder / "comments.csv")
        groups = opinion_groups(votes, moderated_out=removed, random_state=0).as_dict()
        seconds = time.perf_counter() - start
        assigned = groups["assignments"]
        people = sorted(truth)
        ours = [str(assigned[p]) if assigned.get(p) is not None else f"alone-{p}" for p in people]
        ari = adjusted_rand_score([truth[p] for p in people], ours)
        target = POLIS_TARGETS.get(folder.name)
        results.append(
            {
                "conversation": folder.name,
                "participants_scored": len(people),
                "groups": len(groups["groups"]),
                "ari": round(ari, 3),
                "target": target,
                "target_met": None if target is None else ari >= target,
                "seconds": round(seconds, 2),
            }
        )
    return results


def large_corpus(size: int, seed: int = 0) -> list[str]:
    """`size` answers: every short-text row, then halves of two rows of one set joined."""
    return labelled_large_corpus(size, seed)[0]


def labelled_large_corpus(size: int, seed: int = 0) -> tuple[list[str], list[str | None]]:
    """`large_corpus` with each answer's "set/label" (None for a spliced answer)."""
    rng = random.Random(seed)
    read = {name: read_set(name) for name in SETS}
    by_set = [read[name][2] for name in SETS]
    rows = [
        (text, f"{name}/{label}")
        for name in SETS
        for label, text in zip(read[name][1], read[name][2], strict=True)
    ][:size]
    while len(rows) < size:
        chosen = rng.choice(by_set)
        first, second = rng.choice(chosen).split(), rng.choice(chosen).split()
        rows.append((" ".join(first[: len(first) // 2 + 1] + second[len(second) // 2 :]), None))
    rng.shuffle(rows)
    return [text for text, _ in rows], [label for _, label in rows]


def scale_child(size: int) -> None:
    """Run in a child process: the whole pipeline on `size` answers, JSON on stdout.

    Besides wall-clock and CPU seconds per stage, it reports the NMI of the main themes
    against the labels of the answers that are real short-text rows, by set (4 classes)
    and by set and label (52 classes): a check that the shortcuts taken for large corpora
    do not lose the topics.
    """
    from analysis.themes import themes

    texts, truth = labelled_large_corpus(size)
    load_before = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), time.process_time()
    stages: list[tuple[str, float, float]] = []
    result = themes(
        texts,
        n_themes="auto",
        random_state=0,
        progress=lambda fraction, message: stages.append(
            (message, time.perf_counter() - start, time.process_time() - cpu_start)
        ),
    )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    labelled = [i for i, label in enumerate(truth) if label is not None]
    found = [result.assignments[i].theme for i in labelled]
    sub_of = result.subtheme_of()
    found_fine = [sub_of[result.assignments[i].id] for i in labelled]
    fine = [truth[i] for i in labelled]
    coarse = [label.split("/")[0] for label in fine]
    print(
        json.dumps(
            {
                "answers": size,
                "seconds": round(seconds, 1),
                "cpu_seconds_all_threads": round(cpu_seconds, 1),
                "load_average_1min_before_after": [
                    round(load_before, 1),
                    round(os.getloadavg()[0], 1),
                ],
                "peak_rss_mb": round(peak_kb / 1024),
                "themes": len(result.themes),
                "subthemes": sum(len(theme.subthemes) for theme in result.themes),
                "duplicate_groups": len(result.duplicates),
                "nmi_sets": round(100 * normalized_mutual_info_score(coarse, found), 1),
                "nmi_labels": round(100 * normalized_mutual_info_score(fine, found), 1),
                "nmi_labels_sub_level": round(
                    100 * normalized_mutual_info_score(fine, found_fine), 1
                ),
                # (message, wall seconds, CPU seconds) at the start of each stage
                "stages": [[m, round(at, 1), round(cpu, 1)] for m, at, cpu in stages],
            }
        )
    )


def bench_scale(size: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--scale-child", str(size)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench_ideas() -> dict:
    from analysis.ideas import cluster_ideas

    rng = random.Random(0)
    pool = read_set("searchsnippets")[2]
    texts = rng.sample(pool, 1000)
    ids = [f"idea{i}" for i in range(1000)]
    start = time.perf_counter()
    first = cluster_ideas(texts, ids)
    cold = time.perf_counter() - start
    texts[-5:] = rng.sample(pool, 5)
    start = time.perf_counter()
    second = cluster_ideas(texts, ids, previous=first)
    warm = time.perf_counter() - start
    kept = sum(1 for i in ids[:-5] if first.theme_of()[i] == second.theme_of()[i]) / len(ids[:-5])
    return {
        "ideas": 1000,
        "cold_seconds": round(cold, 3),
        "warm_seconds": round(warm, 3),
        "themes": len(second.themes),
        "ideas_keeping_their_theme_id": round(kept, 3),
    }


def bench_opinion_speed(participants: int = 2000, statements: int = 500) -> dict | str:
    try:
        from analysis.opinion import opinion_groups
    except ImportError as error:
        return f"skipped: {error}"
    rng = np.random.default_rng(0)
    leaning = rng.integers(0, 3, size=participants)
    stance = rng.choice([-1, 1], size=(3, statements))
    noise = rng.random((participants, statements))
    votes_matrix = np.where(noise < 0.8, stance[leaning], -stance[leaning])
    votes_matrix[noise > 0.9] = 0
    seen = rng.random((participants, statements)) < 0.6
    votes = [
        (f"p{p}", f"s{s}", int(votes_matrix[p, s])) for p, s in zip(*np.nonzero(seen), strict=True)
    ]
    start = time.perf_counter()
    groups = opinion_groups(votes, random_state=0).as_dict()
    seconds = time.perf_counter() - start
    return {
        "participants": participants,
        "statements": statements,
        "votes": len(votes),
        "seconds": round(seconds, 2),
        "groups": len(groups["groups"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-answer run")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--skip-sets", action="store_true", help="no short-text sets")
    parser.add_argument("--skip-demo", action="store_true", help="no demo consultation titles")
    parser.add_argument("--skip-polis", action="store_true", help="no Pol.is conversations")
    parser.add_argument("--scale-size", type=int, default=100_000)
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.scale_child:
        scale_child(arguments.scale_child)
        return
    figures: dict = {"date": time.strftime("%Y-%m-%d"), "sets": []}
    if not arguments.skip_sets:
        print(
            f"{'set':<15}{'k':>3} | {'base NMI':>8} | {'fixed NMI':>9}{'s':>6} | "
            f"{'auto k':>6}{'NMI':>6} | {'subs':>5}{'NMI':>6}{'s':>6} | target (best level"
            " >= 90% base) | titles: phrase-in-answers %, function-word end %, comma %"
        )
        for name in [s for s in arguments.sets.split(",") if s]:
            row = bench_set(name)
            figures["sets"].append(row)
            titles = row["auto_titles"]
            print(
                f"{name:<15}{row['k_true']:>3} | {row['baseline_nmi']:>8}"
                f" | {row['fixed_nmi']:>9}{row['fixed_seconds']:>6}"
                f" | {row['auto_k']:>6}{row['auto_nmi']:>6} | {row['auto_subthemes']:>5}"
                f"{row['auto_sub_nmi']:>6}{row['auto_seconds']:>6}"
                f" | {'ok' if row['auto_target_met'] else 'MISS'}"
                f" ({row['auto_best_level_nmi']} vs {round(0.9 * row['baseline_nmi'], 1)})"
                f" | {titles['grammatical_in_answers_pct']}, "
                f"{titles['function_word_at_edge_pct']}, {titles['comma_joined_pct']}"
                + (
                    f"; titles naming the majority tag {titles['names_majority_tag']}"
                    f" (key-phrase labels {titles['keyphrase_label_names_majority_tag']})"
                    if "names_majority_tag" in titles
                    else ""
                )
                + f" | load {row['load_average']}",
                flush=True,
            )
    if not arguments.skip_demo:
        figures["demo_titles"] = bench_demo_titles()
        for row in figures["demo_titles"]:
            print(
                f"Demo {row['question']:<32} {row['answers']:>4} answers, {row['themes']} themes,"
                f" {row['subthemes']} sub-themes; titles {row['grammatical_in_answers_pct']}% "
                f"phrases in answers, {row['function_word_at_edge_pct']}% function-word end, "
                f"{row['comma_joined_pct']}% comma-joined: "
                + "; ".join(title for title, _ in row["title_tree"]),
                flush=True,
            )
    polis = "skipped" if arguments.skip_polis else bench_polis()
    figures["polis"] = polis
    if isinstance(polis, str):
        print(f"Pol.is opinion groups {polis}")
    else:
        for row in polis:
            target = "reported" if row["target"] is None else f"target {row['target']}"
            print(
                f"Pol.is {row['conversation']:<30} ARI {row['ari']:.3f} ({target}),"
                f" {row['groups']} groups, {row['seconds']} s",
                flush=True,
            )
    figures["ideas"] = bench_ideas()
    print(f"Idea board: {figures['ideas']}", flush=True)
    figures["opinion_speed"] = bench_opinion_speed()
    print(f"Opinion groups 2,000 x 500: {figures['opinion_speed']}", flush=True)
    if not arguments.quick:
        figures["scale"] = bench_scale(arguments.scale_size)
        print(f"Themes pipeline at scale: {figures['scale']}", flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
