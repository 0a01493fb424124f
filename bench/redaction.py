"""Redaction of personal data: recall on planted items, and clean answers left alone.

Run: `.venv/bin/python bench/redaction.py [--show]`. Reads two corpora written for this
bench (bench/data/): `redaction_planted.jsonl`, consultation answers with personal data
planted in them (each item named with its kind), `redaction_heldout.jsonl`, more of the
same written after the rules were settled and never tuned on, and `redaction_clean.txt`,
answers with none (some deliberately awkward: street names, dates of meetings, bus numbers). Prints
recall per kind (an item counts as caught when every character of it, bar a leading
title such as "Mrs", is inside a redacted span), the share of clean answers changed
(target: at most 2%), and the precision of the redactions made in the planted answers.
Targets: recall >= 95% on the planted items, <= 2% of clean answers changed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
redaction = importlib.import_module("consult.consultations.redaction")
DATA = Path(__file__).resolve().parent / "data"
TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+")


def covered(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return all(any(s <= i < e for s, e, _kind in spans) for i in range(start, end))


def measure(path: Path, show: bool) -> float:
    """Print recall per kind and the precision of redactions on one planted corpus."""
    planted = [json.loads(line) for line in path.open(encoding="utf-8")]
    total: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    spans_made = spans_right = 0
    for answer in planted:
        text = answer["text"]
        spans = redaction.personal_data_spans(text)
        items = []
        for kind, value in answer["planted"]:
            end = text.index(value) + len(value)
            title = TITLE.match(value)
            start = text.index(value) + (title.end() if title else 0)
            items.append((start, end))
            total[kind] += 1
            if covered(spans, start, end):
                caught[kind] += 1
            elif show:
                print(f"MISSED {kind}: {value!r} in {redaction.redact(text)[0]!r}")
        for s, e, kind in spans:
            spans_made += 1
            if any(s < item_end and item_start < e for item_start, item_end in items):
                spans_right += 1
            elif show:
                print(f"FALSE ALARM {kind}: {text[s:e]!r} in {text!r}")
    print(f"{path.name}: {len(planted)} answers, {sum(total.values())} planted items")
    for kind in sorted(total):
        print(f"  {kind:14} recall {caught[kind]}/{total[kind]} = {caught[kind] / total[kind]:.1%}")
    recall = sum(caught.values()) / sum(total.values())
    precision = spans_right / spans_made if spans_made else 1.0
    print(
        f"  recall {recall:.1%}; "
        f"precision of redactions {spans_right}/{spans_made} = {precision:.1%}"
    )
    return recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print misses and false alarms")
    show = parser.parse_args().show
    recall = measure(DATA / "redaction_planted.jsonl", show)
    print("(the corpus above was written alongside the rules)")
    measure(DATA / "redaction_heldout.jsonl", show)
    print("(held out: written after the rules were settled, never tuned on)")
    print(f"recall on the main planted corpus: {recall:.1%} (target >= 95%)")
    clean = [
        line.rstrip("\n")
        for line in (DATA / "redaction_clean.txt").open(encoding="utf-8")
        if line.strip() and not line.startswith("#")
    ]
    changed = [text for text in clean if redaction.redact(text)[0] != text]
    if show:
        for text in changed:
            print(f"CLEAN CHANGED: {redaction.redact(text)[0]!r}")
    share = len(changed) / len(clean)
    print(f"clean answers changed: {len(changed)}/{len(clean)} = {share:.1%} (target <= 2%)")


if __name__ == "__main__":
    main()
