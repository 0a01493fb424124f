"""Benchmark of Welsh/English detection (`analysis.language`) and its cost in `themes()`.

    .venv/bin/python bench/languages.py [--sets agnews,searchsnippets] [--repeat 2]
                                        [--timing-only]

1. Accuracy of the identifier on the held-out sentences committed in
   tests/analysis/data/language_holdout*.tsv (never used in training), per kind of row
   (short answers of 5-15 words, longer answers, Welsh with English loanwords, English
   with Welsh names, mixed and too-short texts that should be "unknown"); and a 10-fold
   cross-validation over the training sentences (analysis/data/language_*.txt).
2. On the English-only short-text sets in ../shared/data/shorttext/ (read where they
   lie): how many answers it calls Welsh (each would leave the English themes) or
   unknown, and its speed.
3. CPU seconds of the whole `themes()` pipeline on those sets (best of `--repeat`), to
   compare with the same script run on a checkout without language detection
   (`--timing-only` runs only this part, which needs nothing new).

Prints a table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("CONSULT_DATA", ROOT.parent / "shared" / "data"))
HOLDOUT = sorted((ROOT / "tests" / "analysis" / "data").glob("language_holdout*.tsv"))


def read_texts(name: str) -> list[str]:
    with open(DATA / "shorttext" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def holdout_rows() -> list[tuple[str, str, str]]:
    rows = []
    for path in HOLDOUT:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                language, kind, text = line.split("\t")
                rows.append((language, kind, text))
    return rows


def accuracy() -> dict:
    from analysis.language import DATA as TRAINING
    from analysis.language import LanguageIdentifier, default_identifier, read_sentences

    identifier = default_identifier()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong = []
    for language, kind, text in holdout_rows():
        found = identifier.detect(text)
        key = f"{language}/{kind}"
        total[key] += 1
        right[key] += found == language
        if found != language:
            wrong.append({"expected": language, "found": found, "text": text})
    by_kind = {key: f"{right[key]}/{total[key]}" for key in sorted(total)}
    welsh = read_sentences(TRAINING / "language_cy.txt")
    english = read_sentences(TRAINING / "language_en.txt")
    labelled = [("cy", s) for s in welsh] + [("en", s) for s in english]
    random.Random(0).shuffle(labelled)
    folds = 10
    cv_right = cv_unknown = 0
    for fold in range(folds):
        test = labelled[fold::folds]
        train = [row for i, row in enumerate(labelled) if i % folds != fold]
        model = LanguageIdentifier.train(
            [s for lang, s in train if lang == "cy"], [s for lang, s in train if lang == "en"]
        )
        for language, text in test:
            found = model.detect(text)
            cv_right += found == language
            cv_unknown += found == "unknown"
    return {
        "holdout_correct": sum(right.values()),
        "holdout_total": sum(total.values()),
        "holdout_by_kind": by_kind,
        "holdout_wrong": wrong,
        "cv_correct": cv_right,
        "cv_unknown": cv_unknown,
        "cv_total": len(labelled),
    }


def english_sets(names: list[str]) -> list[dict]:
    from analysis.language import LanguageIdentifier, default_identifier

    rows = []
    for name in names:
        texts = read_texts(name)
        fresh = LanguageIdentifier(default_identifier().ratios)  # an empty word cache
        start = time.process_time()
        found = [fresh.detect(text) for text in texts]
        seconds = time.process_time() - start
        counts = Counter(found)
        rows.append(
            {
                "set": name,
                "answers": len(texts),
                "welsh": counts["cy"],
                "unknown": counts["unknown"],
                "cpu_seconds": round(seconds, 3),
                "answers_per_second": round(len(texts) / max(seconds, 1e-9)),
                "welsh_examples": [t for t, f in zip(texts, found, strict=True) if f == "cy"][:5],
            }
        )
    return rows


def timing(names: list[str], repeat: int) -> list[dict]:
    from analysis.themes import themes

    rows = []
    for name in names:
        texts = read_texts(name)
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            result = themes(texts)
            best = min(best, time.process_time() - start)
        rows.append(
            {
                "set": name,
                "answers": len(texts),
                "themes_cpu_seconds": round(best, 2),
                "themes": len(result.themes),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="agnews,searchsnippets")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--timing-only", action="store_true")
    arguments = parser.parse_args()
    names = [name for name in arguments.sets.split(",") if name]
    figures: dict = {"date": time.strftime("%Y-%m-%d")}
    if not arguments.timing_only:
        figures["accuracy"] = found = accuracy()
        print(
            f"Held-out: {found['holdout_correct']}/{found['holdout_total']} right; by kind "
            + ", ".join(f"{k} {v}" for k, v in found["holdout_by_kind"].items())
        )
        for row in found["holdout_wrong"]:
            print(f"  wrong: expected {row['expected']}, found {row['found']}: {row['text']}")
        print(
            f"10-fold CV on training sentences: {found['cv_correct']}/{found['cv_total']}"
            f" right ({found['cv_unknown']} unknown)"
        )
        figures["english_sets"] = english_sets(names)
        for row in figures["english_sets"]:
            print(
                f"English set {row['set']}: {row['welsh']} of {row['answers']} called Welsh,"
                f" {row['unknown']} unknown; {row['answers_per_second']} answers/s"
                + (f"; e.g. {row['welsh_examples']}" if row["welsh_examples"] else "")
            )
    figures["timing"] = timing(names, arguments.repeat)
    for row in figures["timing"]:
        print(
            f"themes() on {row['set']} ({row['answers']} answers): "
            f"{row['themes_cpu_seconds']} CPU s, {row['themes']} themes,"
            f" load {row['load_average']}"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
