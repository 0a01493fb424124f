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
    Jury,
    SelectionDraw,
)

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
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


def _refuse_after_panel(jury: Jury, what: str) -> None:
    if confirmed_draw(jury) is not None:
        raise Conflict(f"The panel has been drawn: {what} can no longer change.")
