"""Participatory budgeting ballot kinds: approval, cumulative points, ranking and
spend-the-budget (knapsack), each one class in `KINDS`.

A kind knows everything that differs between ballots: which settings it needs and which
counting rules suit it (refused when the round is set up, and again before voting opens),
how its page fields are read (`read_form`) and shown (`template`), how a ballot is checked
(`check`, raising `Invalid` with a GOV.UK message per field and changing nothing), how it
is stored (`PBBallot.choices`, and `points` for cumulative ballots) and how it is written
for counting and for the Pabulib file (`vote_type`, `meta`, `analysis_ballot`). Adding a
kind is adding a class here and a template in templates/pb/ballots/.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from flask_babel import gettext, ngettext

from consult.errors import Invalid
from consult.wording import N_

MES_RULES = (
    "equalshares/add1",
    "equalshares/add1-comparison",
    "equalshares/add1-greedy",
    "equalshares",
    "greedy",
)


def choice_name(number: int) -> str:
    """A rank on a ranking ballot, in the page's language: "first choice", "second choice"
    ("dewis cyntaf", "ail ddewis": whole phrases, as Welsh ordinals mutate the noun)."""
    names = (
        gettext("first choice"),
        gettext("second choice"),
        gettext("third choice"),
        gettext("fourth choice"),
        gettext("fifth choice"),
        gettext("sixth choice"),
        gettext("seventh choice"),
        gettext("eighth choice"),
    )
    if 0 < number <= len(names):
        return names[number - 1]
    return gettext("choice %(number)s", number=number)


def money(value: int) -> str:
    return f"£{value:,}"


def projects(count: int) -> str:
    return ngettext("%(num)s project", "%(num)s projects", count)


def points_text(count: int) -> str:
    return ngettext("%(num)s point", "%(num)s points", count)


@dataclass(frozen=True)
class Vote:
    """A checked ballot: project ids (ranking: first choice first; otherwise by id) and,
    for cumulative ballots, the points given to each, in the same order."""

    choices: tuple[int, ...]
    points: tuple[int, ...] | None = None


def _settings_value(settings: Any, name: str) -> Any:
    return settings.get(name) if isinstance(settings, Mapping) else getattr(settings, name)


def ballot_projects(pb_round: Any) -> list[dict[str, Any]]:
    """The frozen ballot's projects ({project_id, title, cost}), in the order voters see."""
    return list((pb_round.frozen_rules or {}).get("projects", []))


class BallotKind:
    """The approval ballot: tick from `min_choices` to `max_choices` projects."""

    name: ClassVar[str] = "approval"
    label: ClassVar[str] = N_("Approval: tick the projects you support")
    vote_type: ClassVar[str] = "approval"  # Pabulib's
    rules: ClassVar[tuple[str, ...]] = MES_RULES
    template: ClassVar[str] = "pb/ballots/approval.html"
    uses_max_choices: ClassVar[bool] = True

    # --- setting up -----------------------------------------------------------------------

    def settings_problems(self, settings: Any) -> dict[str, str]:
        """Field -> message for settings this kind cannot use (create, update, opening)."""
        rule = _settings_value(settings, "rule")
        if rule in MES_RULES and rule not in self.rules:
            return {
                "rule": gettext(
                    "%(kind)s ballots are counted by most points first: choose “%(rule)s”",
                    kind=gettext(self.label).split(":")[0],
                    rule=gettext("Most votes first (greedy)"),
                )
            }
        return {}

    def frozen_extra(self, pb_round: Any) -> dict[str, Any]:
        """What this kind adds to the published rules (nothing for approval)."""
        return {}

    def hint(self, pb_round: Any) -> str:
        low, high = pb_round.min_choices, pb_round.max_choices
        if low == high:
            return ngettext("Choose %(num)s project.", "Choose %(num)s projects.", low)
        return gettext("Choose from %(low)s to %(high)s projects.", low=low, high=high)

    # --- voting ---------------------------------------------------------------------------

    def read_form(self, form: Any, pb_round: Any) -> tuple[list[str], list[str] | None]:
        """(choices, points) as typed, from the ballot page's fields."""
        return list(form.getlist("choices")), None

    def form_values(self, choices: Sequence[Any], points: Sequence[Any] | None) -> Any:
        """What the ballot template shows as already chosen (a ballot or what was typed)."""
        return [int(c) for c in choices if str(c).isdigit()]

    def _project_ids(self, pb_round: Any, raw: Sequence[Any], field: str) -> list[int]:
        allowed = {int(p["project_id"]) for p in ballot_projects(pb_round)}
        chosen: list[int] = []
        for value in raw:
            try:
                number = int(str(value))
            except ValueError:
                number = -1
            if number not in allowed:
                raise Invalid(
                    gettext("One of the choices is not a project on this ballot."),
                    fields={field: gettext("Choose only projects on this ballot")},
                )
            if number in chosen:
                raise Invalid(
                    gettext("A project was chosen twice."),
                    fields={field: gettext("Choose each project only once")},
                )
            chosen.append(number)
        return chosen

    def _count_limits(self, pb_round: Any, count: int, field: str = "choices") -> None:
        low = pb_round.min_choices
        high = pb_round.max_choices if self.uses_max_choices else None
        if count < low:
            message = gettext("Choose at least %(projects)s", projects=projects(low))
            raise Invalid(_you_chose(message, count), fields={field: message})
        if high is not None and count > high:
            message = gettext("Choose no more than %(projects)s", projects=projects(high))
            raise Invalid(_you_chose(message, count), fields={field: message})

    def check(self, pb_round: Any, choices: Sequence[Any], points: Sequence[Any] | None) -> Vote:
        """The ballot as it will be kept; raises Invalid (with `fields`) for one the round
        does not allow."""
        chosen = self._project_ids(pb_round, choices, "choices")
        self._count_limits(pb_round, len(chosen))
        return Vote(tuple(sorted(chosen)))

    def describe(self, vote: Vote, titles: Mapping[str, str]) -> list[str]:
        """The ballot in words, one line a project, for the voter's confirmation."""
        return [titles.get(str(pid), str(pid)) for pid in vote.choices]

    # --- counting -------------------------------------------------------------------------

    def meta(self, rules: Mapping[str, Any]) -> dict[str, str]:
        """The Pabulib META keys that describe this ballot."""
        return {"min_length": str(rules["min_choices"]), "max_length": str(rules["max_choices"])}

    def analysis_ballot(self, vote: Vote) -> tuple[tuple[str, ...], tuple[Fraction, ...]]:
        """(projects, points) for `analysis.pb.Ballot`."""
        return tuple(str(p) for p in vote.choices), ()


class KnapsackKind(BallotKind):
    """Spend the budget: choose projects whose costs add up to no more than the budget."""

    name = "knapsack"
    label = N_("Spend the budget: choose projects costing no more than the budget in total")
    uses_max_choices = False
    template = "pb/ballots/knapsack.html"

    def hint(self, pb_round: Any) -> str:
        return gettext("Choose projects whose costs add up to no more than the budget.")

    def check(self, pb_round: Any, choices: Sequence[Any], points: Sequence[Any] | None) -> Vote:
        vote = super().check(pb_round, choices, points)
        costs = {int(p["project_id"]): int(p["cost"]) for p in ballot_projects(pb_round)}
        total = sum(costs[pid] for pid in vote.choices)
        if total > pb_round.budget:
            over = total - pb_round.budget
            message = gettext(
                "Your projects cost %(total)s in total, %(over)s more than the budget of "
                "%(budget)s: untick some projects",
                total=money(total),
                over=money(over),
                budget=money(pb_round.budget),
            )
            raise Invalid(message + ".", fields={"choices": message})
        return vote

    def meta(self, rules: Mapping[str, Any]) -> dict[str, str]:
        return {"min_length": str(rules["min_choices"]), "max_sum_cost": str(rules["budget"])}


class CumulativeKind(BallotKind):
    """Share out `max_sum_points` points among the projects, at most `max_points` each."""

    name = "cumulative"
    label = N_("Cumulative points: share out points among the projects")
    vote_type = "cumulative"
    rules = ("greedy",)
    template = "pb/ballots/cumulative.html"
    uses_max_choices = False

    def settings_problems(self, settings: Any) -> dict[str, str]:
        problems = super().settings_problems(settings)
        total = _settings_value(settings, "max_sum_points")
        cap = _settings_value(settings, "max_points")
        if not isinstance(total, int) or total < 1:
            problems["max_sum_points"] = gettext(
                "Enter how many points each voter shares out, 1 or more"
            )
        elif cap is not None and (not isinstance(cap, int) or cap < 1 or cap > total):
            problems["max_points"] = gettext(
                "The most points for one project must be from 1 to the points each voter has"
            )
        return problems

    def frozen_extra(self, pb_round: Any) -> dict[str, Any]:
        return {"max_sum_points": pb_round.max_sum_points, "max_points": self.cap(pb_round)}

    def cap(self, pb_round: Any) -> int:
        return int(pb_round.max_points or pb_round.max_sum_points)

    def hint(self, pb_round: Any) -> str:
        total, cap = pb_round.max_sum_points, self.cap(pb_round)
        if cap < total:
            return ngettext(
                "You have %(num)s point to share out among the projects you support, no more "
                "than %(cap)s for one project. Leave a project empty to give it none.",
                "You have %(num)s points to share out among the projects you support, no more "
                "than %(cap)s for one project. Leave a project empty to give it none.",
                total,
                cap=cap,
            )
        return ngettext(
            "You have %(num)s point to share out among the projects you support. Leave a "
            "project empty to give it none.",
            "You have %(num)s points to share out among the projects you support. Leave a "
            "project empty to give it none.",
            total,
        )

    def read_form(self, form: Any, pb_round: Any) -> tuple[list[str], list[str] | None]:
        choices, points = [], []
        for project in ballot_projects(pb_round):
            value = (form.get(f"points-{project['project_id']}") or "").strip()
            if value:
                choices.append(str(project["project_id"]))
                points.append(value)
        return choices, points

    def form_values(self, choices: Sequence[Any], points: Sequence[Any] | None) -> Any:
        return {str(c): str(p) for c, p in zip(choices, points or (), strict=False)}

    def check(self, pb_round: Any, choices: Sequence[Any], points: Sequence[Any] | None) -> Vote:
        titles = {str(p["project_id"]): p["title"] for p in ballot_projects(pb_round)}
        given = list(points or ())
        if len(given) != len(choices):
            raise Invalid(
                gettext("Give points to projects on this ballot."),
                fields={"choices": gettext("Give points")},
            )
        chosen = self._project_ids(pb_round, choices, "choices")
        cap = self.cap(pb_round)
        kept: dict[int, int] = {}
        for pid, raw in zip(chosen, given, strict=True):
            field = f"points-{pid}"
            text = str(raw).strip()
            if not text.isdigit():
                message = gettext(
                    "Enter the points for %(project)s as a whole number, like 2",
                    project=titles[str(pid)],
                )
                raise Invalid(message + ".", fields={field: message})
            value = int(text)
            if value > cap:
                message = gettext(
                    "Give %(project)s no more than %(points)s",
                    project=titles[str(pid)],
                    points=points_text(cap),
                )
                raise Invalid(message + ".", fields={field: message})
            if value:
                kept[pid] = value
        total = sum(kept.values())
        if total > pb_round.max_sum_points:
            message = gettext(
                "You gave %(points)s: share out no more than %(most)s",
                points=points_text(total),
                most=pb_round.max_sum_points,
            )
            raise Invalid(message + ".", fields={"choices": message})
        if not kept:
            message = gettext("Give at least 1 point to a project")
            raise Invalid(message + ".", fields={"choices": message})
        self._count_limits(pb_round, len(kept))
        order = sorted(kept)
        return Vote(tuple(order), tuple(kept[pid] for pid in order))

    def describe(self, vote: Vote, titles: Mapping[str, str]) -> list[str]:
        return [
            f"{titles.get(str(pid), str(pid))}: {points_text(points)}"
            for pid, points in zip(vote.choices, vote.points or (), strict=True)
        ]

    def meta(self, rules: Mapping[str, Any]) -> dict[str, str]:
        return {
            "max_sum_points": str(rules["max_sum_points"]),
            "max_points": str(rules["max_points"]),
        }

    def analysis_ballot(self, vote: Vote) -> tuple[tuple[str, ...], tuple[Fraction, ...]]:
        return tuple(str(p) for p in vote.choices), tuple(Fraction(p) for p in vote.points or ())


class RankingKind(BallotKind):
    """Rank up to `max_choices` projects (at least `min_choices`). Counted by rank points:
    with N ranks, a first choice gets N points, a second N - 1, ... (3/2/1 for three)."""

    name = "ranking"
    label = N_("Ranking: put up to a number of projects in order")
    vote_type = "ordinal"
    rules = ("greedy",)
    template = "pb/ballots/ranking.html"

    def hint(self, pb_round: Any) -> str:
        high = pb_round.max_choices
        points = "/".join(str(high - n) for n in range(high))
        return ngettext(
            "Choose your first choice, then your second, and so on, up to %(num)s project "
            "(at least %(low)s). Your choices get %(points)s points in that order.",
            "Choose your first choice, then your second, and so on, up to %(num)s projects "
            "(at least %(low)s). Your choices get %(points)s points in that order.",
            high,
            low=pb_round.min_choices,
            points=points,
        )

    def read_form(self, form: Any, pb_round: Any) -> tuple[list[str], list[str] | None]:
        return [
            (form.get(f"rank-{n}") or "").strip() for n in range(1, pb_round.max_choices + 1)
        ], None

    def form_values(self, choices: Sequence[Any], points: Sequence[Any] | None) -> Any:
        return {n: str(c) for n, c in enumerate(choices, start=1) if str(c)}

    def check(self, pb_round: Any, choices: Sequence[Any], points: Sequence[Any] | None) -> Vote:
        raw = [str(c).strip() for c in choices]
        while raw and not raw[-1]:
            raw.pop()
        if len(raw) > pb_round.max_choices:
            message = gettext(
                "Rank no more than %(projects)s", projects=projects(pb_round.max_choices)
            )
            raise Invalid(message + ".", fields={"rank-1": message})
        seen: list[int] = []
        for number, value in enumerate(raw, start=1):
            field = f"rank-{number}"
            if not value:
                message = gettext(
                    "Choose your %(choice)s, or leave the choices after it empty",
                    choice=choice_name(number),
                )
                raise Invalid(message + ".", fields={field: message})
            pid = self._project_ids(pb_round, [value], field)[0]
            if pid in seen:
                message = gettext(
                    "You ranked a project twice: choose a different %(choice)s",
                    choice=choice_name(number),
                )
                raise Invalid(message + ".", fields={field: message})
            seen.append(pid)
        if len(seen) < pb_round.min_choices:
            field = f"rank-{len(seen) + 1}"
            message = gettext("Rank at least %(projects)s", projects=projects(pb_round.min_choices))
            ranked = gettext(
                "%(message)s (you ranked %(count)s).", message=message, count=len(seen)
            )
            raise Invalid(ranked, fields={field: message})
        return Vote(tuple(seen))

    def describe(self, vote: Vote, titles: Mapping[str, str]) -> list[str]:
        return [
            gettext(
                "%(choice)s: %(project)s",
                choice=_capitalised(choice_name(n)),
                project=titles.get(str(pid), str(pid)),
            )
            for n, pid in enumerate(vote.choices, start=1)
        ]


def _you_chose(message: str, count: int) -> str:
    return gettext("%(message)s (you chose %(count)s).", message=message, count=count)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


KINDS: dict[str, BallotKind] = {
    kind.name: kind for kind in (BallotKind(), CumulativeKind(), RankingKind(), KnapsackKind())
}
KIND_LABELS = {name: kind.label for name, kind in KINDS.items()}


def kind_of(pb_round: Any) -> BallotKind:
    """The round's ballot kind (after voting opens, the frozen one)."""
    frozen = (pb_round.frozen_rules or {}).get("ballot_type")
    return KINDS[frozen or pb_round.ballot_type]


def kind_named(name: Any) -> BallotKind | None:
    return KINDS.get(name) if isinstance(name, str) else None


def vote_of(row: Any) -> Vote:
    """A stored ballot (or paper entry) as a Vote."""
    points = tuple(row.points) if row.points is not None else None
    return Vote(tuple(row.choices), points)


def store(row: Any, vote: Vote) -> None:
    """Write a checked vote on a ballot or paper entry row."""
    row.choices = list(vote.choices)
    row.points = list(vote.points) if vote.points is not None else None
