"""Participatory budgeting: the rules for a round's phases, freezing the rule before voting,
voting codes, online and paper ballots, and counting with `analysis.pb`. Proposals (their
moderation, assessment, pictures and merges) are in proposals.py, images.py and merges.py.

Every verb that staff use takes `actor=`, checks the role, writes the audit entry and
flushes; the caller commits. Residents' verbs (propose, vote) take no actor: their right
to act is the phase (and for voting, the code). The counting itself is the pure
`analysis.pb` library; this module turns rows into its `Election` and stores the outcome.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select

from analysis.pb import RULES
from consult.auth.services import JOIN_CODE_ALPHABET
from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.models import (
    AuditEntry,
    PBBallot,
    PBEligibleVoter,
    PBPaperEntry,
    PBRound,
    PBVoterCode,
    audit,
    utcnow,
    values_of,
)
from consult.models.pb import PB_STATUSES
from consult.pb import ballots as ballot_kinds
from consult.pb import eligibility
from consult.wording import N_

# The rules a round may use (the completions of MES that pick a whole outcome, and greedy).
ROUND_RULES = (
    "equalshares/add1",
    "equalshares/add1-comparison",
    "equalshares/add1-greedy",
    "equalshares",
    "greedy",
)
assert set(ROUND_RULES) <= set(RULES)
RULE_LABELS = {
    "equalshares/add1": N_("Method of Equal Shares with Add1 (recommended)"),
    "equalshares/add1-comparison": N_("Method of Equal Shares with Add1, then the comparison step"),
    "equalshares/add1-greedy": N_(
        "Method of Equal Shares with Add1, then most votes for money left"
    ),
    "equalshares": N_("Method of Equal Shares without completion"),
    "greedy": N_("Most votes first (greedy)"),
}
PHASE_LABELS = {
    "draft": N_("Not yet open"),
    "proposals": N_("Collecting ideas"),
    "assessment": N_("Ideas being assessed"),
    "voting": N_("Voting open"),
    "closed": N_("Voting closed, counting"),
    "results": N_("Results published"),
}
# The officer moves a round on one phase at a time; closed -> results is `count_round`.
NEXT_PHASE = dict(itertools.pairwise(PB_STATUSES[:-1]))
ASSESSMENT_LABELS = {
    "feasible": N_("Feasible"),
    "feasible_with_changes": N_("Feasible with changes"),
    "not_feasible": N_("Not feasible"),
}
# stored in English (the values); resident pages show them translated: {{ _(band) }}
AGE_BANDS = (
    N_("under 16"),
    "16-17",
    "18-24",
    "25-34",
    "35-44",
    "45-54",
    "55-64",
    N_("65 and over"),
)
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
MAX_CODES_AT_ONCE = 2000
SERIAL = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def require_officer(actor: Any) -> None:
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can do this."))


def _reference(prefix: str) -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


# --- the round ---------------------------------------------------------------------------

DATE_ORDER = (
    "proposals_open_on",
    "proposals_close_on",
    "assessment_ends_on",
    "voting_opens_on",
    "voting_closes_on",
    "results_on",
    "delivery_ends_on",
)
FROZEN_SETTINGS = (
    "budget",
    "currency",
    "rule",
    "min_choices",
    "max_choices",
    "tie_seed",
    "ballot_type",
    "max_sum_points",
    "max_points",
)
SETTINGS = (
    "title",
    "summary",
    "area",
    "title_cy",
    "summary_cy",
    "area_cy",
    "wards",
    "min_age",
    "max_age",
    "eligibility_check",
    "postcode_areas",
    *FROZEN_SETTINGS,
    *DATE_ORDER,
)


def _check_settings(values: dict[str, Any]) -> None:
    """Raise Invalid (with fields) for settings that cannot work together."""
    fields: dict[str, str] = {}
    if not (values.get("title") or "").strip():
        fields["title"] = gettext("Enter a title")
    budget = values.get("budget")
    if not isinstance(budget, int) or budget <= 0:
        fields["budget"] = gettext("Enter the budget in whole pounds, more than 0")
    if values.get("rule") not in ROUND_RULES:
        fields["rule"] = gettext("Choose a counting rule")
    low, high = values.get("min_choices"), values.get("max_choices")
    if not isinstance(low, int) or low < 1:
        fields["min_choices"] = gettext("Voters must choose at least 1 project")
    elif not isinstance(high, int) or high < low:
        fields["max_choices"] = gettext("The most projects must be at least the fewest")
    kind = ballot_kinds.kind_named(values.get("ballot_type"))
    if kind is None:
        fields["ballot_type"] = gettext("Choose a kind of ballot")
    else:  # the rule must suit the ballot: refused here, before voting can open
        fields |= {k: v for k, v in kind.settings_problems(values).items() if k not in fields}
    fields |= eligibility.settings_problems(values)
    min_age, max_age = values.get("min_age"), values.get("max_age")
    if min_age is not None and max_age is not None and max_age < min_age:
        fields["max_age"] = gettext("The oldest age must be at least the youngest")
    previous: tuple[str, date] | None = None
    for name in DATE_ORDER:
        value = values.get(name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            fields[name] = gettext("This date must not be before the phase before it")
        previous = (name, value)
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)


def create_round(*, actor: Any, slug: str | None = None, **values: Any) -> PBRound:
    """A new round in draft. Raises Invalid (with fields) for bad settings or a slug in use."""
    require_officer(actor)
    values.setdefault("rule", "equalshares/add1")
    values.setdefault("min_choices", 1)
    values.setdefault("max_choices", 5)
    values.setdefault("ballot_type", "approval")
    _check_settings(values)
    slug = slugify(slug or values["title"])
    if not slug or slug == "manage":
        raise Invalid(
            gettext("Choose another web address."),
            fields={"slug": gettext("Choose another web address")},
        )
    if db.session.scalar(select(PBRound.id).where(PBRound.slug == slug)):
        raise Invalid(
            gettext("Another round already uses that web address."),
            fields={"slug": gettext("Another round already uses that web address")},
        )
    pb_round = PBRound(slug=slug, status="draft")
    for name in SETTINGS:
        if name in values:
            setattr(pb_round, name, values[name])
    if not pb_round.tie_seed:
        pb_round.tie_seed = secrets.token_hex(8)
    pb_round.eligibility_salt = secrets.token_hex(16)
    pb_round.title = pb_round.title.strip()
    db.session.add(pb_round)
    db.session.flush()
    audit("pb.round_created", actor=actor, subject=pb_round, slug=slug)
    return pb_round


def update_round(pb_round: PBRound, *, actor: Any, **values: Any) -> PBRound:
    """Change a round's settings. Once voting has opened, the budget, rule, ballot limits
    and tie seed are frozen: changing them raises Conflict."""
    require_officer(actor)
    merged = values_of(pb_round, *SETTINGS) | values
    _check_settings(merged)
    if pb_round.is_frozen:
        changed = [n for n in FROZEN_SETTINGS if n in values and values[n] != getattr(pb_round, n)]
        if changed:
            raise Conflict(
                gettext(
                    "Voting has opened, so the budget, rule, ballot limits and tie seed are "
                    "frozen as published. Nothing was changed."
                ),
                fields={name: gettext("Frozen since voting opened") for name in changed},
            )
    for name, value in values.items():
        if name in SETTINGS:
            setattr(pb_round, name, value)
    audit("pb.round_updated", actor=actor, subject=pb_round)
    return pb_round


def frozen_rules(pb_round: PBRound) -> dict[str, Any]:
    """What is published before voting opens: everything that decides the count."""
    return {
        "round": pb_round.slug,
        **values_of(pb_round, "title", "budget", "currency", "rule", "ballot_type"),
        **values_of(pb_round, "min_choices", "max_choices"),
        "tie_breaking_seed": pb_round.tie_seed,
        **ballot_kinds.kind_of(pb_round).frozen_extra(pb_round),
        "eligibility": pb_round.eligibility,
        "projects": [
            {"project_id": p.project_id, "title": p.title, "cost": p.cost}
            for p in pb_round.ballot_projects
        ],
    }


def rules_json(rules: dict[str, Any]) -> str:
    """The canonical text whose SHA-256 is the published checksum."""
    return json.dumps(rules, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def advance_phase(pb_round: PBRound, *, actor: Any) -> str:
    """Move to the next phase. Opening voting needs a workable ballot, and freezes the rule,
    ballot and projects with a published checksum. Counting is `count_round`."""
    require_officer(actor)
    following = NEXT_PHASE.get(pb_round.status)
    if following is None:
        raise Conflict(gettext("Count the votes to publish the results."))
    if following == "voting":
        projects = pb_round.ballot_projects
        unassessed = [
            p for p in pb_round.proposals if p.moderation == "published" and p.assessment is None
        ]
        if unassessed:
            raise Conflict(
                ngettext(
                    "%(num)s published proposal still needs an assessment before voting can open.",
                    "%(num)s published proposals still need an assessment before voting can open.",
                    len(unassessed),
                )
            )
        if len(projects) < 2:
            raise Conflict(
                gettext("At least 2 projects must be on the ballot before voting can open.")
            )
        kind = ballot_kinds.kind_of(pb_round)
        problems = kind.settings_problems(pb_round)
        if problems:
            raise Conflict(
                gettext("%(problem)s before voting opens.", problem=next(iter(problems.values())))
            )
        if pb_round.min_choices > len(projects):
            raise Conflict(
                gettext(
                    "The ballot asks for at least %(low)s choices but has only %(count)s projects.",
                    low=pb_round.min_choices,
                    count=len(projects),
                )
            )
        rules = frozen_rules(pb_round)
        pb_round.frozen_rules = rules
        pb_round.rules_checksum = hashlib.sha256(rules_json(rules).encode()).hexdigest()
        pb_round.frozen_at = utcnow()
    pb_round.status = following
    audit(
        "pb.phase_changed",
        actor=actor,
        subject=pb_round,
        status=following,
        checksum=pb_round.rules_checksum,
    )
    return following


# --- voting codes and ballots ------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def generate_codes(pb_round: PBRound, *, count: int, batch: str = "", actor: Any) -> list[str]:
    """`count` fresh one-time voting codes; only their hashes are kept, so the list returned
    is the only copy (the officer prints it). Raises Invalid for a count out of range."""
    require_officer(actor)
    if pb_round.status in ("closed", "results"):
        raise Conflict(gettext("Voting has closed: no more codes can be made."))
    if count < 1 or count > MAX_CODES_AT_ONCE:
        most = f"{MAX_CODES_AT_ONCE:,}"
        raise Invalid(
            gettext("Make from 1 to %(most)s codes at a time.", most=most),
            fields={"count": gettext("Enter a number from 1 to %(most)s", most=most)},
        )
    codes = []
    for _ in range(count):
        code = new_code()
        codes.append(code)
        db.session.add(
            PBVoterCode(
                round_id=pb_round.id,
                code_hash=PBVoterCode.hash_code(code),
                batch=batch.strip()[:100],
                created_by_id=actor.id,
            )
        )
    audit("pb.codes_made", actor=actor, subject=pb_round, count=count, batch=batch)
    return codes


def voter_code(pb_round: PBRound, code: str) -> PBVoterCode:
    """The code's row, or Invalid saying the code is not right (the same for every miss)."""
    cleaned = code.strip()
    found = None
    if cleaned:
        found = db.session.scalar(
            select(PBVoterCode).where(
                PBVoterCode.round_id == pb_round.id,
                PBVoterCode.code_hash == PBVoterCode.hash_code(cleaned),
            )
        )
    if found is None:
        raise Invalid(
            gettext("That voting code is not right. Check it against your card and try again."),
            fields={"code": gettext("That voting code is not right: check it against your card")},
        )
    return found


Voter = PBVoterCode | PBEligibleVoter


def ballot_for_code(code: Voter) -> PBBallot | None:
    """The ballot of a voting code, or of a voter who passed the eligibility check."""
    if isinstance(code, PBEligibleVoter):
        return db.session.scalar(select(PBBallot).where(PBBallot.eligible_voter_id == code.id))
    return db.session.scalar(select(PBBallot).where(PBBallot.voter_code_id == code.id))


def require_voting_open(pb_round: PBRound) -> None:
    if pb_round.status != "voting":
        raise Conflict(
            gettext("Voting has closed: ballots can no longer be cast or changed.")
            if pb_round.status in ("closed", "results")
            else gettext("Voting has not opened yet.")
        )


def check_choices(
    pb_round: PBRound,
    raw: Iterable[Any],
    *,
    points: Iterable[Any] | None = None,
) -> ballot_kinds.Vote:
    """The ballot checked against the frozen ballot, its kind and its limits (see
    `consult/pb/ballots.py`). Raises Invalid with a message a voter can act on."""
    return ballot_kinds.kind_of(pb_round).check(
        pb_round, list(raw), None if points is None else list(points)
    )


def _check_about_you(pb_round: PBRound, ward: str, age_band: str) -> tuple[str | None, str | None]:
    if ward and ward not in pb_round.wards:
        raise Invalid(
            gettext("Choose a ward from the list."),
            fields={"ward": gettext("Choose a ward from the list")},
        )
    if age_band and age_band not in AGE_BANDS:
        raise Invalid(
            gettext("Choose an age band from the list."),
            fields={"age_band": gettext("Choose an age band")},
        )
    return ward or None, age_band or None


def cast_ballot(
    pb_round: PBRound,
    code: Voter,
    choices: Iterable[Any],
    *,
    points: Iterable[Any] | None = None,
    ward: str = "",
    age_band: str = "",
) -> PBBallot:
    """Cast or change the ballot of `code` (a voting code, or a voter who passed the
    eligibility check) while voting is open: one code or person, one ballot. `points` are
    a cumulative ballot's, in the order of `choices`. Raises Conflict when voting is not
    open, Invalid for a ballot the round does not allow; either way nothing changes."""
    require_voting_open(pb_round)
    if code.round_id != pb_round.id:
        raise NotPermitted(gettext("That voting code is for another round."))
    vote = check_choices(pb_round, choices, points=points)
    voter_ward, voter_age = _check_about_you(pb_round, ward, age_band)
    ballot = ballot_for_code(code)
    if ballot is None:
        ballot = PBBallot(
            round_id=pb_round.id,
            channel="online",
            reference=_reference("PBV"),
        )
        if isinstance(code, PBEligibleVoter):
            ballot.eligible_voter_id = code.id
        else:
            ballot.voter_code_id = code.id
        db.session.add(ballot)
    ballot_kinds.store(ballot, vote)
    ballot.voter_ward, ballot.voter_age_band = voter_ward, voter_age
    db.session.flush()
    return ballot


@dataclass(frozen=True)
class PaperResult:
    """What one paper entry did: `state` is "first" (waiting for the second entry),
    "counted" (two entries agree: the ballot counts) or "mismatch" (they differ)."""

    state: str
    ballot: PBBallot | None = None


def enter_paper_ballot(
    pb_round: PBRound,
    *,
    serial: str,
    choices: Sequence[Any],
    actor: Any,
    points: Sequence[Any] | None = None,
    ward: str = "",
    age_band: str = "",
) -> PaperResult:
    """Enter one paper ballot (double entry). The first entry waits; a second entry by a
    different person that agrees makes the ballot count; one that disagrees is kept and
    reported, and a further person's entry that agrees with either settles it. Spoilt
    choices (outside the ballot's limits) are refused, so a spoilt paper is not entered."""
    require_officer(actor)
    if pb_round.status not in ("voting", "closed"):
        raise Conflict(
            gettext("Paper ballots are entered while voting is open or before counting.")
        )
    serial = serial.strip().upper()
    if not SERIAL.match(serial):
        raise Invalid(
            gettext(
                "Enter the serial number printed on the paper ballot (letters, digits, hyphens)."
            ),
            fields={"serial": gettext("Enter the serial number printed on the ballot")},
        )
    vote = check_choices(pb_round, choices, points=points)
    voter_ward, voter_age = _check_about_you(pb_round, ward, age_band)
    existing = db.session.scalar(
        select(PBBallot).where(PBBallot.round_id == pb_round.id, PBBallot.paper_serial == serial)
    )
    if existing is not None:
        raise Conflict(
            gettext(
                "Paper ballot %(serial)s has already been entered twice and counted.",
                serial=serial,
            )
        )
    entries = list(
        db.session.scalars(
            select(PBPaperEntry).where(
                PBPaperEntry.round_id == pb_round.id, PBPaperEntry.serial == serial
            )
        )
    )
    if any(entry.entered_by_id == actor.id for entry in entries):
        raise Conflict(
            gettext(
                "You have already entered paper ballot %(serial)s: a different person must make "
                "the second entry.",
                serial=serial,
            )
        )
    entry = PBPaperEntry(round_id=pb_round.id, serial=serial, entered_by_id=actor.id)
    ballot_kinds.store(entry, vote)
    db.session.add(entry)
    AuditEntry.record("pb.paper_entered", actor=actor, subject=pb_round, serial=serial)
    if not entries:
        db.session.flush()
        return PaperResult("first")
    if any(ballot_kinds.vote_of(entry) == vote for entry in entries):
        ballot = PBBallot(
            round_id=pb_round.id,
            channel="paper",
            paper_serial=serial,
            reference=_reference("PBV"),
            voter_ward=voter_ward,
            voter_age_band=voter_age,
        )
        ballot_kinds.store(ballot, vote)
        db.session.add(ballot)
        db.session.flush()
        return PaperResult("counted", ballot)
    db.session.flush()
    return PaperResult("mismatch")


def paper_entries_waiting(pb_round: PBRound) -> list[tuple[str, int]]:
    """Serial numbers entered but not yet counted, with how many entries each has."""
    counted = set(
        db.session.scalars(
            select(PBBallot.paper_serial).where(
                PBBallot.round_id == pb_round.id, PBBallot.channel == "paper"
            )
        )
    )
    counts: dict[str, int] = {}
    for serial in db.session.scalars(
        select(PBPaperEntry.serial)
        .where(PBPaperEntry.round_id == pb_round.id)
        .order_by(PBPaperEntry.id)
    ):
        if serial not in counted:
            counts[serial] = counts.get(serial, 0) + 1
    return sorted(counts.items())


def ballots(pb_round: PBRound) -> list[PBBallot]:
    return list(
        db.session.scalars(
            select(PBBallot).where(PBBallot.round_id == pb_round.id).order_by(PBBallot.id)
        )
    )


def find_round(slug: str, *, public: bool = False) -> PBRound:
    pb_round = db.session.scalar(select(PBRound).where(PBRound.slug == slug))
    if pb_round is None or (public and pb_round.status == "draft"):
        raise NotFound(gettext("There is no participatory budgeting round at this address."))
    return pb_round
