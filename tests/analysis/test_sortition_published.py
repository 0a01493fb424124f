"""The published draw: frozen inputs, the lottery file, the documented draw rule, and verify."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from analysis.sortition import Categories, Quota, Respondent, SelectionInputError
from analysis.sortition.published import (
    compute_lottery,
    draw_panel,
    freeze_inputs,
    inputs_to_json,
    lottery_to_csv,
    panel_to_csv,
    parse_inputs,
    parse_lottery,
    pseudonyms,
    sha256_hex,
    verify_draw,
)

ROOT = Path(__file__).resolve().parents[2]
VALUE = "dice: 3 5 1 6 2 2"


def small_pool():
    cats = Categories(
        (
            Quota("gender", "woman", 2, 3),
            Quota("gender", "man", 2, 3),
            Quota("age", "young", 1, 3),
            Quota("age", "old", 1, 3),
        )
    )
    people = []
    for i in range(12):
        features = {"gender": ("woman", "man")[i % 2], "age": ("young", "old", "old")[i % 3]}
        home = f"{i // 2} Mill Lane" if i < 4 else f"{i} High Street"
        people.append(Respondent(f"R{i:02d}", features, {"address": home}))
    return cats, people


@pytest.fixture(scope="module")
def published():
    """The four published files of a draw on the small pool (households, pseudonyms)."""
    cats, people = small_pool()
    ids = pseudonyms((p.id for p in people), "organiser's secret")
    inputs = freeze_inputs(cats, people, 5, household_column="address", anonymous_ids=ids)
    lottery, distribution = compute_lottery(inputs)
    assert distribution.complete
    _, panel = draw_panel(lottery, VALUE)
    files = {
        "inputs": inputs_to_json(inputs).encode(),
        "lottery": lottery_to_csv(lottery).encode(),
        "panel": panel_to_csv(panel).encode(),
    }
    return files, ids


def check(files, **changes):
    arguments = {
        "inputs_file": files["inputs"],
        "inputs_checksum": sha256_hex(files["inputs"]),
        "lottery_file": files["lottery"],
        "lottery_checksum": sha256_hex(files["lottery"]),
        "random_value": VALUE,
        "panel_file": files["panel"],
        "recompute": False,
    }
    arguments.update(changes)
    return verify_draw(**arguments)


def test_verify_accepts_the_published_files_and_recomputes_the_chances(published):
    files, _ = published
    verification = check(files, recompute=True)
    assert verification.ok, [str(c) for c in verification.checks]
    names = [c.name for c in verification.checks]
    assert "chances of selection are the LEXIMIN ones" in names
    assert "every panel meets the quotas and households" in names


def test_the_published_files_name_no_one_and_keep_households_as_pseudonyms(published):
    files, ids = published
    text = b"".join(files.values()).decode()
    assert "R0" not in text and "Mill Lane" not in text
    inputs = parse_inputs(files["inputs"].decode())
    homes = Counter(p.extra.get("household") for p in inputs.people)
    assert sorted(n for home, n in homes.items() if home is not None) == [2, 2]
    assert {p.id for p in inputs.people} == set(ids.values())


@pytest.mark.parametrize("name", ["inputs", "lottery", "panel"])
def test_one_changed_byte_in_any_file_is_caught(published, name):
    files, _ = published
    original = files[name]
    positions = range(len(original)) if len(original) < 3000 else range(0, len(original), 7)
    for position in positions:
        for replacement in {original[position] ^ 1, ord("0") if original[position] != 48 else 49}:
            changed = bytearray(original)
            changed[position] = replacement
            altered = dict(files)
            altered[name] = bytes(changed)
            # the checksums stay the published ones: only the file changed
            verification = check(
                altered,
                inputs_checksum=sha256_hex(files["inputs"]),
                lottery_checksum=sha256_hex(files["lottery"]),
            )
            assert not verification.ok, (name, position, replacement)


def test_a_wrong_value_or_a_wrong_checksum_is_named(published):
    files, _ = published
    other = next(
        v
        for v in (f"{VALUE} {i}" for i in range(50))
        if draw_panel(parse_lottery(files["lottery"].decode()), v)[1]
        != draw_panel(parse_lottery(files["lottery"].decode()), VALUE)[1]
    )
    assert check(files, random_value=other).failed == [
        "the random value selects the announced panel"
    ]
    assert check(files, inputs_checksum="0" * 64).failed == ["inputs checksum"]
    assert check(files, lottery_checksum="0" * 64).failed == ["lottery checksum"]


def rewrite_lottery(files, edit):
    """A re-published lottery (new checksum) whose rows went through `edit`."""
    rows = list(csv.reader(io.StringIO(files["lottery"].decode())))
    rows = [rows[0], *edit(rows[1:])]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def test_a_lottery_that_breaks_a_rule_fails_even_with_its_own_checksum(published):
    files, _ = published
    inputs = parse_inputs(files["inputs"].decode())
    by_id = {p.id: p for p in inputs.people}
    men = sorted(pid for pid, p in by_id.items() if p.features["gender"] == "man")

    def too_many_men(rows):
        first = [row for row in rows if row[0] == "1"]
        rest = [row for row in rows if row[0] != "1"]
        return [*([*first[0][:2], "1", man] for man in men[:5]), *rest]

    lottery = rewrite_lottery(files, too_many_men)
    verification = check(files, lottery_file=lottery, lottery_checksum=sha256_hex(lottery))
    assert "every panel meets the quotas and households" in verification.failed
    assert "gender = man has 5, quota 2-3" in str(verification.checks[5])

    def shifted(rows):
        # move one billionth from panel 1 to nowhere: the total is no longer 1
        units = int(rows[0][1].replace(".", ""))
        written = f"0.{units - 1:09d}"
        return [[r[0], written if r[0] == "1" else r[1], *r[2:]] for r in rows]

    lottery = rewrite_lottery(files, shifted)
    verification = check(files, lottery_file=lottery, lottery_checksum=sha256_hex(lottery))
    assert verification.failed[0] == "probabilities add up to 1"


def test_an_unfair_lottery_with_valid_panels_fails_the_recomputation(published):
    files, _ = published

    def only_two_panels(rows):
        numbers = sorted({r[0] for r in rows}, key=int)[:2]
        kept = [r for r in rows if r[0] in numbers]
        return [[r[0], "0.500000000", *r[2:]] for r in kept]

    lottery = rewrite_lottery(files, only_two_panels)
    _, panel = draw_panel(parse_lottery(lottery.decode()), VALUE)
    verification = check(
        files,
        lottery_file=lottery,
        lottery_checksum=sha256_hex(lottery),
        panel_file=panel_to_csv(panel).encode(),
        recompute=True,
    )
    assert verification.failed[0] == "chances of selection are the LEXIMIN ones"


def documented_draw(lottery_text: str, value: str) -> list[str]:
    """The draw rule exactly as docs/juries.md states it, written from scratch."""
    r = int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:8], "big")
    rows = list(csv.DictReader(io.StringIO(lottery_text)))
    running, chosen = 0, None
    for number in dict.fromkeys(row["panel"] for row in rows):
        billionths = int(
            next(r for r in rows if r["panel"] == number)["probability"].replace(".", "")
        )
        running += billionths
        if r * 10**9 < running * 2**64:
            chosen = number
            break
    people = []
    for row in rows:
        if row["panel"] == chosen:
            ids = row["ids"].split(" ")
            ids.sort(key=lambda i: hashlib.sha256(f"{value}\n{i}".encode()).hexdigest())
            people += ids[: int(row["seats"])]
    return sorted(people)


def test_the_draw_is_the_documented_rule_and_follows_the_probabilities(published):
    files, _ = published
    text = files["lottery"].decode()
    lottery = parse_lottery(text)
    draws = Counter()
    for i in range(400):
        value = f"{VALUE} #{i}"
        _, panel = draw_panel(lottery, value)
        assert panel == documented_draw(text, value)
        draws.update(panel)
    marginals = lottery.marginals()
    for pid, chance in marginals.items():
        assert abs(draws[pid] / 400 - chance) < 0.12  # 400 draws: a rough agreement


def test_the_lottery_file_round_trips_and_its_order_is_canonical(published):
    files, _ = published
    lottery = parse_lottery(files["lottery"].decode())
    assert lottery_to_csv(lottery).encode() == files["lottery"]
    keys = [[(g.ids, g.seats) for g in p.groups] for p in lottery.panels]
    assert keys == sorted(keys)
    assert sum(p.units for p in lottery.panels) == 10**9


def test_freezing_refuses_legacy_and_bad_inputs():
    cats, people = small_pool()
    with pytest.raises(SelectionInputError, match="only a LEXIMIN draw"):
        freeze_inputs(cats, people, 5, algorithm="legacy")
    with pytest.raises(SelectionInputError, match="cannot be read"):
        parse_inputs('{"format": "consult-draw-inputs/1"}')


def test_the_command_line_runs_the_whole_sequence(tmp_path):
    cats, people = small_pool()
    (tmp_path / "categories.csv").write_text(
        "category,name,min,max\n"
        + "".join(f"{q.category},{q.value},{q.min},{q.max}\n" for q in cats.quotas)
    )
    (tmp_path / "respondents.csv").write_text(
        "id,gender,age,address\n"
        + "".join(
            f"{p.id},{p.features['gender']},{p.features['age']},{p.extra['address']}\n"
            for p in people
        )
    )

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "analysis.sortition", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    assert (
        run(
            "freeze",
            "--categories",
            str(tmp_path / "categories.csv"),
            "--respondents",
            str(tmp_path / "respondents.csv"),
            "--panel-size",
            "5",
            "--household-column",
            "address",
            "--out",
            str(tmp_path / "inputs.json"),
        ).returncode
        == 0
    )
    made = run(
        "lottery", "--inputs", str(tmp_path / "inputs.json"), "--out", str(tmp_path / "lottery.csv")
    )
    assert made.returncode == 0, made.stderr
    assert "level 1" in made.stderr
    assert (
        run(
            "draw",
            "--lottery",
            str(tmp_path / "lottery.csv"),
            "--random-value",
            VALUE,
            "--out",
            str(tmp_path / "panel.csv"),
        ).returncode
        == 0
    )
    arguments = [
        "verify",
        "--inputs",
        str(tmp_path / "inputs.json"),
        "--inputs-checksum",
        sha256_hex((tmp_path / "inputs.json").read_bytes()),
        "--lottery",
        str(tmp_path / "lottery.csv"),
        "--lottery-checksum",
        sha256_hex((tmp_path / "lottery.csv").read_bytes()),
        "--random-value",
        VALUE,
        "--panel",
        str(tmp_path / "panel.csv"),
    ]
    good = run(*arguments)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "The draw is verified." in good.stdout
    (tmp_path / "panel.csv").write_text((tmp_path / "panel.csv").read_text().replace("\n", "\r\n"))
    bad = run(*arguments)
    assert bad.returncode == 1
    assert "NOT verified: the random value selects the announced panel failed." in bad.stdout


def test_people_no_panel_can_hold_do_not_fail_a_fair_draw():
    cats, people = small_pool()
    cats = Categories((*cats.quotas, Quota("age", "child", 0, 0)))
    people = [*people, Respondent("R99", {"gender": "man", "age": "child"}, {})]
    inputs = freeze_inputs(cats, people, 5)
    lottery, _ = compute_lottery(inputs)
    files = {
        "inputs": inputs_to_json(inputs).encode(),
        "lottery": lottery_to_csv(lottery).encode(),
        "panel": panel_to_csv(draw_panel(lottery, VALUE)[1]).encode(),
    }
    verification = check(files, recompute=True)
    assert verification.ok, [str(c) for c in verification.checks]
    assert "1 people are on no panel" in str(verification.checks[6])
