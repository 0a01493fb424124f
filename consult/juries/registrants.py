"""Citizens' juries: creating a jury and its registration pool (register, edit, withdraw,
restore, search). Verbs take `actor=`, audit and flush; the caller commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.juries.labels import label_text
from consult.juries.rules import (
    PREFER_NOT_TO_SAY,
    RESERVED_SLUGS,
    _clean,
    _require_staff,
    current_plan,
    household_key,
    normalise_postcode,
    refuse_if_frozen,
    slugify,
)
from consult.models import (
    AuditEntry,
    Jury,
    Registrant,
    utcnow,
)

# --- juries ----------------------------------------------------------------------------------


def create_jury(
    *,
    title: str,
    question: str = "",
    description: str = "",
    panel_size: int = 24,
    slug: str | None = None,
    actor: Any,
) -> Jury:
    """A new jury, recruiting, with registration open. Raises Invalid for a slug in use."""
    _require_staff(actor, "officer")
    slug = slugify(slug or title)
    if not slug or slug in RESERVED_SLUGS:
        raise Invalid("Choose another web address.", fields={"slug": "Choose another web address"})
    if db.session.scalar(select(Jury.id).where(Jury.slug == slug)):
        raise Invalid(
            "Another jury already uses that web address.",
            fields={"slug": "Another jury already uses that web address"},
        )
    if panel_size < 2:
        raise Invalid("A panel needs at least 2 people.", fields={"panel_size": "At least 2"})
    jury = Jury(
        slug=slug,
        title=title.strip(),
        question=question.strip(),
        description=description.strip(),
        panel_size=panel_size,
        status="recruiting",
        registration_open=True,
        created_by_id=actor.id,
    )
    db.session.add(jury)
    db.session.flush()
    AuditEntry.record("jury.created", actor=actor, subject=jury, slug=slug)
    db.session.flush()
    return jury


def update_jury(
    jury: Jury,
    *,
    actor: Any,
    title: str,
    question: str,
    description: str,
    panel_size: int,
    registration_open: bool,
    welsh: Mapping[str, str | None] | None = None,
) -> Jury:
    """Change the remit and settings (and, given `welsh`, the Welsh versions of the public
    texts: title_cy, question_cy, description_cy; empty clears one); the panel size is
    fixed once a panel is confirmed."""
    _require_staff(actor, "officer")
    if panel_size != jury.panel_size:
        refuse_if_frozen(jury, "the panel size", field="panel_size")
    if registration_open and not jury.registration_open and current_plan(jury) is not None:
        refuse_if_frozen(jury, "who is in the pool (registration)", field="registration_open")
    if panel_size < 2:
        raise Invalid("A panel needs at least 2 people.", fields={"panel_size": "At least 2"})
    jury.title = title.strip()
    jury.question = question.strip()
    jury.description = description.strip()
    for name in WELSH_FIELDS if welsh is not None else ():
        setattr(jury, name, (welsh.get(name) or "").strip() or None)
    jury.panel_size = panel_size
    jury.registration_open = registration_open
    AuditEntry.record("jury.updated", actor=actor, subject=jury)
    db.session.flush()
    return jury


WELSH_FIELDS = ("title_cy", "question_cy", "description_cy")


def jury_by_slug(slug: str) -> Jury | None:
    return db.session.scalar(select(Jury).where(Jury.slug == slug))


# --- registration of interest --------------------------------------------------------------


def _check_features(jury: Jury, features: dict[str, str], *, allow_missing: bool) -> dict[str, str]:
    """Keep only known categories; each value must be one of the category's values or
    "prefer not to say". Raises Invalid naming the field (`feature-<category>`)."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for category in jury.categories:
        value = (features.get(category.name) or "").strip()
        known = {v.value for v in category.values} | {PREFER_NOT_TO_SAY}
        if not value:
            if not allow_missing:
                errors[f"feature-{category.name}"] = gettext(
                    "Answer '%(question)s', or choose 'Prefer not to say'",
                    question=label_text(category),
                )
            continue
        if value not in known:
            errors[f"feature-{category.name}"] = gettext(
                "Choose one of the answers for %(question)s", question=label_text(category)
            )
            continue
        clean[category.name] = value
    if errors:
        raise Invalid(gettext("Some answers are missing."), fields=errors)
    return clean


def find_duplicate(
    jury: Jury,
    *,
    email: str | None,
    first_name: str,
    last_name: str,
    postcode: str | None,
    exclude_id: int | None = None,
) -> Registrant | None:
    """Someone already in this jury's pool with the same email, or the same name and
    postcode (ignoring case and spacing)."""
    conditions = []
    if email:
        conditions.append(func.lower(Registrant.email) == email.strip().lower())
    query = select(Registrant).where(Registrant.jury_id == jury.id)
    if exclude_id is not None:
        query = query.where(Registrant.id != exclude_id)
    if conditions:
        found = db.session.scalar(query.where(or_(*conditions)))
        if found is not None:
            return found
    if postcode and first_name and last_name:
        wanted = (
            first_name.strip().lower(),
            last_name.strip().lower(),
            normalise_postcode(postcode),
        )
        candidates = db.session.scalars(
            query.where(
                func.lower(Registrant.first_name) == wanted[0],
                func.lower(Registrant.last_name) == wanted[1],
            )
        )
        for candidate in candidates:
            if normalise_postcode(candidate.postcode) == wanted[2]:
                return candidate
    return None


class Contact(TypedDict):
    """A registrant's contact details as a form or a person gives them (not yet tidied)."""

    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    address_line: str | None
    postcode: str | None


def _kept(contact: Contact) -> dict[str, Any]:
    """The contact details as a Registrant keeps them: spaces tidied, blanks as None, the
    postcode in capitals, and the key of the household at that address."""
    address_line, postcode = contact["address_line"], contact["postcode"]
    return {
        "first_name": _clean(contact["first_name"]),
        "last_name": _clean(contact["last_name"]),
        "email": (contact["email"] or "").strip() or None,
        "phone": _clean(contact["phone"]) or None,
        "address_line": _clean(address_line) or None,
        "postcode": _clean(postcode).upper() or None,
        "household_key": household_key(address_line, postcode),
    }


def register_interest(
    jury: Jury,
    *,
    features: dict[str, str],
    availability: Sequence[str] = (),
    consent: bool,
    language: str = "en",
    **contact: Unpack[Contact],
) -> Registrant:
    """A resident registers interest (no account), in `language` (their emails use it).
    Raises Conflict when registration is closed or they are already registered, Invalid
    for missing answers. Flushes."""
    if not jury.registration_open or jury.status != "recruiting" or current_plan(jury):
        raise Conflict(gettext("Registration for this jury has closed."))
    if not consent:
        raise Invalid(
            gettext("Tick the box to agree to how we use your information."),
            fields={"consent": gettext("Tick the box to agree to how we use your information")},
        )
    clean = _check_features(jury, features, allow_missing=False)
    kept = _kept(contact)
    if find_duplicate(
        jury,
        email=kept["email"],
        first_name=contact["first_name"],
        last_name=contact["last_name"],
        postcode=contact["postcode"],
    ):
        raise Conflict(
            gettext(
                "You have already registered for this jury. Thank you: there is no need to "
                "register again. If your details have changed, contact the jury team."
            )
        )
    registrant = Registrant(
        jury_id=jury.id,
        status="registered",
        **kept,
        features=clean,
        availability=list(availability),
        consented_at=utcnow(),
        language=language,
    )
    db.session.add(registrant)
    db.session.flush()
    return registrant


def update_registrant(
    registrant: Registrant,
    *,
    actor: Any,
    features: dict[str, str],
    **contact: Unpack[Contact],
) -> Registrant:
    """An officer corrects a registration. Raises Invalid for a duplicate or bad answer."""
    _require_staff(actor, "officer")
    jury = registrant.jury
    clean = _check_features(jury, features, allow_missing=True)
    old = registrant.features or {}
    changed = [f"feature-{k}" for k in sorted(set(clean) | set(old)) if clean.get(k) != old.get(k)]
    kept = _kept(contact)
    if kept["household_key"] != registrant.household_key:
        changed.append("address_line")
    if changed:  # names, emails and phone numbers are not in the draw: they may change
        refuse_if_frozen(jury, "a person's answers or address", field=changed[0])
    duplicate = find_duplicate(
        jury,
        email=kept["email"],
        first_name=contact["first_name"],
        last_name=contact["last_name"],
        postcode=contact["postcode"],
        exclude_id=registrant.id,
    )
    if duplicate is not None:
        raise Invalid(
            f"{duplicate.name} is already registered with that email or name and postcode.",
            fields={"email": "Someone else in the pool has this email, or name and postcode"},
        )
    for name, value in kept.items():
        setattr(registrant, name, value)
    registrant.features = clean
    AuditEntry.record("registrant.edited", actor=actor, subject=registrant)
    db.session.flush()
    return registrant


def withdraw_registrant(registrant: Registrant, *, actor: Any, reason: str = "") -> Registrant:
    """Take someone out of the pool. A selected person is dropped from the panel instead."""
    _require_staff(actor, "officer")
    if registrant.status == "selected":
        raise Conflict("This person is on the panel: mark them as dropped out on the panel page.")
    refuse_if_frozen(registrant.jury, "who is in the pool")
    registrant.status = "withdrawn"
    AuditEntry.record("registrant.withdrawn", actor=actor, subject=registrant, reason=reason)
    db.session.flush()
    return registrant


def restore_registrant(registrant: Registrant, *, actor: Any) -> Registrant:
    """Put a withdrawn person back in the pool."""
    _require_staff(actor, "officer")
    if registrant.status != "withdrawn":
        raise Conflict("Only a withdrawn person can be put back in the pool.")
    refuse_if_frozen(registrant.jury, "who is in the pool")
    registrant.status = "registered"
    AuditEntry.record("registrant.restored", actor=actor, subject=registrant)
    db.session.flush()
    return registrant


def pool_query(jury: Jury, *, search: str = "", status: str = "") -> Select[tuple[Registrant]]:
    """Registrants of `jury` matching a name, email or postcode search, newest last."""
    query = select(Registrant).where(Registrant.jury_id == jury.id)
    if status:
        query = query.where(Registrant.status == status)
    for word in search.split():
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Registrant.first_name).like(like),
                func.lower(Registrant.last_name).like(like),
                func.lower(Registrant.email).like(like),
                func.lower(func.replace(Registrant.postcode, " ", "")).like(
                    f"%{word.lower().replace(' ', '')}%"
                ),
            )
        )
    return query.order_by(Registrant.id)


def pool_counts(jury: Jury) -> dict[str, int]:
    rows = db.session.execute(
        select(Registrant.status, func.count())
        .where(Registrant.jury_id == jury.id)
        .group_by(Registrant.status)
    ).all()
    counts = {status: 0 for status in ("registered", "reserve", "selected", "withdrawn")}
    counts.update({status: number for status, number in rows})
    counts["total"] = sum(number for _, number in rows)
    return counts
