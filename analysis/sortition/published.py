"""The published draw: frozen inputs, the lottery file, a draw anyone can redo, and `verify`.

Part of the pure `analysis.sortition` library. A draw nobody can steer is a sequence of
published files, each fixed before the next exists:

1. **Frozen inputs** (`inputs.json`, `freeze_inputs` / `inputs_to_json`): the pool with
   anonymised ids, each person's value in every category and a household pseudonym, the
   quotas, the panel size and the algorithm. Its checksum is SHA-256 of the file's bytes.
2. **The lottery** (`lottery.csv`, `compute_lottery` / `lottery_to_csv`): every panel the
   lottery can give and its probability, computed from the frozen inputs alone, published
   (with its SHA-256) before the random value exists.
3. **The random value** (any text: dice rolls, numbered balls, a future lottery result
   named in advance), entered after the lottery is published.
4. **The draw** (`draw_panel`), a pure function of the lottery file and the value:

   * `r` = the first 8 bytes of SHA-256 of the value's UTF-8 bytes, read as a big-endian
     unsigned integer; `u = r / 2**64` is in [0, 1);
   * walk the panels in the file's order adding up their probabilities; the drawn panel is
     the first whose running total is greater than `u`. Probabilities are written with
     exactly 9 decimals, so read each as a whole number of billionths (`0.012345678` is
     12,345,678): they add up to exactly 1,000,000,000, and the test is done in whole
     numbers, `r * 10**9 < total_billionths * 2**64`, with no rounding anywhere;
   * a panel row says "`seats` people from these `ids`" (people who are interchangeable
     for every quota and household rule). From each row, take the `seats` ids whose
     SHA-256 of `value + "\\n" + id` (UTF-8, as lowercase hex) is smallest.

   The announced panel (`panel.csv`) is `id` then the chosen ids, sorted, one per line.
5. **`verify`** checks everything from the files alone: both checksums, that every panel
   meets the quotas and the one-per-household rule whichever people its rows give, that
   the probabilities add up to exactly 1, each person's chance of selection (and, unless
   told not to, that it is the LEXIMIN one, by recomputing it), and that the value selects
   exactly the announced panel file, byte for byte.

The lottery file (UTF-8, `\\n` line ends):

    panel,probability,seats,ids
    1,0.012345678,2,a3f9c0 b7c111 c00142
    1,0.012345678,1,d44e90
    2,0.250000000,...

Panels are numbered 1, 2, ... in the published order (sorted by their rows' ids, so the
order does not depend on the solver); a panel's rows repeat its probability.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

import numpy as np

from .feasibility import check_feasibility
from .leximin import PanelDistribution, Progress, leximin_distribution
from .model import (
    Categories,
    HouseholdColumns,
    InfeasibleQuotasError,
    PoolLike,
    Quota,
    QuotasLike,
    Respondent,
    SelectionInputError,
    as_categories,
    as_people,
    household_of,
    validate_pool,
)
from .pooltypes import PoolTypes, build_types

INPUTS_FORMAT = "consult-draw-inputs/1"
LOTTERY_HEADER = ("panel", "probability", "seats", "ids")
DENOMINATOR = 10**9  # probabilities are written in billionths (9 decimals)
HOUSEHOLD = "household"  # the frozen inputs' household field
_PROBABILITY = re.compile(r"^(0\.\d{9}|1\.0{9})$")


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 of bytes (text is encoded as UTF-8), as lowercase hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def pseudonyms(ids: Iterable[str], key: str, length: int = 12) -> dict[str, str]:
    """Anonymised ids: the first `length` hex digits of HMAC-SHA256(key, id).

    The organiser keeps `key` private, so the published files name no one, yet can tell
    each person their pseudonym (and anyone holding the key can check the mapping).
    Raises SelectionInputError if two ids would share a pseudonym (make `length` larger).
    """
    mapping = {
        pid: hmac.new(key.encode(), pid.encode(), hashlib.sha256).hexdigest()[:length]
        for pid in ids
    }
    if len(set(mapping.values())) != len(mapping):
        raise SelectionInputError("two ids share a pseudonym; use longer pseudonyms")
    return mapping


@dataclass(frozen=True)
class FrozenInputs:
    """What the draw depends on, as published: nothing here can change after publishing.

    `people` carry anonymised ids, one value per category, and (when households count)
    `extra["household"]`, a pseudonym shared by the members of one household.
    """

    categories: Categories
    people: tuple[Respondent, ...]
    panel_size: int
    algorithm: str = "leximin"
    households: bool = False

    @property
    def household_column(self) -> str | None:
        return HOUSEHOLD if self.households else None


def freeze_inputs(
    categories: QuotasLike,
    respondents: PoolLike,
    panel_size: int,
    *,
    algorithm: str = "leximin",
    household_column: HouseholdColumns = None,
    anonymous_ids: Mapping[str, str] | None = None,
) -> FrozenInputs:
    """The frozen inputs of a draw: quotas (without flex), anonymised people, households.

    `anonymous_ids` maps each id to its published pseudonym (see `pseudonyms`); without
    it the ids are published as they are. Households become pseudonyms (SHA-256 of the
    household key, 16 hex digits); people alone at their address get none. Raises
    SelectionInputError for bad input or an algorithm other than LEXIMIN (LEGACY's
    lottery is a greedy process, not a list of panels that can be published).
    """
    if algorithm != "leximin":
        raise SelectionInputError(
            "only a LEXIMIN draw can be published as a lottery (LEGACY has no list of panels)"
        )
    cats = as_categories(categories)
    people = as_people(respondents)
    validate_pool(cats, people)
    if not isinstance(panel_size, int) or panel_size <= 0:
        raise SelectionInputError(f"the panel size must be a positive whole number: {panel_size}")
    keys = {p.id: household_of(p, household_column) for p in people}
    counts: defaultdict[str, int] = defaultdict(int)
    for key in keys.values():
        if key is not None:
            counts[key] += 1
    frozen = []
    for person in people:
        pid = anonymous_ids[person.id] if anonymous_ids is not None else person.id
        key = keys[person.id]
        extra = {}
        if key is not None and counts[key] > 1:
            extra[HOUSEHOLD] = sha256_hex(key)[:16]
        frozen.append(Respondent(pid, dict(person.features), extra))
    frozen.sort(key=lambda person: person.id)
    plain = Categories(tuple(Quota(q.category, q.value, q.min, q.max) for q in cats.quotas))
    # households count only when two people share one: a file saying "households" with no
    # household in it could not be read back
    shared = any(HOUSEHOLD in person.extra for person in frozen)
    return FrozenInputs(plain, tuple(frozen), int(panel_size), algorithm, households=shared)


def inputs_to_json(inputs: FrozenInputs) -> str:
    """The frozen inputs file: canonical JSON (sorted keys, one person per line), UTF-8."""
    names = inputs.categories.names
    head = {
        "format": INPUTS_FORMAT,
        "algorithm": inputs.algorithm,
        "panel_size": inputs.panel_size,
        "households": inputs.households,
        "categories": list(names),
        "quotas": [[q.category, q.value, q.min, q.max] for q in inputs.categories.quotas],
    }
    lines = ["{"]
    for key in sorted(head):
        lines.append(f"{json.dumps(key)}: {_dumps(head[key])},")
    lines.append('"people": [')
    rows = [
        _dumps([p.id, [p.features[n] for n in names], p.extra.get(HOUSEHOLD)])
        for p in inputs.people
    ]
    lines.append(",\n".join(rows))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def parse_inputs(text: str) -> FrozenInputs:
    """Read a frozen inputs file. Raises SelectionInputError saying what is wrong."""
    try:
        data = json.loads(text)
        if data.get("format") != INPUTS_FORMAT:
            raise SelectionInputError(f"not a {INPUTS_FORMAT} file")
        names = [str(n) for n in data["categories"]]
        quotas = tuple(
            Quota(str(c), str(v), int(low), int(high)) for c, v, low, high in data["quotas"]
        )
        categories = Categories(quotas)
        if list(categories.names) != names:
            raise SelectionInputError("the categories do not match the quota rows")
        households = bool(data["households"])
        people = []
        for pid, values, household in data["people"]:
            if len(values) != len(names):
                raise SelectionInputError(f"person {pid!r} has {len(values)} values")
            extra = {HOUSEHOLD: str(household)} if household is not None else {}
            people.append(
                Respondent(str(pid), dict(zip(names, map(str, values), strict=True)), extra)
            )
        inputs = FrozenInputs(
            categories,
            tuple(people),
            int(data["panel_size"]),
            str(data["algorithm"]),
            households,
        )
    except SelectionInputError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise SelectionInputError(f"the inputs file cannot be read: {error}") from error
    validate_pool(inputs.categories, inputs.people)
    return inputs


@dataclass(frozen=True)
class LotteryGroup:
    """`seats` people from `ids` (interchangeable for every quota and household rule)."""

    seats: int
    ids: tuple[str, ...]


@dataclass(frozen=True)
class LotteryPanel:
    """One panel of the lottery: its probability in billionths, and its rows."""

    units: int
    groups: tuple[LotteryGroup, ...]

    @property
    def probability(self) -> Fraction:
        return Fraction(self.units, DENOMINATOR)


@dataclass(frozen=True)
class Lottery:
    """Every panel the draw can give, in the published order; units add up to 10**9."""

    panels: tuple[LotteryPanel, ...]

    def marginals(self) -> dict[str, float]:
        """Each person's chance of selection under this lottery."""
        chance: dict[str, Fraction] = defaultdict(Fraction)
        for panel in self.panels:
            for group in panel.groups:
                share = panel.probability * Fraction(group.seats, len(group.ids))
                for pid in group.ids:
                    chance[pid] += share
        return {pid: float(value) for pid, value in sorted(chance.items())}


def lottery_from_distribution(types: PoolTypes, distribution: PanelDistribution) -> Lottery:
    """The LEXIMIN lottery over panels of types, written as panels of people's ids.

    Weights become whole billionths (largest remainders, so they add up to exactly
    10**9; panels left with none are dropped); panels are put in a canonical order.
    """
    weights = np.asarray(distribution.weights, dtype=float)
    scaled = weights / weights.sum() * DENOMINATOR
    units = np.floor(scaled).astype(np.int64)
    short = DENOMINATOR - int(units.sum())
    order = np.argsort(-(scaled - units), kind="stable")
    units[order[:short]] += 1
    panels = []
    for counts, unit in zip(distribution.panels, units, strict=True):
        if unit <= 0:
            continue
        groups = tuple(
            sorted(
                (
                    LotteryGroup(int(c), tuple(sorted(types.members[t])))
                    for t, c in enumerate(counts)
                    if c
                ),
                key=lambda g: g.ids,
            )
        )
        panels.append(LotteryPanel(int(unit), groups))
    panels.sort(key=lambda p: [(g.ids, g.seats) for g in p.groups])
    return Lottery(tuple(panels))


def compute_lottery(
    inputs: FrozenInputs,
    *,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> tuple[Lottery, PanelDistribution]:
    """The LEXIMIN lottery of the frozen inputs (and the solver's distribution, for figures).

    Raises InfeasibleQuotasError when no panel meets the quotas and LeximinError when the
    solver fails. With `time_limit`, `distribution.complete` says whether every level was
    solved; publish only a complete lottery.
    """
    types = build_types(inputs.categories, inputs.people, inputs.household_column)
    report = check_feasibility(
        inputs.people,
        inputs.categories,
        inputs.panel_size,
        household_column=inputs.household_column,
    )
    if not report.feasible:
        raise InfeasibleQuotasError(report.explanation(), report)
    distribution = leximin_distribution(
        types, inputs.panel_size, time_limit=time_limit, progress=progress
    )
    return lottery_from_distribution(types, distribution), distribution


def lottery_to_csv(lottery: Lottery) -> str:
    """The lottery file (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOTTERY_HEADER)
    for number, panel in enumerate(lottery.panels, start=1):
        probability = _written(panel.units)
        for group in panel.groups:
            writer.writerow([number, probability, group.seats, " ".join(group.ids)])
    return out.getvalue()


def _written(units: int) -> str:
    return f"{units // DENOMINATOR}.{units % DENOMINATOR:09d}"


def parse_lottery(text: str) -> Lottery:
    """Read a lottery file strictly. Raises SelectionInputError naming the line."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != LOTTERY_HEADER:
        raise SelectionInputError(f"the lottery file must start with {','.join(LOTTERY_HEADER)}")
    panels: list[LotteryPanel] = []
    current: list[LotteryGroup] = []
    probability = ""
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 4:
            raise SelectionInputError(f"expected 4 cells, got {len(row)}", row=line)
        number, written, seats, ids = row
        if not number.isdigit() or not seats.isdigit() or not _PROBABILITY.match(written):
            raise SelectionInputError("panel, probability or seats is malformed", row=line)
        if int(number) == len(panels) + 1 and current:
            if written != probability:
                raise SelectionInputError("a panel's rows give different probabilities", row=line)
        elif int(number) == len(panels) + 2 and current:
            panels.append(LotteryPanel(_units(probability), tuple(current)))
            current = []
        elif not (int(number) == 1 and not panels and not current):
            raise SelectionInputError("panels must be numbered 1, 2, 3, ... in order", row=line)
        probability = written
        members = tuple(ids.split(" "))
        if not all(members) or not 1 <= int(seats) <= len(members) or seats != str(int(seats)):
            raise SelectionInputError("seats must be 1 to the number of ids", row=line)
        current.append(LotteryGroup(int(seats), members))
    if current:
        panels.append(LotteryPanel(_units(probability), tuple(current)))
    if not panels:
        raise SelectionInputError("the lottery file lists no panel")
    return Lottery(tuple(panels))


def _units(written: str) -> int:
    whole, decimals = written.split(".")
    return int(whole) * DENOMINATOR + int(decimals)


def random_point(value: str) -> int:
    """`r`: the first 8 bytes of SHA-256 of the value's UTF-8 bytes (big-endian); u = r/2**64."""
    return int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:8], "big")


def draw_panel(lottery: Lottery, value: str) -> tuple[int, list[str]]:
    """(panel number from 1, sorted ids of the people drawn): the documented pure function."""
    if not value:
        raise SelectionInputError("the random value is empty")
    point = random_point(value)
    total = 0
    chosen = len(lottery.panels) - 1
    for index, panel in enumerate(lottery.panels):
        total += panel.units
        if point * DENOMINATOR < total * 2**64:
            chosen = index
            break
    people: list[str] = []
    for group in lottery.panels[chosen].groups:
        ranked = sorted(group.ids, key=lambda pid: sha256_hex(f"{value}\n{pid}"))
        people.extend(ranked[: group.seats])
    return chosen + 1, sorted(people)


def panel_to_csv(ids: Iterable[str]) -> str:
    """The announced panel file: `id`, then the ids sorted, one per line."""
    return "id\n" + "".join(f"{pid}\n" for pid in sorted(ids))


@dataclass(frozen=True)
class Check:
    """One verification: what was checked, whether it held, and the details."""

    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'OK    ' if self.ok else 'FAILED'} {self.name}: {self.detail}"


@dataclass(frozen=True)
class Verification:
    """All checks of a published draw; `ok` only if every one held."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


def verify_draw(
    inputs_file: bytes,
    inputs_checksum: str,
    lottery_file: bytes,
    lottery_checksum: str,
    random_value: str,
    panel_file: bytes,
    *,
    recompute: bool = True,
    tolerance: float = 1e-6,
    progress: Progress | None = None,
) -> Verification:
    """Check a published draw from its files alone (see the module docstring).

    Every check is reported, in order: inputs checksum, inputs file, lottery checksum,
    lottery file, probabilities, panels (quotas and households), chances of selection
    (recomputed by LEXIMIN from the inputs unless `recompute` is False; they must agree to
    `tolerance`), and the draw (the value must select exactly the announced panel file).
    Never raises for bad files: a check fails instead.
    """
    checks: list[Check] = []

    def add(name: str, ok: bool, detail: str) -> None:
        checks.append(Check(name, ok, detail))

    checks.append(_checksum("inputs checksum", inputs_file, inputs_checksum))
    inputs = _attempt(lambda: parse_inputs(inputs_file.decode("utf-8")))
    if isinstance(inputs, str):
        add("inputs file", False, inputs)
    else:
        add(
            "inputs file",
            True,
            f"{len(inputs.people)} people, {len(inputs.categories.quotas)} quotas, "
            f"panel of {inputs.panel_size}, {inputs.algorithm}"
            + (", one per household" if inputs.households else ""),
        )
    checks.append(_checksum("lottery checksum", lottery_file, lottery_checksum))
    lottery = _attempt(lambda: parse_lottery(lottery_file.decode("utf-8")))
    if isinstance(lottery, str):
        add("lottery file", False, lottery)
        return Verification(tuple(checks))
    add("lottery file", True, f"{len(lottery.panels)} panels")
    total = sum(panel.units for panel in lottery.panels)
    zero = sum(1 for panel in lottery.panels if panel.units <= 0)
    add(
        "probabilities add up to 1",
        total == DENOMINATOR and not zero,
        f"total {_written(total)}" + (f"; {zero} panels with probability 0" if zero else ""),
    )
    if not isinstance(inputs, FrozenInputs):
        return Verification(tuple(checks))
    problems = _panel_problems(inputs, lottery)
    add(
        "every panel meets the quotas and households",
        not problems,
        "all panels" if not problems else "; ".join(problems[:5]),
    )
    marginals = lottery.marginals()
    missing = [p.id for p in inputs.people if p.id not in marginals]
    chances = [marginals.get(p.id, 0.0) for p in inputs.people]
    detail = f"lowest {min(chances):.6f}, highest {max(chances):.6f}"
    if missing:  # possible: people no quota-meeting panel can hold; recomputing says if fair
        detail += f"; {len(missing)} people are on no panel"
    if not recompute:
        add("chances of selection", True, detail + " (not recomputed: --no-recompute)")
    else:
        fair = _attempt(lambda: compute_lottery(inputs, progress=progress)[0].marginals())
        if isinstance(fair, str):
            add("chances of selection", False, f"LEXIMIN could not be recomputed: {fair}")
        else:
            worst = max(
                inputs.people, key=lambda p: abs(fair.get(p.id, 0) - marginals.get(p.id, 0))
            )
            gap = abs(fair.get(worst.id, 0) - marginals.get(worst.id, 0))
            add(
                "chances of selection are the LEXIMIN ones",
                gap <= tolerance,
                detail
                + f"; largest difference from a fresh LEXIMIN computation {gap:.2e}"
                + (f" (person {worst.id})" if gap > tolerance else ""),
            )
    number, drawn = draw_panel(lottery, random_value) if random_value else (0, [])
    expected = panel_to_csv(drawn).encode("utf-8")
    add(
        "the random value selects the announced panel",
        bool(random_value) and expected == panel_file,
        f"value {random_value!r} gives panel {number} of {len(lottery.panels)}: "
        + ", ".join(drawn)
        + ("" if expected == panel_file else " — the announced panel file differs"),
    )
    return Verification(tuple(checks))


def _checksum(name: str, data: bytes, published: str) -> Check:
    """Does the file's SHA-256 match the published one?"""
    actual, wanted = sha256_hex(data), published.strip().lower()
    detail = f"SHA-256 {actual}" + ("" if actual == wanted else f", published {wanted}")
    return Check(name, actual == wanted, detail)


_T = TypeVar("_T")


def _attempt(action: Callable[[], _T]) -> _T | str:
    """The action's result, or the error's message as text."""
    try:
        return action()
    except (SelectionInputError, UnicodeDecodeError, RuntimeError) as error:
        return str(error)


def _panel_problems(inputs: FrozenInputs, lottery: Lottery) -> list[str]:
    """Why panels break the frozen rules (empty when every panel keeps them)."""
    by_id = {p.id: p for p in inputs.people}
    names = inputs.categories.names
    quotas = inputs.categories.quotas
    problems = []
    for number, panel in enumerate(lottery.panels, start=1):
        seen: set[str] = set()
        counts: dict[tuple[str, str], int] = defaultdict(int)
        homes: dict[str, int] = defaultdict(int)
        seats = 0
        for group in panel.groups:
            unknown = [pid for pid in group.ids if pid not in by_id]
            if unknown:
                problems.append(f"panel {number}: unknown id {unknown[0]}")
                break
            if seen & set(group.ids) or len(set(group.ids)) != len(group.ids):
                problems.append(f"panel {number}: an id appears twice")
                break
            seen |= set(group.ids)
            features = {tuple(by_id[pid].features[n] for n in names) for pid in group.ids}
            if len(features) != 1:
                problems.append(f"panel {number}: a row mixes people with different values")
                break
            (values,) = features
            for name, value in zip(names, values, strict=True):
                counts[(name, value)] += group.seats
            seats += group.seats
            if inputs.households:
                per_home: dict[str, int] = defaultdict(int)
                for pid in group.ids:
                    home = by_id[pid].extra.get(HOUSEHOLD)
                    if home is not None:
                        per_home[home] += 1
                for home, number_there in per_home.items():
                    homes[home] += min(group.seats, number_there)
        else:
            if seats != inputs.panel_size:
                problems.append(f"panel {number}: {seats} seats, not {inputs.panel_size}")
            for q in quotas:
                got = counts[(q.category, q.value)]
                if not q.min <= got <= q.max:
                    problems.append(
                        f"panel {number}: {q.category} = {q.value} has {got}, quota {q.min}-{q.max}"
                    )
            shared = [home for home, n in homes.items() if n > 1]
            if shared:
                problems.append(f"panel {number}: two people from household {shared[0]}")
    return problems
