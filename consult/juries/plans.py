"""Citizens' juries: the published draw plan, a draw nobody can steer.

The sequence (`analysis.sortition.published` documents the files and the pure function):

1. `publish_plan` freezes the inputs: the anonymised pool (a pseudonym per person, their
   answers, a household number), the quotas, the panel size and the algorithm, as one file
   with its SHA-256. From then on every edit that would change the draw is refused
   (`rules.refuse_if_frozen`), and registration closes.
2. `publish_lottery` computes the LEXIMIN lottery from the frozen file alone and publishes
   it (every panel with its probability) before any random value exists.
3. `enter_random_value`: an officer types the value drawn at a public event (dice, numbered
   balls) or a public value named in advance; who and when are recorded. The panel is the
   pure function of the lottery file and the value, stored as a proposal (a
   `SelectionDraw`) that an officer then confirms.

`start_over` abandons a plan (with a reason, audited); the next plan gets the next number,
and the public page lists them all, so trying again is visible to everyone.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import numpy as np
from sqlalchemy import func, select

from analysis.sortition import InfeasibleQuotasError, SelectionInputError, gini, quota_report
from analysis.sortition.published import (
    Verification,
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
from consult.errors import Conflict, Invalid, NotFound
from consult.extensions import db
from consult.juries.panel import store_draw
from consult.juries.quotas import build_pool, check_quotas
from consult.juries.rules import (
    HOUSEHOLD_COLUMN,
    _require_staff,
    active_draw_run,
    confirmed_draw,
    current_plan,
    plan_facts,
)
from consult.models import DrawPlan, DrawRun, Jury, SelectionDraw, audit, utcnow
from consult.wording import N_

PLAN_ALGORITHM = "leximin"  # the only lottery that is a list of panels (LEGACY is a process)
STAGES = {  # marked for translation: the public page shows them in its language
    "frozen": N_("Inputs frozen"),
    "computing": N_("Inputs frozen, lottery being computed"),
    "lottery": N_("Lottery published"),
    "drawn": N_("Panel drawn"),
    "abandoned": N_("Abandoned"),
}


def plans(jury: Jury) -> list[DrawPlan]:
    """Every draw plan of the jury, abandoned ones too, first published first."""
    return list(
        db.session.scalars(
            select(DrawPlan).where(DrawPlan.jury_id == jury.id).order_by(DrawPlan.number)
        )
    )


def plan_by_number(jury: Jury, number: int) -> DrawPlan:
    plan = db.session.scalar(
        select(DrawPlan).where(DrawPlan.jury_id == jury.id, DrawPlan.number == number)
    )
    if plan is None:
        raise NotFound("There is no draw plan with that number.")
    return plan


def plan_of_draw(draw: SelectionDraw) -> DrawPlan | None:
    return db.session.scalar(select(DrawPlan).where(DrawPlan.draw_id == draw.id))


def publish_plan(jury: Jury, *, actor: Any, pseudonym_key: str | None = None) -> DrawPlan:
    """Freeze and publish the draw's inputs as a new draw plan. People's published codes
    are made with a random key that is not kept (`pseudonym_key` fixes it, for the demo's
    repeatable draw). Raises Conflict when a plan is already published (start over first),
    a panel is confirmed or an older-style draw is being computed; Invalid when there are
    no quotas or they cannot be met."""
    _require_staff(actor, "officer")
    if confirmed_draw(jury) is not None:
        raise Conflict("The panel has already been drawn and confirmed.")
    active = current_plan(jury)
    if active is not None:
        raise Conflict(
            f"Draw plan {active.number} is already published. To change the inputs, start "
            "over: that plan stays listed on the public page."
        )
    if active_draw_run(jury) is not None:
        raise Conflict("A draw is being computed: wait for it before publishing a draw plan.")
    pool = build_pool(jury)
    if not pool.categories.quotas:
        raise Conflict("Set up the categories and quotas before publishing the draw plan.")
    report = check_quotas(jury, pool)
    if report is None or not report.feasible:
        reasons = report.conflicts if report else ["the pool is empty"]
        raise Invalid("The quotas cannot be met: " + "; ".join(reasons))
    names = pseudonyms(pool.registrants, pseudonym_key or secrets.token_hex(16))
    try:
        inputs = freeze_inputs(
            pool.categories,
            pool.respondents,
            jury.panel_size,
            algorithm=PLAN_ALGORITHM,
            household_column=HOUSEHOLD_COLUMN,
            anonymous_ids=names,
        )
    except SelectionInputError as error:
        raise Invalid(str(error)) from error
    text = inputs_to_json(inputs)
    number = (
        db.session.scalar(select(func.max(DrawPlan.number)).where(DrawPlan.jury_id == jury.id)) or 0
    ) + 1
    plan = DrawPlan(
        jury_id=jury.id,
        number=number,
        status="frozen",
        algorithm=PLAN_ALGORITHM,
        panel_size=jury.panel_size,
        households=inputs.households,
        pool_size=len(inputs.people),
        inputs_file=text,
        inputs_checksum=sha256_hex(text),
        pseudonyms={name: int(pid) for pid, name in names.items()},
        published_by_id=actor.id,
    )
    db.session.add(plan)
    jury.registration_open = False
    audit(
        "jury.plan_published",
        actor=actor,
        subject=plan,
        pool_size=plan.pool_size,
        panel_size=plan.panel_size,
        left_out=[registrant.id for registrant, _ in pool.left_out],
        **plan_facts(jury, plan),
    )
    return plan


def _require_stage(plan: DrawPlan, stage: str, doing: str) -> None:
    if plan.status == "abandoned":
        raise Conflict(f"Draw plan {plan.number} was abandoned: {doing} is not possible.")
    if plan.status != stage:
        raise Conflict(
            f"Draw plan {plan.number} is at the stage “{STAGES[plan.status]}”: "
            f"{doing} is not possible now."
        )


def check_can_compute_lottery(plan: DrawPlan, *, actor: Any) -> None:
    """Officers only, and only while the plan's inputs are frozen and its lottery is not
    published. Raises NotPermitted or Conflict."""
    _require_staff(actor, "officer")
    _require_stage(plan, "frozen", "publishing the lottery")


def publish_lottery(plan: DrawPlan, *, actor: Any) -> DrawPlan:
    """Compute the LEXIMIN lottery here and now and publish it (`record_lottery`). For
    scripts and the demo loader; the officer's page computes it in the background
    (`draw_jobs.start_lottery`), because on a large pool it takes minutes. Raises
    Conflict at the wrong stage, Invalid when the lottery cannot be computed."""
    check_can_compute_lottery(plan, actor=actor)
    started = time.perf_counter()
    try:
        lottery, distribution = compute_lottery(parse_inputs(plan.inputs_file))
    except (InfeasibleQuotasError, SelectionInputError, RuntimeError) as error:
        raise Invalid(f"The lottery could not be computed: {error}") from error
    return record_lottery(
        plan,
        lottery_to_csv(lottery),
        actor=actor,
        panels=len(lottery.panels),
        seconds=time.perf_counter() - started,
        complete=bool(getattr(distribution, "complete", True)),
    )


def record_lottery(
    plan: DrawPlan, text: str, *, actor: Any, panels: int, seconds: float, **details: Any
) -> DrawPlan:
    """Publish a computed lottery file (`text`) with its checksum, before any random value
    exists; audited `jury.lottery_published` (`details` adds to it) in the name of `actor`,
    the officer who asked for it. Raises Conflict when the plan is no longer waiting for
    its lottery (abandoned meanwhile). Flushes."""
    _require_stage(plan, "frozen", "publishing the lottery")
    plan.lottery_file = text
    plan.lottery_checksum = sha256_hex(text)
    plan.lottery_published_at = utcnow()
    plan.lottery_by_id = actor.id if actor is not None else None
    plan.status = "lottery"
    audit(
        "jury.lottery_published",
        actor=actor,
        subject=plan,
        number=plan.number,
        lottery_checksum=plan.lottery_checksum,
        panels=panels,
        seconds=round(seconds, 2),
        **details,
    )
    return plan


def lottery_runs(jury: Jury) -> dict[int, DrawRun]:
    """The latest computation of each draw plan's lottery, by plan id."""
    runs = db.session.scalars(
        select(DrawRun)
        .where(DrawRun.jury_id == jury.id, DrawRun.plan_id.is_not(None))
        .order_by(DrawRun.id)
    )
    return {run.plan_id: run for run in runs if run.plan_id is not None}


def computing(run: DrawRun | None) -> bool:
    return run is not None and run.status in ("queued", "running")


def stage_names(published: list[DrawPlan], runs: dict[int, DrawRun]) -> dict[int, str]:
    """Each plan's stage as the pages name it, by plan id: a plan whose lottery is being
    computed says so (its status stays `frozen` until the lottery is published)."""
    return {
        plan.id: STAGES[
            "computing" if plan.status == "frozen" and computing(runs.get(plan.id)) else plan.status
        ]
        for plan in published
    }


def enter_random_value(plan: DrawPlan, *, value: str, source: str, actor: Any) -> SelectionDraw:
    """Record the random value (exactly as typed, without surrounding spaces) and where it
    came from, then draw the panel: the pure function of the published lottery and the
    value. Returns the proposal to confirm. Raises Invalid for an empty value or source,
    Conflict at the wrong stage."""
    _require_staff(actor, "officer")
    _require_stage(plan, "lottery", "entering the random value")
    value = (value or "").strip()
    source = " ".join((source or "").split())
    fields = {}
    if not value:
        fields["value"] = "Enter the random value"
    elif len(value) > 300:
        fields["value"] = "Use a value under 300 characters"
    if not source:
        fields["source"] = "Say where the value came from"
    elif len(source) > 300:
        fields["source"] = "Use under 300 characters"
    if fields:
        raise Invalid(next(iter(fields.values())) + ".", fields=fields)
    assert plan.lottery_file is not None
    lottery = parse_lottery(plan.lottery_file)
    number, ids = draw_panel(lottery, value)
    plan.random_value = value
    plan.random_source = source
    plan.value_entered_at = utcnow()
    plan.value_entered_by_id = actor.id
    plan.panel_file = panel_to_csv(ids)
    plan.panel_number = number
    plan.status = "drawn"
    draw = _proposal(plan, lottery.marginals(), ids, actor=actor)
    plan.draw_id = draw.id
    audit(
        "jury.random_value_entered",
        actor=actor,
        subject=plan,
        number=plan.number,
        random_value=value,
        source=source,
        panel_number=number,
        panel=ids,
        draw=draw.id,
    )
    return draw


def _proposal(
    plan: DrawPlan, marginals: dict[str, float], ids: list[str], *, actor: Any
) -> SelectionDraw:
    """The drawn panel as a proposal in the jury's terms (registrant ids), like any draw."""
    inputs = parse_inputs(plan.inputs_file)
    panel = sorted((str(plan.pseudonyms[pid]) for pid in ids), key=int)
    probabilities = {str(plan.pseudonyms[pid]): marginals.get(pid, 0.0) for pid in plan.pseudonyms}
    values = np.array(list(probabilities.values()))
    lines = quota_report(inputs.categories, inputs.people, ids)
    result = {
        "algorithm": plan.algorithm,
        "seed": plan.random_value,
        "panel": panel,
        "probabilities": probabilities,
        "min_probability": float(values.min()) if len(values) else 0.0,
        "gini": gini(values),
        "quota_report": [line.as_dict() for line in lines],
        "seconds": 0.0,
        "notes": [f"Draw plan {plan.number}: panel {plan.panel_number} of the published lottery"],
        "inputs_checksum": plan.inputs_checksum,
        "household_column": HOUSEHOLD_COLUMN,
        "pool_size": plan.pool_size,
        "left_out": [],
        "plan": plan.number,
    }
    return store_draw(
        db.session.get_one(Jury, plan.jury_id),
        algorithm=plan.algorithm,
        seed=plan.random_value or "",
        panel_size=plan.panel_size,
        result=result,
        actor=actor,
        plan=plan.number,
    )


def start_over(plan: DrawPlan, *, reason: str, actor: Any) -> DrawPlan:
    """Abandon a published plan so the inputs can change again; it stays public, with who,
    when, why and how far it got. Raises Invalid without a reason, Conflict once its panel
    is confirmed or when it is already abandoned."""
    _require_staff(actor, "officer")
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("Say why the draw is starting over.", fields={"reason": "Give a reason"})
    if plan.status == "abandoned":
        raise Conflict(f"Draw plan {plan.number} is already abandoned.")
    if computing(lottery_runs(db.session.get_one(Jury, plan.jury_id)).get(plan.id)):
        raise Conflict(
            f"The lottery of draw plan {plan.number} is being computed: wait for it to finish "
            "(or fail), then start over."
        )
    draw = db.session.get(SelectionDraw, plan.draw_id) if plan.draw_id else None
    if draw is not None and draw.confirmed:
        raise Conflict(f"The panel of draw plan {plan.number} is confirmed: it cannot start over.")
    reached = plan.status
    plan.status = "abandoned"
    plan.abandoned_at = utcnow()
    plan.abandoned_by_id = actor.id
    plan.abandon_reason = reason[:2000]
    audit(
        "jury.plan_abandoned",
        actor=actor,
        subject=plan,
        number=plan.number,
        reached=reached,
        reason=plan.abandon_reason,
        random_value=plan.random_value,
    )
    return plan


def verify_plan(plan: DrawPlan, *, recompute: bool = True) -> Verification:
    """`verify` on the plan's published files, as anyone can run it on their downloads."""
    if plan.panel_file is None or plan.lottery_file is None:
        raise Conflict("Only a drawn plan can be verified.")
    return verify_draw(
        plan.inputs_file.encode("utf-8"),
        plan.inputs_checksum,
        plan.lottery_file.encode("utf-8"),
        plan.lottery_checksum or "",
        plan.random_value or "",
        plan.panel_file.encode("utf-8"),
        recompute=recompute,
    )


def verify_command(jury: Jury, plan: DrawPlan) -> str:
    """The command that checks a drawn plan from its downloaded files."""
    stem = f"{jury.slug}-plan-{plan.number}"
    value = (plan.random_value or "").replace("'", "'\\''")
    return (
        f"python -m analysis.sortition verify --inputs {stem}-inputs.json "
        f"--inputs-checksum {plan.inputs_checksum} --lottery {stem}-lottery.csv "
        f"--lottery-checksum {plan.lottery_checksum} --random-value '{value}' "
        f"--panel {stem}-panel.csv"
    )
