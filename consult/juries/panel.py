"""Citizens' juries: the seeded lottery, the panel, invitations and replacements. Verbs take
`actor=`, audit and flush; the caller commits. The selection maths lives in the pure
`analysis.sortition` library: this module turns rows into its plain objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.sortition import (
    InfeasibleQuotasError,
    SelectionInputError,
    categories_to_csv,
    inputs_checksum,
    respondents_to_csv,
    select_panel,
)
from analysis.sortition import replace_member as choose_replacement
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.juries.quotas import Pool, build_pool, check_quotas
from consult.juries.rules import (
    ACTIVE_MEMBER_STATUSES,
    ALGORITHMS,
    ELIGIBLE_STATUSES,
    HOUSEHOLD_COLUMN,
    _clean,
    _require_staff,
    active_draw_run,
    confirmed_draw,
    current_plan,
    lottery_facts,
)
from consult.models import (
    AuditEntry,
    DrawPlan,
    Jury,
    JurySession,
    PanelMember,
    Registrant,
    SelectionDraw,
    audit,
    utcnow,
)

# --- the verifiable lottery ---------------------------------------------------------------


def draws(jury: Jury) -> list[SelectionDraw]:
    return list(
        db.session.scalars(
            select(SelectionDraw)
            .where(SelectionDraw.jury_id == jury.id)
            .order_by(SelectionDraw.id.desc())
        )
    )


def publish_seed(jury: Jury, seed: str, *, actor: Any) -> Jury:
    """Fix and publish the lottery seed before any draw (e.g. a public lottery's numbers).
    It cannot change once a draw has been made with it, or while one is being computed,
    so no one can try seeds until they like the panel. Raises Invalid for an empty seed,
    Conflict after (or during) a draw."""
    _require_staff(actor, "officer")
    seed = " ".join((seed or "").split())
    if not seed:
        raise Invalid(gettext("Enter the seed."), fields={"seed": gettext("Enter the seed")})
    if len(seed) > 200:
        raise Invalid(
            gettext("Use a seed under 200 characters."),
            fields={"seed": gettext("Under 200 characters")},
        )
    if draws(jury):
        raise Conflict(
            gettext("A draw has been made with the published seed: it cannot change now.")
        )
    if active_draw_run(jury) is not None:
        raise Conflict(
            gettext("A draw is being computed with the published seed: it cannot change now.")
        )
    jury.lottery_seed = seed
    jury.seed_published_at = utcnow()
    audit("jury.seed_published", actor=actor, subject=jury, seed=seed)
    return jury


def check_can_draw(jury: Jury, *, algorithm: str, actor: Any) -> None:
    """The rules every draw obeys before any sums: officers only, a known algorithm, a
    published seed, no confirmed panel. Raises NotPermitted, Invalid or Conflict."""
    _require_staff(actor, "officer")
    if algorithm not in ALGORITHMS:
        raise Invalid(
            gettext("Choose an algorithm."), fields={"algorithm": gettext("Choose an algorithm")}
        )
    if not jury.lottery_seed or jury.seed_published_at is None:
        raise Conflict(gettext("Publish the lottery seed before the draw."))
    if confirmed_draw(jury) is not None:
        raise Conflict(gettext("The panel has already been drawn and confirmed."))
    plan = current_plan(jury)
    if plan is not None:
        raise Conflict(
            gettext(
                "Draw plan %(number)s is published: this jury's panel comes from its published "
                "lottery and random value. To draw differently, start over with a new draw plan.",
                number=plan.number,
            )
        )


def draw_inputs(pool: Pool) -> dict[str, Any]:
    """What a draw of `pool` runs on, frozen as JSON-able data: the categories and
    respondents files (exactly what is published once the panel is confirmed), the
    household column, the pool's size and who was left out (and why)."""
    return {
        "categories": categories_to_csv(pool.categories),
        "respondents": respondents_to_csv(pool.respondents, pool.categories),
        "household_column": HOUSEHOLD_COLUMN,
        "pool_size": len(pool.people),
        "left_out": [
            {"id": registrant.id, "reason": reason} for registrant, reason in pool.left_out
        ],
    }


def draw_panel(jury: Jury, *, algorithm: str, actor: Any) -> SelectionDraw:
    """Run the lottery here and now on the current pool and quotas with the published seed
    and record it (see `record_draw`). For scripts and the demo loader; the officer's
    page computes draws in the background (`consult.juries.draw_jobs`), because LEXIMIN
    can take minutes. Raises Conflict without a published seed or once confirmed,
    Invalid for infeasible quotas (with the conflicts and the smallest relaxation)."""
    check_can_draw(jury, algorithm=algorithm, actor=actor)
    pool = build_pool(jury)
    if not pool.categories.quotas:
        raise Conflict(gettext("Set up the categories and quotas before the draw."))
    report = check_quotas(jury, pool)
    if report is None or not report.feasible:
        reasons = report.conflicts if report else ["the pool is empty"]
        raise Invalid(
            gettext("The quotas cannot be met: %(reasons)s", reasons="; ".join(reasons)),
            fields={"quotas": "; ".join(reasons)},
        )
    checksum = inputs_checksum(
        pool.categories, pool.respondents, jury.panel_size, household_column=HOUSEHOLD_COLUMN
    )
    try:
        result = select_panel(
            pool.categories,
            pool.respondents,
            jury.panel_size,
            algorithm=algorithm,
            seed=jury.lottery_seed,  # type: ignore[arg-type]
            household_column=HOUSEHOLD_COLUMN,
        )
    except InfeasibleQuotasError as error:
        raise Invalid(str(error), fields={"quotas": str(error)}) from error
    except SelectionInputError as error:
        raise Invalid(str(error), fields={"quotas": str(error)}) from error
    output = result.as_dict()
    output["notes"] = list(getattr(result, "notes", ()))
    return record_draw(
        jury,
        algorithm=algorithm,
        seed=jury.lottery_seed,  # type: ignore[arg-type]
        panel_size=jury.panel_size,
        checksum=checksum,
        inputs=draw_inputs(pool),
        output=output,
        actor=actor,
    )


def record_draw(
    jury: Jury,
    *,
    algorithm: str,
    seed: str,
    panel_size: int,
    checksum: str,
    inputs: dict[str, Any],
    output: dict[str, Any],
    actor: Any,
    **details: Any,
) -> SelectionDraw:
    """Store a computed draw as a proposal and audit it (`jury.drawn`, with the inputs'
    checksum, seed, algorithm and panel; `details` adds to it). It stays a proposal until
    an officer confirms it. Callers have checked the officer with `check_can_draw` when the
    draw began; this checks what may have changed since: Conflict if the published seed
    or the panel size changed, or a panel was confirmed meanwhile. Flushes."""
    if jury.lottery_seed != seed:
        raise Conflict(
            gettext(
                "The published seed changed while the draw was computed, so this draw was not "
                "kept. Start it again."
            )
        )
    if jury.panel_size != panel_size:
        raise Conflict(
            gettext(
                "The panel size changed while the draw was computed, so this draw was not kept. "
                "Start it again."
            )
        )
    if confirmed_draw(jury) is not None:
        raise Conflict(
            gettext("A panel was confirmed while this draw was computed, so it was not kept.")
        )
    stored = dict(output)
    stored["inputs_checksum"] = checksum
    stored["household_column"] = inputs["household_column"]
    stored["pool_size"] = inputs["pool_size"]
    stored["left_out"] = list(inputs["left_out"])
    stored["inputs"] = {"categories": inputs["categories"], "respondents": inputs["respondents"]}
    return store_draw(
        jury,
        algorithm=algorithm,
        seed=seed,
        panel_size=panel_size,
        result=stored,
        actor=actor,
        **details,
    )


def store_draw(
    jury: Jury,
    *,
    algorithm: str,
    seed: str,
    panel_size: int,
    result: dict[str, Any],
    actor: Any,
    **details: Any,
) -> SelectionDraw:
    """Store a drawn panel (`result`: the panel, everyone's probability, the quota report,
    `inputs_checksum`, `pool_size`, ...) as an unconfirmed proposal and audit it
    (`jury.drawn`, with the checksum, seed, algorithm and panel; `details` adds to it).
    The one place every kind of draw becomes a proposal: `record_draw` (seeded draws) and
    `plans.enter_random_value` (the published draw). Flushes."""
    draw = SelectionDraw(
        jury_id=jury.id,
        algorithm=algorithm,
        seed=seed[:200],
        panel_size=panel_size,
        inputs_checksum=result["inputs_checksum"],
        result=result,
        confirmed=False,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(draw)
    audit(
        "jury.drawn",
        actor=actor,
        subject=draw,
        pool_size=result["pool_size"],
        min_probability=result["min_probability"],
        panel=result["panel"],
        **lottery_facts(jury, draw),
        **details,
    )
    return draw


def display_name(registrant: Registrant) -> str:
    """How a juror appears to others: first name and initial."""
    initial = f" {registrant.last_name[:1]}." if registrant.last_name else ""
    return f"{registrant.first_name}{initial}"[:100]


def _new_member(
    jury: Jury,
    registrant: Registrant,
    *,
    draw: SelectionDraw | None,
    replaces: PanelMember | None = None,
) -> PanelMember:
    member = PanelMember(
        jury_id=jury.id,
        registrant_id=registrant.id,
        draw_id=draw.id if draw else None,
        display_name=display_name(registrant),
        status="invited",
        features=dict(registrant.features or {}),
        replaces_id=replaces.id if replaces else None,
    )
    registrant.status = "selected"
    jury.members.append(member)  # keeps jury.members current within this transaction
    return member


def confirm_draw(draw: SelectionDraw, *, actor: Any) -> list[PanelMember]:
    """Make a proposed draw the jury's panel: a PanelMember (invited) per selected person,
    those registrants marked selected, registration closed. Raises Conflict when a panel
    is already confirmed or someone drawn has since left the pool."""
    _require_staff(actor, "officer")
    jury = db.session.get(Jury, draw.jury_id)
    assert jury is not None
    if draw.confirmed or confirmed_draw(jury) is not None:
        raise Conflict(gettext("The panel has already been confirmed."))
    plan = current_plan(jury)
    if plan is not None and plan.draw_id != draw.id:
        raise Conflict(
            gettext(
                "Draw plan %(number)s is published: only the panel its random value draws "
                "can be confirmed.",
                number=plan.number,
            )
        )
    if db.session.scalar(
        select(DrawPlan.id).where(DrawPlan.draw_id == draw.id, DrawPlan.status == "abandoned")
    ):
        raise Conflict(gettext("This draw's plan was abandoned: its panel cannot be confirmed."))
    registrants = {
        str(r.id): r
        for r in db.session.scalars(
            select(Registrant).where(
                Registrant.jury_id == jury.id,
                Registrant.id.in_([int(i) for i in draw.result["panel"]]),
            )
        )
    }
    gone = [
        i
        for i in draw.result["panel"]
        if registrants.get(i) is None or registrants[i].status not in ELIGIBLE_STATUSES
    ]
    if gone:
        raise Conflict(
            gettext("Someone in this draw has left the pool since it was made; run a new draw.")
        )
    members = [_new_member(jury, registrants[i], draw=draw) for i in draw.result["panel"]]
    draw.confirmed = True
    jury.status = "selected"
    jury.registration_open = False
    db.session.flush()  # the new members' ids
    audit(
        "jury.panel_confirmed",
        actor=actor,
        subject=draw,
        members=[m.id for m in members],
        **lottery_facts(jury, draw),
    )
    return members


# --- invitations ---------------------------------------------------------------------------


def issue_invitations(
    members: Sequence[PanelMember], *, actor: Any, days_valid: int = 60
) -> list[tuple[PanelMember, str]]:
    """Give each member a fresh one-time join code (any earlier code stops working) and
    return the plaintext codes: this is the only moment they exist, so the caller prints
    or sends them now. Members who declined or dropped out are skipped. Flushes."""
    from consult.auth.services import issue_join_code

    _require_staff(actor, "officer")
    issued = []
    now = utcnow()
    for member in members:
        if member.status not in ACTIVE_MEMBER_STATUSES:
            continue
        code = issue_join_code(member, days_valid=days_valid)
        member.invited_at = now
        issued.append((member, code))
        AuditEntry.record(
            "member.invited",
            actor=actor,
            subject=member,
            expires=member.join_code_expires_at.isoformat(),
        )
    db.session.flush()
    return issued


def record_response(member: PanelMember, *, response: str, actor: Any) -> PanelMember:
    """An officer records a member's answer to the invitation (by phone, letter...)."""
    _require_staff(actor, "officer")
    if response not in ("confirmed", "declined"):
        raise Invalid(
            gettext("Choose confirmed or declined."), fields={"response": gettext("Choose one")}
        )
    if member.status == "dropped":
        raise Conflict(gettext("This member has dropped out."))
    _respond(member, response)
    audit("member.response_recorded", actor=actor, subject=member, response=response)
    return member


def respond_to_invitation(member: PanelMember, *, accept: bool) -> PanelMember:
    """The juror's own answer. Declining signs them out (the code stops working)."""
    if member.status == "dropped":
        raise Conflict(gettext("You are no longer on this panel."))
    _respond(member, "confirmed" if accept else "declined")
    audit("member.confirmed" if accept else "member.declined", actor=member, subject=member)
    return member


def _respond(member: PanelMember, response: str) -> None:
    member.status = response
    member.responded_at = utcnow()
    if response == "declined":
        member.session_version += 1  # signs them out everywhere


# --- replacements --------------------------------------------------------------------------


def drop_member(member: PanelMember, *, reason: str, actor: Any) -> PanelMember:
    """Mark a member as dropped out (the reason goes in the audit log); their join code
    stops working. Raises Invalid without a reason."""
    _require_staff(actor, "officer")
    reason = _clean(reason)
    if not reason:
        raise Invalid(
            gettext("Say why they dropped out."),
            fields={"reason": gettext("Say why they dropped out")},
        )
    if member.status == "dropped":
        raise Conflict(gettext("This member has already dropped out."))
    member.status = "dropped"
    member.session_version += 1
    member.join_code_hash = None
    audit("member.dropped", actor=actor, subject=member, reason=reason)
    return member


def replacement_for(member: PanelMember) -> PanelMember | None:
    return db.session.scalar(select(PanelMember).where(PanelMember.replaces_id == member.id))


def replace_member(member: PanelMember, *, actor: Any) -> PanelMember:
    """Choose a replacement for a member who declined or dropped out, from the remaining
    pool, so that the quotas still hold (and households stay apart), fairly: by the
    library's seeded replacement from the jury's published seed. Raises Conflict when
    no one can replace them without breaking a quota."""
    _require_staff(actor, "officer")
    jury = member.jury
    if member.status not in ("declined", "dropped"):
        raise Conflict(gettext("Only a member who declined or dropped out can be replaced."))
    if replacement_for(member) is not None:
        raise Conflict(gettext("This member has already been replaced."))
    if member.registrant_id is None:
        raise Conflict(
            gettext("This member was added by hand, not drawn: add their replacement by hand.")
        )
    active = [m for m in jury.members if m.status in ACTIVE_MEMBER_STATUSES and m.registrant_id]
    panel_ids = [str(m.registrant_id) for m in active] + [str(member.registrant_id)]
    pool = build_pool(jury, statuses=ELIGIBLE_STATUSES, include_ids=[int(i) for i in panel_ids])
    if str(member.registrant_id) not in pool.registrants:
        raise Conflict(gettext("This member's answers no longer match the quota table."))
    drawn = confirmed_draw(jury)  # its seed is the published seed, or a plan's random value
    base = drawn.seed if drawn is not None else (jury.lottery_seed or "")
    seed = f"{base}|replace|{member.registrant_id}"
    try:
        new_id = choose_replacement(
            pool.respondents,
            pool.categories,
            panel_ids,
            str(member.registrant_id),
            seed=seed,
            household_column=HOUSEHOLD_COLUMN,
        )
    except SelectionInputError as error:
        raise Conflict(str(error)) from error
    registrant = pool.registrants[str(new_id)]
    draw = confirmed_draw(jury)
    new_member = _new_member(jury, registrant, draw=draw, replaces=member)
    audit(
        "member.replaced",
        actor=actor,
        subject=new_member,
        replaces=member.id,
        registrant=registrant.id,
        seed=seed,
        inputs_checksum=inputs_checksum(
            pool.categories,
            pool.respondents,
            len(panel_ids) - 1,
            household_column=HOUSEHOLD_COLUMN,
        ),
    )
    return new_member


# --- tables ----------------------------------------------------------------------------------


def first_session(jury: Jury, *, actor: Any) -> JurySession:
    """The jury's first session, created (planned, "Session 1") if it has none."""
    session = db.session.scalar(
        select(JurySession).where(JurySession.jury_id == jury.id).order_by(JurySession.id)
    )
    if session is None:
        _require_staff(actor, "officer", "facilitator")
        session = JurySession(jury_id=jury.id, title="Session 1", status="planned")
        db.session.add(session)
        db.session.flush()
        AuditEntry.record("session.created", actor=actor, subject=session, via="tables")
    return session
