"""Citizens' juries: the rules for the registration pool, quotas, the seeded lottery, the
panel, invitations, replacements and balanced tables.

Every verb takes the acting person as `actor=`, checks that they may act, writes the
audit entry and flushes; the caller (a view or a CLI command) commits. The selection
maths lives in the pure `analysis.sortition` library: this module turns rows into its
plain objects and stores what it returns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select

from analysis.sortition import (
    Categories,
    FeasibilityReport,
    InfeasibleQuotasError,
    Quota,
    Respondent,
    Respondents,
    SelectionInputError,
    categories_to_csv,
    check_feasibility,
    extra_columns_warning,
    inputs_checksum,
    parse_categories,
    parse_category_labels,
    parse_respondents,
    respondents_to_csv,
    select_panel,
)
from analysis.sortition import replace_member as choose_replacement
from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    AuditEntry,
    CategoryValue,
    DrawRun,
    Jury,
    JuryCategory,
    JurySession,
    PanelMember,
    Registrant,
    SelectionDraw,
    utcnow,
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
) -> Jury:
    """Change the remit and settings; the panel size is fixed once a panel is confirmed."""
    _require_staff(actor, "officer")
    if panel_size != jury.panel_size and confirmed_draw(jury) is not None:
        raise Invalid(
            "The panel has been drawn: its size can no longer change.",
            fields={"panel_size": "The panel has been drawn: its size can no longer change"},
        )
    if panel_size < 2:
        raise Invalid("A panel needs at least 2 people.", fields={"panel_size": "At least 2"})
    jury.title = title.strip()
    jury.question = question.strip()
    jury.description = description.strip()
    jury.panel_size = panel_size
    jury.registration_open = registration_open
    AuditEntry.record("jury.updated", actor=actor, subject=jury)
    db.session.flush()
    return jury


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
                errors[f"feature-{category.name}"] = (
                    f"Answer '{category.label}', or choose 'Prefer not to say'"
                )
            continue
        if value not in known:
            errors[f"feature-{category.name}"] = f"Choose one of the answers for {category.label}"
            continue
        clean[category.name] = value
    if errors:
        raise Invalid("Some answers are missing.", fields=errors)
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


def register_interest(
    jury: Jury,
    *,
    first_name: str,
    last_name: str,
    email: str | None,
    phone: str | None,
    address_line: str | None,
    postcode: str | None,
    features: dict[str, str],
    availability: Sequence[str] = (),
    consent: bool,
) -> Registrant:
    """A resident registers interest (no account). Raises Conflict when registration is
    closed or they are already registered, Invalid for missing answers. Flushes."""
    if not jury.registration_open or jury.status != "recruiting":
        raise Conflict("Registration for this jury has closed.")
    if not consent:
        raise Invalid(
            "Tick the box to agree to how we use your information.",
            fields={"consent": "Tick the box to agree to how we use your information"},
        )
    clean = _check_features(jury, features, allow_missing=False)
    email = (email or "").strip() or None
    if find_duplicate(
        jury, email=email, first_name=first_name, last_name=last_name, postcode=postcode
    ):
        raise Conflict(
            "You have already registered for this jury. Thank you: there is no need to "
            "register again. If your details have changed, contact the jury team."
        )
    registrant = Registrant(
        jury_id=jury.id,
        status="registered",
        first_name=_clean(first_name),
        last_name=_clean(last_name),
        email=email,
        phone=_clean(phone) or None,
        address_line=_clean(address_line) or None,
        postcode=_clean(postcode).upper() or None,
        household_key=household_key(address_line, postcode),
        features=clean,
        availability=list(availability),
        consented_at=utcnow(),
    )
    db.session.add(registrant)
    db.session.flush()
    return registrant


def update_registrant(
    registrant: Registrant,
    *,
    actor: Any,
    first_name: str,
    last_name: str,
    email: str | None,
    phone: str | None,
    address_line: str | None,
    postcode: str | None,
    features: dict[str, str],
) -> Registrant:
    """An officer corrects a registration. Raises Invalid for a duplicate or bad answer."""
    _require_staff(actor, "officer")
    jury = registrant.jury
    clean = _check_features(jury, features, allow_missing=True)
    email = (email or "").strip() or None
    duplicate = find_duplicate(
        jury,
        email=email,
        first_name=first_name,
        last_name=last_name,
        postcode=postcode,
        exclude_id=registrant.id,
    )
    if duplicate is not None:
        raise Invalid(
            f"{duplicate.name} is already registered with that email or name and postcode.",
            fields={"email": "Someone else in the pool has this email, or name and postcode"},
        )
    registrant.first_name = _clean(first_name)
    registrant.last_name = _clean(last_name)
    registrant.email = email
    registrant.phone = _clean(phone) or None
    registrant.address_line = _clean(address_line) or None
    registrant.postcode = _clean(postcode).upper() or None
    registrant.household_key = household_key(address_line, postcode)
    registrant.features = clean
    AuditEntry.record("registrant.edited", actor=actor, subject=registrant)
    db.session.flush()
    return registrant


def withdraw_registrant(registrant: Registrant, *, actor: Any, reason: str = "") -> Registrant:
    """Take someone out of the pool. A selected person is dropped from the panel instead."""
    _require_staff(actor, "officer")
    if registrant.status == "selected":
        raise Conflict("This person is on the panel: mark them as dropped out on the panel page.")
    registrant.status = "withdrawn"
    AuditEntry.record("registrant.withdrawn", actor=actor, subject=registrant, reason=reason)
    db.session.flush()
    return registrant


def restore_registrant(registrant: Registrant, *, actor: Any) -> Registrant:
    """Put a withdrawn person back in the pool."""
    _require_staff(actor, "officer")
    if registrant.status != "withdrawn":
        raise Conflict("Only a withdrawn person can be put back in the pool.")
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


# --- quotas ----------------------------------------------------------------------------------


def _refuse_after_panel(jury: Jury, what: str) -> None:
    if confirmed_draw(jury) is not None:
        raise Conflict(f"The panel has been drawn: {what} can no longer change.")


def add_category(
    jury: Jury,
    *,
    label: str,
    values: Sequence[str],
    name: str | None = None,
    actor: Any,
    prefer_not_to_say: bool = True,
) -> JuryCategory:
    """A demographic category with its values (quotas 0 until set). `values` are labels;
    a "Prefer not to say" value is added (quota 0 to 1) unless asked not to."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the categories")
    label = _clean(label)
    name = value_name(name or label)
    if not name:
        raise Invalid("Give the category a name.", fields={"label": "Give the category a name"})
    if any(category.name == name for category in jury.categories):
        raise Invalid(
            "There is already a category with that name.",
            fields={"label": "There is already a category with that name"},
        )
    labels = [_clean(v) for v in values if _clean(v)]
    if len(labels) < 2:
        raise Invalid(
            "A category needs at least two answers.",
            fields={"values": "Enter at least two answers, one per line"},
        )
    names = [value_name(v) for v in labels]
    if len(set(names)) != len(names) or not all(names):
        raise Invalid(
            "Each answer must be different.", fields={"values": "Each answer must be different"}
        )
    category = JuryCategory(name=name, label=label, position=len(jury.categories))
    for position, (value, value_label) in enumerate(zip(names, labels, strict=True)):
        category.values.append(
            CategoryValue(
                value=value,
                label=value_label,
                position=position,
                min_count=0,
                max_count=jury.panel_size,
            )
        )
    if prefer_not_to_say and PREFER_NOT_TO_SAY not in names:
        category.values.append(
            CategoryValue(
                value=PREFER_NOT_TO_SAY,
                label=PREFER_NOT_TO_SAY_LABEL,
                position=len(names),
                min_count=0,
                max_count=1,
            )
        )
    jury.categories.append(category)
    db.session.flush()
    AuditEntry.record("jury.category_added", actor=actor, subject=jury, category=name)
    db.session.flush()
    return category


def delete_category(category: JuryCategory, *, actor: Any) -> None:
    """Remove a category and its quotas (registrants keep their answers)."""
    _require_staff(actor, "officer")
    jury = category.jury
    _refuse_after_panel(jury, "the categories")
    AuditEntry.record("jury.category_deleted", actor=actor, subject=jury, category=category.name)
    jury.categories.remove(category)
    for position, other in enumerate(jury.categories):
        other.position = position
    db.session.flush()


def set_quotas(jury: Jury, quotas: dict[int, tuple[str, str]], *, actor: Any) -> None:
    """Set min and max for values by id, from form text. Raises Invalid with a field per
    bad value (`min-<id>` / `max-<id>`); nothing changes unless all are right."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the quotas")
    errors: dict[str, str] = {}
    parsed: dict[int, tuple[int, int]] = {}
    values = {value.id: value for category in jury.categories for value in category.values}
    for value_id, (low_text, high_text) in quotas.items():
        value = values.get(value_id)
        if value is None:
            continue
        where = f"{value.category.label}: {value.label}"
        try:
            low = int(str(low_text).strip())
        except ValueError:
            errors[f"min-{value_id}"] = f"{where}: the minimum must be a whole number"
            continue
        try:
            high = int(str(high_text).strip())
        except ValueError:
            errors[f"max-{value_id}"] = f"{where}: the maximum must be a whole number"
            continue
        if low < 0:
            errors[f"min-{value_id}"] = f"{where}: the minimum cannot be negative"
        elif high < low:
            errors[f"max-{value_id}"] = f"{where}: the maximum must be at least the minimum"
        else:
            parsed[value_id] = (low, high)
    if errors:
        raise Invalid("Some quotas are not right.", fields=errors)
    changed = {}
    for value_id, (low, high) in parsed.items():
        value = values[value_id]
        if (value.min_count, value.max_count) != (low, high):
            changed[f"{value.category.name}={value.value}"] = [low, high]
        value.min_count, value.max_count = low, high
    if changed:
        AuditEntry.record("jury.quotas_set", actor=actor, subject=jury, changed=changed)
    db.session.flush()


def jury_quotas(jury: Jury) -> Categories:
    """The jury's quota table as the selection library's `Categories`."""
    return Categories(
        tuple(
            Quota(category.name, value.value, value.min_count, value.max_count)
            for category in jury.categories
            for value in category.values
        )
    )


def import_categories(jury: Jury, text: str, *, actor: Any) -> list[str]:
    """Replace the jury's categories with a categories file (`category,name,min,max` and
    its variants). Display labels come from the file's `category_label` and `name_label`
    columns (as `categories_csv` writes them), else from the jury's present labels, else
    from the names. Returns warnings (columns not understood). Raises Invalid naming the
    line for a bad file, Conflict once the panel is drawn."""
    _require_staff(actor, "officer")
    _refuse_after_panel(jury, "the categories")
    try:
        parsed = parse_categories(text)
    except SelectionInputError as error:
        raise Invalid(str(error), fields={"file": str(error)}) from error
    existing_labels = {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }
    for (name, value), (category_label, value_label) in parse_category_labels(text).items():
        old = existing_labels.get((name, value), ("", ""))
        existing_labels[(name, value)] = (category_label or old[0], value_label or old[1])
    jury.categories.clear()
    db.session.flush()
    for position, name in enumerate(parsed.names):
        category_label = next(
            (labels[0] for (c, _), labels in existing_labels.items() if c == name and labels[0]),
            name.replace("_", " ").capitalize(),
        )
        category = JuryCategory(name=name[:60], label=category_label, position=position)
        for value_position, value in enumerate(parsed.values(name)):
            quota = parsed.quota(name, value)
            label = existing_labels.get((name, value), (None, None))[1] or (
                PREFER_NOT_TO_SAY_LABEL
                if value == PREFER_NOT_TO_SAY
                else value.replace("_", " ").capitalize()
            )
            category.values.append(
                CategoryValue(
                    value=value[:60],
                    label=label,
                    position=value_position,
                    min_count=quota.min,
                    max_count=quota.max,
                )
            )
        jury.categories.append(category)
    db.session.flush()
    AuditEntry.record(
        "jury.categories_imported",
        actor=actor,
        subject=jury,
        categories=list(parsed.names),
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )
    db.session.flush()
    return list(parsed.warnings)


def categories_csv(jury: Jury) -> str:
    """The jury's quotas as a categories file, with each category's and value's display
    label (so a jury set up from it shows residents the same words)."""
    labels = {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }
    return categories_to_csv(jury_quotas(jury), labels)


# --- the pool as the lottery sees it ----------------------------------------------------


@dataclass
class Pool:
    """The eligible pool in the library's terms. `left_out` lists registrants who cannot
    take part in the draw because an answer is not in the quota table, with the reason."""

    categories: Categories
    respondents: Respondents
    registrants: dict[str, Registrant]
    left_out: list[tuple[Registrant, str]] = field(default_factory=list)

    @property
    def people(self) -> tuple[Respondent, ...]:
        return self.respondents.people


def build_pool(
    jury: Jury, *, statuses: Iterable[str] = ELIGIBLE_STATUSES, include_ids: Iterable[int] = ()
) -> Pool:
    """Turn the jury's registrants (in `statuses`, plus `include_ids`) into respondents.

    Ids are registrant ids as text. Households get pseudonyms (`H0001`, numbered in order
    of their first registrant), so the same pool exported and read back gives the same
    checksum and the same panel without publishing anyone's address.
    """
    categories = jury_quotas(jury)
    known = {(q.category, q.value) for q in categories.quotas}
    wanted = set(statuses)
    extra_ids = set(include_ids)
    rows = db.session.scalars(
        select(Registrant).where(Registrant.jury_id == jury.id).order_by(Registrant.id)
    ).all()
    households: dict[str, str] = {}
    people: list[Respondent] = []
    by_id: dict[str, Registrant] = {}
    left_out: list[tuple[Registrant, str]] = []
    for registrant in rows:
        if registrant.status not in wanted and registrant.id not in extra_ids:
            continue
        features = registrant.features or {}
        problems = []
        for name in categories.names:
            value = features.get(name)
            if value is None:
                problems.append(f"no answer for {name}")
            elif (name, value) not in known:
                problems.append(f"{name} = {value} has no quota")
        if problems:
            left_out.append((registrant, "; ".join(problems)))
            continue
        household = ""
        if registrant.household_key:
            household = households.setdefault(
                registrant.household_key, f"H{len(households) + 1:04d}"
            )
        person_id = str(registrant.id)
        people.append(
            Respondent(
                person_id,
                {name: features[name] for name in categories.names},
                {HOUSEHOLD_COLUMN: household},
            )
        )
        by_id[person_id] = registrant
    respondents = Respondents(tuple(people), id_column="id", extra_columns=(HOUSEHOLD_COLUMN,))
    return Pool(categories, respondents, by_id, left_out)


def check_quotas(jury: Jury, pool: Pool | None = None) -> FeasibilityReport | None:
    """Can the quotas be met by the current pool? None when there is nothing to check."""
    pool = pool or build_pool(jury)
    if not pool.categories.quotas or not pool.people:
        return None
    try:
        return check_feasibility(
            pool.respondents,
            pool.categories,
            jury.panel_size,
            household_column=HOUSEHOLD_COLUMN,
        )
    except SelectionInputError as error:
        return FeasibilityReport(False, [str(error)], [])


def anonymised_pool_csv(jury: Jury) -> str:
    """The eligible pool as a respondents file: id, one column per category, household
    pseudonym. Enough to re-run the lottery; no names or contact details."""
    pool = build_pool(jury)
    return respondents_to_csv(pool.respondents, pool.categories)


FULL_EXPORT_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_line",
    "postcode",
    "status",
    "availability",
    "external_id",
    "registered_at",
)


def export_full_pool(jury: Jury, *, actor: Any) -> str:
    """`full_pool_csv` for an officer, audited as an export of personal data. Flushes."""
    _require_staff(actor, "officer")
    AuditEntry.record("jury.pool_exported", actor=actor, subject=jury, personal_data=True)
    db.session.flush()
    return full_pool_csv(jury)


def full_pool_csv(jury: Jury) -> str:
    """Every registrant, with contact details (personal data: officers only), as a
    respondents file that can be imported again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [category.name for category in jury.categories]
    writer.writerow(["id", *names, *FULL_EXPORT_COLUMNS])
    for registrant in db.session.scalars(
        select(Registrant).where(Registrant.jury_id == jury.id).order_by(Registrant.id)
    ):
        features = registrant.features or {}
        writer.writerow(
            [
                registrant.id,
                *(features.get(name, "") for name in names),
                registrant.first_name,
                registrant.last_name,
                registrant.email or "",
                registrant.phone or "",
                registrant.address_line or "",
                registrant.postcode or "",
                registrant.status,
                ";".join(registrant.availability or []),
                registrant.external_id or "",
                registrant.created_at.isoformat() if registrant.created_at else "",
            ]
        )
    return out.getvalue()


# column-name variants for contact details in a respondents file (compared normalised)
CONTACT_COLUMNS = {
    "first_name": ("first_name", "firstname", "first", "given_name", "forename", "forenames"),
    "last_name": ("last_name", "lastname", "surname", "family_name", "last"),
    "full_name": ("name", "full_name", "fullname"),
    "email": ("email", "email_address", "e_mail", "primary_email"),
    "phone": ("phone", "phone_number", "telephone", "mobile", "mobile_number", "tel"),
    "address_line": (
        "address_line",
        "address",
        "address1",
        "address_1",
        "address_line_1",
        "primary_address1",
        "street",
        "street_address",
    ),
    "postcode": ("postcode", "post_code", "postal_code", "zip", "zip_code", "primary_zip"),
    "household": ("household", "household_id", "household_key", "address_id"),
    "availability": ("availability", "available"),
}
IGNORED_EXPORT_COLUMNS = ("status", "external_id", "registered_at")


def _column_key(header: str) -> str:
    return "_".join(header.strip().casefold().replace("-", " ").replace("_", " ").split())


@dataclass
class ImportSummary:
    """What an import of a respondents file did."""

    added: int = 0
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    understood: dict[str, str] = field(default_factory=dict)


def import_respondents(jury: Jury, text: str, *, actor: Any) -> ImportSummary:
    """Add the people of a respondents file to the pool (one column per category, an id,
    and optional contact columns in their usual spellings). Rows whose id, email, or
    name and postcode are already in the pool are skipped and listed. Raises Invalid
    naming the line for a bad file; nothing is added unless the whole file is right."""
    _require_staff(actor, "officer")
    if jury.status != "recruiting":
        raise Conflict("The panel has been drawn: the pool can no longer grow.")
    categories = jury_quotas(jury)
    if not categories.quotas:
        raise Invalid(
            "Set up the categories (or import a categories file) before importing people.",
            fields={"file": "Set up the categories before importing people"},
        )
    try:
        parsed = parse_respondents(text, categories)
    except SelectionInputError as error:
        raise Invalid(str(error), fields={"file": str(error)}) from error
    summary = ImportSummary(warnings=list(parsed.warnings))
    columns: dict[str, str] = {}
    for column in parsed.extra_columns:
        key = _column_key(column)
        target = next((name for name, keys in CONTACT_COLUMNS.items() if key in keys), None)
        if target is not None and target not in columns:
            columns[target] = column
            summary.understood[column] = target
        elif key in IGNORED_EXPORT_COLUMNS:
            summary.understood[column] = "ignored (set by Consult)"
        else:
            summary.not_understood.append(column)
    # the page lists the extra columns one by one, so their warning would say it twice
    not_categories = extra_columns_warning(parsed.extra_columns) if parsed.extra_columns else ""
    summary.warnings = [w for w in summary.warnings if w != not_categories]
    existing_ids = set(
        db.session.scalars(
            select(Registrant.external_id).where(
                Registrant.jury_id == jury.id, Registrant.external_id.is_not(None)
            )
        )
    )
    seen_emails: set[str] = set()
    now = utcnow()
    for person in parsed.people:
        extra = person.extra

        def get(name: str, extra: Any = extra) -> str:
            column = columns.get(name)
            return _clean(extra.get(column, "")) if column else ""

        first, last = get("first_name"), get("last_name")
        if not first and not last and get("full_name"):
            first, _, last = get("full_name").partition(" ")
        if not first and not last:
            first, last = "Respondent", person.id
        email = get("email").lower() or None
        postcode = get("postcode")
        if (
            person.id in existing_ids
            or (email and email in seen_emails)
            or find_duplicate(
                jury, email=email, first_name=first, last_name=last, postcode=postcode
            )
        ):
            summary.duplicates.append(person.id)
            continue
        if email:
            seen_emails.add(email)
        existing_ids.add(person.id)
        address = get("address_line")
        household = get("household")
        key = (
            hashlib.sha256(f"import:{household.casefold()}".encode()).hexdigest()[:32]
            if household
            else household_key(address, postcode)
        )
        availability = [a.strip() for a in get("availability").split(";") if a.strip()]
        db.session.add(
            Registrant(
                jury_id=jury.id,
                status="registered",
                first_name=first[:100],
                last_name=last[:100],
                email=email,
                phone=get("phone") or None,
                address_line=address or None,
                postcode=postcode.upper() or None,
                household_key=key,
                features=dict(person.features),
                availability=availability,
                consented_at=now,
                external_id=person.id[:60],
            )
        )
        summary.added += 1
    db.session.flush()
    AuditEntry.record(
        "jury.pool_imported",
        actor=actor,
        subject=jury,
        added=summary.added,
        duplicates=len(summary.duplicates),
        not_understood=summary.not_understood,
    )
    db.session.flush()
    return summary


# --- the verifiable lottery ---------------------------------------------------------------


def confirmed_draw(jury: Jury) -> SelectionDraw | None:
    return db.session.scalar(
        select(SelectionDraw).where(
            SelectionDraw.jury_id == jury.id, SelectionDraw.confirmed.is_(True)
        )
    )


def draws(jury: Jury) -> list[SelectionDraw]:
    return list(
        db.session.scalars(
            select(SelectionDraw)
            .where(SelectionDraw.jury_id == jury.id)
            .order_by(SelectionDraw.id.desc())
        )
    )


def active_draw_run(jury: Jury) -> DrawRun | None:
    """The jury's draw being computed (queued or running), if any."""
    return db.session.scalar(
        select(DrawRun).where(DrawRun.jury_id == jury.id, DrawRun.status.in_(("queued", "running")))
    )


def publish_seed(jury: Jury, seed: str, *, actor: Any) -> Jury:
    """Fix and publish the lottery seed before any draw (e.g. a public lottery's numbers).
    It cannot change once a draw has been made with it, or while one is being computed,
    so no one can try seeds until they like the panel. Raises Invalid for an empty seed,
    Conflict after (or during) a draw."""
    _require_staff(actor, "officer")
    seed = " ".join((seed or "").split())
    if not seed:
        raise Invalid("Enter the seed.", fields={"seed": "Enter the seed"})
    if len(seed) > 200:
        raise Invalid("Use a seed under 200 characters.", fields={"seed": "Under 200 characters"})
    if draws(jury):
        raise Conflict("A draw has been made with the published seed: it cannot change now.")
    if active_draw_run(jury) is not None:
        raise Conflict("A draw is being computed with the published seed: it cannot change now.")
    jury.lottery_seed = seed
    jury.seed_published_at = utcnow()
    AuditEntry.record("jury.seed_published", actor=actor, subject=jury, seed=seed)
    db.session.flush()
    return jury


def check_can_draw(jury: Jury, *, algorithm: str, actor: Any) -> None:
    """The rules every draw obeys before any sums: officers only, a known algorithm, a
    published seed, no confirmed panel. Raises NotPermitted, Invalid or Conflict."""
    _require_staff(actor, "officer")
    if algorithm not in ALGORITHMS:
        raise Invalid("Choose an algorithm.", fields={"algorithm": "Choose an algorithm"})
    if not jury.lottery_seed or jury.seed_published_at is None:
        raise Conflict("Publish the lottery seed before the draw.")
    if confirmed_draw(jury) is not None:
        raise Conflict("The panel has already been drawn and confirmed.")


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
        raise Conflict("Set up the categories and quotas before the draw.")
    report = check_quotas(jury, pool)
    if report is None or not report.feasible:
        reasons = report.conflicts if report else ["the pool is empty"]
        raise Invalid(
            "The quotas cannot be met: " + "; ".join(reasons),
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
    **audit: Any,
) -> SelectionDraw:
    """Store a computed draw as a proposal and audit it (`jury.drawn`, with the inputs'
    checksum, seed, algorithm and panel; `audit` adds details). It stays a proposal until
    an officer confirms it. Callers have checked the officer with `check_can_draw` when the
    draw began; this checks what may have changed since: Conflict if the published seed
    or the panel size changed, or a panel was confirmed meanwhile. Flushes."""
    if jury.lottery_seed != seed:
        raise Conflict(
            "The published seed changed while the draw was computed, so this draw was not "
            "kept. Start it again."
        )
    if jury.panel_size != panel_size:
        raise Conflict(
            "The panel size changed while the draw was computed, so this draw was not kept. "
            "Start it again."
        )
    if confirmed_draw(jury) is not None:
        raise Conflict("A panel was confirmed while this draw was computed, so it was not kept.")
    stored = dict(output)
    stored["inputs_checksum"] = checksum
    stored["household_column"] = inputs["household_column"]
    stored["pool_size"] = inputs["pool_size"]
    stored["left_out"] = list(inputs["left_out"])
    stored["inputs"] = {"categories": inputs["categories"], "respondents": inputs["respondents"]}
    draw = SelectionDraw(
        jury_id=jury.id,
        algorithm=algorithm,
        seed=seed,
        panel_size=panel_size,
        inputs_checksum=checksum,
        result=stored,
        confirmed=False,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(draw)
    db.session.flush()
    AuditEntry.record(
        "jury.drawn",
        actor=actor,
        subject=draw,
        jury=jury.slug,
        algorithm=algorithm,
        seed=seed,
        inputs_checksum=checksum,
        panel_size=panel_size,
        pool_size=stored["pool_size"],
        min_probability=stored["min_probability"],
        panel=stored["panel"],
        **audit,
    )
    db.session.flush()
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
        raise Conflict("The panel has already been confirmed.")
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
        raise Conflict("Someone in this draw has left the pool since it was made; run a new draw.")
    members = [_new_member(jury, registrants[i], draw=draw) for i in draw.result["panel"]]
    draw.confirmed = True
    jury.status = "selected"
    jury.registration_open = False
    db.session.flush()
    AuditEntry.record(
        "jury.panel_confirmed",
        actor=actor,
        subject=draw,
        jury=jury.slug,
        inputs_checksum=draw.inputs_checksum,
        seed=draw.seed,
        algorithm=draw.algorithm,
        members=[m.id for m in members],
    )
    db.session.flush()
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
        raise Invalid("Choose confirmed or declined.", fields={"response": "Choose one"})
    if member.status == "dropped":
        raise Conflict("This member has dropped out.")
    _respond(member, response)
    AuditEntry.record("member.response_recorded", actor=actor, subject=member, response=response)
    db.session.flush()
    return member


def respond_to_invitation(member: PanelMember, *, accept: bool) -> PanelMember:
    """The juror's own answer. Declining signs them out (the code stops working)."""
    if member.status == "dropped":
        raise Conflict("You are no longer on this panel.")
    _respond(member, "confirmed" if accept else "declined")
    AuditEntry.record(
        "member.confirmed" if accept else "member.declined", actor=member, subject=member
    )
    db.session.flush()
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
        raise Invalid("Say why they dropped out.", fields={"reason": "Say why they dropped out"})
    if member.status == "dropped":
        raise Conflict("This member has already dropped out.")
    member.status = "dropped"
    member.session_version += 1
    member.join_code_hash = None
    AuditEntry.record("member.dropped", actor=actor, subject=member, reason=reason)
    db.session.flush()
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
        raise Conflict("Only a member who declined or dropped out can be replaced.")
    if replacement_for(member) is not None:
        raise Conflict("This member has already been replaced.")
    if member.registrant_id is None:
        raise Conflict("This member was added by hand, not drawn: add their replacement by hand.")
    active = [m for m in jury.members if m.status in ACTIVE_MEMBER_STATUSES and m.registrant_id]
    panel_ids = [str(m.registrant_id) for m in active] + [str(member.registrant_id)]
    pool = build_pool(jury, statuses=ELIGIBLE_STATUSES, include_ids=[int(i) for i in panel_ids])
    if str(member.registrant_id) not in pool.registrants:
        raise Conflict("This member's answers no longer match the quota table.")
    seed = f"{jury.lottery_seed or ''}|replace|{member.registrant_id}"
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
    db.session.flush()
    AuditEntry.record(
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
    db.session.flush()
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
