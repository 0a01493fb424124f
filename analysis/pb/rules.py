"""Choose the winners of a PB election by a named rule, with an explanation for every project.

Room: `analysis/pb/`. `choose_winners(election, rule)` is what the web app and the CLI
call; it returns a frozen `Outcome` (`as_dict()` gives the JSON the CLI prints). Rules:

| name | what it does |
| --- | --- |
| `equalshares` | Method of Equal Shares, no completion |
| `equalshares/add1` | MES with Add1 |
| `equalshares/add1-greedy` | MES with Add1, then greedy top-up of the money left |
| `equalshares/add1-comparison` | MES with Add1, then the comparison step against greedy |
| `equalshares/add1-greedy-comparison` | Add1, greedy top-up, then the comparison step |
| `greedy` | most votes first, skipping projects that no longer fit |
| `greedy-threshold` | as greedy, never funding a project scoring below the threshold |
| `greedy-no-skip` | most votes first, stopping at the first project that does not fit |

The comparison step counts, for every voter, the points they gave to funded projects
(approval: how many projects they voted for are funded) under the MES outcome and under
`greedy`; the greedy outcome replaces the MES one only when strictly more voters are better
off with it than with MES.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from . import explain
from .greedy import GreedyStep, greedy
from .mes import Add1Result, Counting, MESRun, equal_shares, equal_shares_add1
from .model import Election, PBInputError
from .profile import Profile, TieBreak, build_profile

__all__ = ["RULES", "Comparison", "Outcome", "ProjectResult", "choose_winners", "rule_from_meta"]

RULES = (
    "equalshares",
    "equalshares/add1",
    "equalshares/add1-greedy",
    "equalshares/add1-comparison",
    "equalshares/add1-greedy-comparison",
    "greedy",
    "greedy-threshold",
    "greedy-no-skip",
)
_ALIASES = {
    "mes": "equalshares",
    "equalshares/add1u": "equalshares/add1-greedy",
    "equalshares/add1-utilitarian": "equalshares/add1-greedy",
    "equalshares/add1u-comparison": "equalshares/add1-greedy-comparison",
    "greedy-skip": "greedy",
    "utilitarian_greedy": "greedy",
}


def canonical_rule(name: str) -> str:
    """The rule's canonical name; raises PBInputError naming the rules for an unknown one."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in RULES:
        raise PBInputError(f"unknown rule {name!r}; the rules are: {', '.join(RULES)}")
    return key


def rule_from_meta(election: Election) -> str:
    """The rule the file's META names; raises PBInputError when it names none we know."""
    named = election.meta.get("rule", "").strip()
    if not named or named.lower() == "unknown":
        raise PBInputError(
            "the file's META does not say which rule to use; choose one with --rule "
            f"({', '.join(RULES)})"
        )
    return canonical_rule(named)


@dataclass(frozen=True)
class ProjectResult:
    """One project's result and the reason, in figures and in words.

    `stage` says which part of the rule funded it ("equal-shares", "top-up", "greedy").
    MES figures: `round`, `payment` (the most a supporter paid per point), `paid_all`
    (supporters who paid all they had left); for projects MES passed over, `coverage`
    (share of the cost its supporters' remaining money covered when it was passed over,
    `passed_over_round` 0 meaning from the start) and `more_supporters` (roughly how many
    more supporters with a full share it needed). Greedy figures: `position` in the order
    by score and `money_left` when its turn came.
    """

    id: str
    name: str
    cost: Fraction
    score: Fraction
    supporters: int
    funded: bool
    stage: str | None
    reason: str
    explanation: str
    round: int | None = None
    payment: Fraction | float | None = None
    paid_all: int | None = None
    coverage: float | None = None
    passed_over_round: int | None = None
    more_supporters: int | None = None
    position: int | None = None
    money_left: Fraction | None = None


@dataclass(frozen=True)
class Comparison:
    """The comparison step: voters better off under each outcome, and which was kept."""

    prefer_equal_shares: int
    prefer_greedy: int
    kept: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Outcome:
    """The winners of an election under one rule, explained."""

    rule: str
    description: str
    tie_breaking: str
    budget: Fraction
    spent: Fraction
    selected: tuple[str, ...]
    voters: int
    projects: tuple[ProjectResult, ...]
    fairness: explain.Coverage
    greedy_fairness: explain.Coverage
    greedy_selected: tuple[str, ...]
    start_share: Fraction | None = None
    share: Fraction | None = None
    raises: int | None = None
    refused_spend: Fraction | None = None
    comparison: Comparison | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (money as numbers; exact shares also as 'p/q' text)."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "rule_in_words": self.description,
            "tie_breaking": self.tie_breaking,
            "budget": _number(self.budget),
            "spent": _number(self.spent),
            "left": _number(self.budget - self.spent),
            "voters": self.voters,
            "selected": list(self.selected),
        }
        if self.share is not None and self.start_share is not None:
            data["equal_shares"] = {
                "start_share": _number(self.start_share),
                "share": _number(self.share),
                "share_exact": str(self.share),
                "raises": self.raises,
                "spend_refused_at_next_raise": (
                    None if self.refused_spend is None else _number(self.refused_spend)
                ),
            }
        if self.comparison is not None:
            data["comparison"] = self.comparison.as_dict()
        data["fairness"] = {
            "rule": self.fairness.as_dict(),
            "greedy": self.greedy_fairness.as_dict(),
            "greedy_selected": list(self.greedy_selected),
        }
        data["projects"] = [_project_dict(p) for p in self.projects]
        return data


def _number(value: Fraction | float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return round(float(value), 6)


def _project_dict(result: ProjectResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": result.id,
        "name": result.name,
        "cost": _number(result.cost),
        "score": _number(result.score),
        "supporters": result.supporters,
        "funded": result.funded,
        "stage": result.stage,
        "reason": result.reason,
        "explanation": result.explanation,
    }
    for key in ("round", "paid_all", "passed_over_round", "more_supporters", "position"):
        value = getattr(result, key)
        if value is not None:
            data[key] = value
    if result.payment is not None:
        data["payment_per_supporter"] = _number(result.payment)
    if result.coverage is not None:
        data["coverage"] = round(result.coverage, 4)
    if result.money_left is not None:
        data["money_left"] = _number(result.money_left)
    return data


def _prefer(profile: Profile, first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, int]:
    """(voters better off under first, voters better off under second), exactly."""
    a, b = set(first), set(second)
    better_first = better_second = 0
    for ballot, weight in zip(profile.groups, profile.weights, strict=True):
        here = sum((pts for p, pts in ballot if p in a), Fraction(0))
        there = sum((pts for p, pts in ballot if p in b), Fraction(0))
        if here > there:
            better_first += weight
        elif there > here:
            better_second += weight
    return better_first, better_second


def choose_winners(
    election: Election,
    rule: str | None = None,
    *,
    seed: str = "0",
    threshold: Fraction | None = None,
) -> Outcome:
    """Count the election by `rule` (default: the META's rule). Raises PBInputError.

    `seed` is the published lottery seed for exact ties; `threshold` the minimum score for
    greedy-threshold (default: META `min_project_score_threshold`).
    """
    name = canonical_rule(rule) if rule else rule_from_meta(election)
    tie = TieBreak(seed)
    profile = build_profile(election, tie)
    currency = election.meta.get("currency", "")
    if name == "greedy-threshold" and threshold is None:
        raw = election.meta.get("min_project_score_threshold", "").strip()
        if not raw:
            raise PBInputError(
                "greedy-threshold needs a threshold: "
                "META min_project_score_threshold or --threshold"
            )
        try:
            threshold = Fraction(raw)
        except ValueError:
            raise PBInputError(f"min_project_score_threshold {raw!r} is not a number") from None
    attributes = explain.voter_attributes(election)
    plain_greedy, plain_steps = greedy(profile)
    greedy_coverage = explain.coverage(profile, plain_greedy, attributes)

    run: MESRun | None = None
    add1: Add1Result | None = None
    top_up: tuple[int, ...] = ()
    top_steps: tuple[GreedyStep, ...] = ()
    comparison: Comparison | None = None
    steps: tuple[GreedyStep, ...] = ()
    if name.startswith("equalshares"):
        counting = Counting(profile)
        if "add1" in name:
            add1 = equal_shares_add1(counting)
            run = add1.run
        else:
            run = equal_shares(counting)
        funded = run.selected
        if "greedy" in name:
            top_up, top_steps = greedy(profile, already=funded)
            funded = funded + top_up
        if "comparison" in name:
            prefer_mes, prefer_greedy = _prefer(profile, funded, plain_greedy)
            kept = "greedy" if prefer_greedy > prefer_mes else "equal-shares"
            comparison = Comparison(prefer_mes, prefer_greedy, kept)
            if kept == "greedy":
                funded, steps = plain_greedy, plain_steps
    else:
        funded, steps = plain_greedy, plain_steps
        if name != "greedy":
            limit = threshold if name == "greedy-threshold" else None
            funded, steps = greedy(profile, skip=name != "greedy-no-skip", threshold=limit)

    description = explain.RULE_DESCRIPTIONS["equalshares" if run else name]
    if add1 is not None:
        description += explain.RULE_DESCRIPTIONS["add1"]
    if top_steps:
        description += explain.RULE_DESCRIPTIONS["greedy-top-up"]
    if comparison is not None:
        description += explain.RULE_DESCRIPTIONS["comparison"]
    if name == "greedy-threshold":
        description += f" The minimum score is {threshold}."

    projects = _explain_projects(
        election, profile, run, top_steps, steps, comparison, threshold, currency
    )
    selected = tuple(profile.project_ids[p] for p in funded)
    return Outcome(
        rule=name,
        description=description,
        tie_breaking=tie.describe(),
        budget=profile.budget,
        spent=profile.cost_of(funded),
        selected=selected,
        voters=profile.n_voters,
        projects=projects,
        fairness=explain.coverage(profile, funded, attributes),
        greedy_fairness=greedy_coverage,
        greedy_selected=tuple(profile.project_ids[p] for p in plain_greedy),
        start_share=None if run is None else profile.budget / profile.n_voters,
        share=None if run is None else run.share,
        raises=None if add1 is None else add1.raises,
        refused_spend=None if add1 is None else add1.refused_spend,
        comparison=comparison,
    )


def _explain_projects(
    election: Election,
    profile: Profile,
    run: MESRun | None,
    top_steps: tuple[GreedyStep, ...],
    steps: tuple[GreedyStep, ...],
    comparison: Comparison | None,
    threshold: Fraction | None,
    currency: str,
) -> tuple[ProjectResult, ...]:
    use_greedy = run is None or (comparison is not None and comparison.kept == "greedy")
    rounds = {r.project: r for r in run.rounds} if run else {}
    passed = {p.project: p for p in run.passed_over} if run else {}
    top = {s.project: s for s in top_steps}
    by_step = {s.project: s for s in steps}
    stop_at = next((s for s in steps if s.outcome == "did-not-fit"), None)
    top_points = _top_points(profile) if run else []
    results = []
    for p, project in enumerate(election.projects):
        base = {
            "id": project.id,
            "name": project.name,
            "cost": project.cost,
            "score": profile.scores[p],
            "supporters": profile.supporters[p],
        }
        cost_text = explain.money(project.cost, currency)
        votes = explain.points_word(election, profile.scores[p])
        if use_greedy:
            step = by_step[p]
            extra = {"position": step.position, "money_left": step.money_left}
            left_text = explain.money(step.money_left, currency)
            place = f"{explain.ordinal(step.position)} by score ({votes})"
            if step.outcome == "funded":
                reason = "funded"
                words = f"Funded: {place}, and its cost of {cost_text} fitted the {left_text} left."
            elif step.outcome == "did-not-fit":
                reason = "did-not-fit"
                words = (
                    f"Not funded: {place}, but it costs {cost_text} and only {left_text} was "
                    "left when its turn came."
                )
            elif step.outcome == "below-threshold":
                reason = "below-threshold"
                words = f"Not funded: {votes}, below the minimum score of {threshold}."
            elif step.outcome == "after-stop":
                reason = "after-stop"
                first = profile.project_ids[stop_at.project] if stop_at else "?"
                words = (
                    f"Not funded: {place}; counting stopped at project {first}, the first "
                    "project that did not fit the money left."
                )
            else:
                reason, words = "no-votes", "Not funded: nobody voted for it."
            if comparison is not None:
                words += " (The comparison step kept the most-votes outcome.)"
            funded = reason == "funded"
            stage = "greedy" if funded else None
            results.append(_result(base, funded, stage, reason, words, extra))
            continue
        assert run is not None
        if p in rounds:
            r = rounds[p]
            paid = f"; {r.paid_all} of them paid all they had left" if r.paid_all else ""
            most = r.payment * top_points[p]
            words = (
                f"Funded: its {r.supporters:,} supporters' shares covered its cost of {cost_text} "
                f"in round {r.round}; each paid at most {explain.money(most, currency)}{paid}."
            )
            extra = {"round": r.round, "payment": r.payment, "paid_all": r.paid_all}
            results.append(_result(base, True, "equal-shares", "funded", words, extra))
            continue
        topped = top.get(p)
        if topped is not None and topped.outcome == "funded":
            words = (
                f"Funded in the top-up after equal shares: {explain.ordinal(topped.position)} by "
                f"score ({votes}), and its cost of {cost_text} fitted the "
                f"{explain.money(topped.money_left, currency)} left."
            )
            extra = {"position": topped.position, "money_left": topped.money_left}
            results.append(_result(base, True, "top-up", "funded", words, extra))
            continue
        if profile.supporters[p] == 0:
            reason, words, extra = "no-votes", "Not funded: nobody voted for it.", {}
        elif project.cost == 0:
            reason, words, extra = "no-cost", "Not counted: it has no cost to share.", {}
        else:
            gone = passed.get(p)
            behind = gone.money_behind if gone else 0.0
            when = gone.round if gone else len(run.selected)
            share_covered = behind / float(project.cost)
            needed = explain.more_supporters(project.cost, behind, run.share)
            moment = (
                "from the start" if when == 0 else f"when it was passed over after round {when}"
            )
            words = (
                f"Not funded: its {profile.supporters[p]:,} supporters' remaining shares covered "
                f"{explain.percent(share_covered)} of its cost of {cost_text} {moment}; it would "
                f"have needed about {needed:,} more supporter{'' if needed == 1 else 's'}."
            )
            reason = "not-enough-support"
            extra = {
                "coverage": share_covered,
                "passed_over_round": when,
                "more_supporters": needed,
            }
            if topped is not None and topped.outcome == "did-not-fit":
                words += (
                    f" It did not fit the {explain.money(topped.money_left, currency)} left "
                    "for the top-up either."
                )
        results.append(_result(base, False, None, reason, words, extra))
    return tuple(results)


def _top_points(profile: Profile) -> list[Fraction]:
    """The largest points any supporter gave each project (1 on approval ballots)."""
    top = [Fraction(1)] * profile.n_projects
    for ballot in profile.groups:
        for p, pts in ballot:
            if pts > top[p]:
                top[p] = pts
    return top


def _result(
    base: dict[str, Any],
    funded: bool,
    stage: str | None,
    reason: str,
    words: str,
    extra: dict[str, Any],
) -> ProjectResult:
    return ProjectResult(
        **base, funded=funded, stage=stage, reason=reason, explanation=words, **extra
    )
