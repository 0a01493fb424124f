"""Citizens' juries: the shared rules of the jury services (who may act, names, addresses,
households) and the one question every edit asks: has the panel been drawn?"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from sqlalchemy import select

from consult.errors import Conflict, NotPermitted
from consult.extensions import db
from consult.models import (
    DrawPlan,
    DrawRun,
    Jury,
    SelectionDraw,
)
from consult.wording import N_

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = N_("Prefer not to say")
HOUSEHOLD_COLUMN = "household"
ALGORITHMS = ("leximin", "legacy")
ELIGIBLE_STATUSES = ("registered", "reserve")
ACTIVE_MEMBER_STATUSES = ("invited", "confirmed")
RESERVED_SLUGS = {"new", "invitation", "static"}


# --- who may act --------------------------------------------------------------------------


def _require_staff(actor: Any, *roles: str) -> None:
    """Staff with one of `roles` (admins always); raises NotPermitted otherwise."""
    if actor is None or not getattr(actor, "is_staff", False) or not actor.has_role(*roles):
        raise NotPermitted("Only the jury's officers can do that.")


# --- what the audit log records of a lottery -------------------------------------------------


def lottery_facts(jury: Jury, lottery: SelectionDraw | DrawRun) -> dict[str, Any]:
    """How the audit entries of a draw (one computed in the background, or the proposal it
    made) name it: its jury, and what it ran on (algorithm, seed, panel size and inputs'
    checksum), so that anyone can run it again."""
    return {
        "jury": jury.slug,
        "algorithm": lottery.algorithm,
        "seed": lottery.seed,
        "panel_size": lottery.panel_size,
        "inputs_checksum": lottery.inputs_checksum,
    }


def plan_facts(jury: Jury, plan: DrawPlan) -> dict[str, Any]:
    """How the audit entries of a published draw plan name it: its jury, its number and the
    checksum of its frozen inputs."""
    return {"jury": jury.slug, "number": plan.number, "inputs_checksum": plan.inputs_checksum}


# --- small pure helpers --------------------------------------------------------------------


def slugify(text: str) -> str:
    """`Riverside Jury on Transport` -> `riverside-jury-on-transport`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100]


def value_name(label: str) -> str:
    """A category value's stored name from its label: `16 to 29` -> `16_to_29`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+\-]+", "_", ascii_text.lower()).strip("_")[:60]


def normalise_address(address_line: str | None, postcode: str | None) -> str:
    """Lower case, punctuation out, spaces collapsed: `12, High St.` ~ `12 high st`."""
    text = f"{address_line or ''} {postcode or ''}".lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def household_key(address_line: str | None, postcode: str | None) -> str | None:
    """A stable key for one address (SHA-256 prefix of the normalised address), so the
    lottery can seat at most one person per household without storing addresses twice."""
    normalised = normalise_address(address_line, postcode)
    if not normalised:
        return None
    return hashlib.sha256(normalised.encode()).hexdigest()[:32]


def normalise_postcode(postcode: str | None) -> str:
    return "".join((postcode or "").split()).upper()


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def confirmed_draw(jury: Jury) -> SelectionDraw | None:
    return db.session.scalar(
        select(SelectionDraw).where(
            SelectionDraw.jury_id == jury.id, SelectionDraw.confirmed.is_(True)
        )
    )


def current_plan(jury: Jury) -> DrawPlan | None:
    """The jury's published draw plan that has not been abandoned, if any: while there is
    one, the draw's inputs are frozen."""
    return db.session.scalar(
        select(DrawPlan)
        .where(DrawPlan.jury_id == jury.id, DrawPlan.status != "abandoned")
        .order_by(DrawPlan.number.desc())
    )


def frozen_message(plan: DrawPlan, what: str) -> str:
    """What an officer is told when an edit would change a published draw."""
    return (
        f"Draw plan {plan.number} is published, so the draw's inputs are frozen: {what} "
        "cannot change now (the published checksum "
        f"{plan.inputs_checksum[:12]}… must stay true). To change them, start over with a "
        "new draw plan on the draw page; the public page lists every plan."
    )


def refuse_if_frozen(jury: Jury, what: str, *, field: str | None = None) -> None:
    """Raise Conflict when a panel is confirmed or a published draw plan has frozen the
    inputs: nothing that would change the draw (`what`) may change then."""
    if confirmed_draw(jury) is not None:
        message = f"The panel has been drawn: {what} can no longer change."
        raise Conflict(message, fields={field: message} if field else None)
    plan = current_plan(jury)
    if plan is not None:
        message = frozen_message(plan, what)
        raise Conflict(message, fields={field: message} if field else None)


def _refuse_after_panel(jury: Jury, what: str, *, field: str | None = None) -> None:
    refuse_if_frozen(jury, what, field=field)


def active_draw_run(jury: Jury) -> DrawRun | None:
    """The jury's draw being computed (queued or running), if any."""
    return db.session.scalar(
        select(DrawRun).where(DrawRun.jury_id == jury.id, DrawRun.status.in_(("queued", "running")))
    )
