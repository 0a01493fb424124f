"""Citizens' juries: the pool as files: the anonymised and full exports, and importing a
respondents file. Verbs take `actor=`, audit and flush; the caller commits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.sortition import (
    SelectionInputError,
    extra_columns_warning,
    parse_respondents,
    respondents_to_csv,
)
from consult.cells import csv_text, from_spreadsheet, safe_csv
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.juries.quotas import build_pool, jury_quotas
from consult.juries.registrants import find_duplicate
from consult.juries.rules import _clean, _require_staff, household_key, refuse_if_frozen
from consult.models import (
    Jury,
    Registrant,
    audit,
    utcnow,
)


def anonymised_pool_csv(jury: Jury) -> str:
    """The eligible pool as a respondents file: id, one column per category, household
    pseudonym. Enough to re-run the lottery; no names or contact details."""
    pool = build_pool(jury)
    return safe_csv(respondents_to_csv(pool.respondents, pool.categories))


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
    audit("jury.pool_exported", actor=actor, subject=jury, personal_data=True)
    return full_pool_csv(jury)


def full_pool_csv(jury: Jury) -> str:
    """Every registrant, with contact details (personal data: officers only), as a
    respondents file that can be imported again."""
    names = [category.name for category in jury.categories]
    rows: list[list[Any]] = [["id", *names, *FULL_EXPORT_COLUMNS]]
    for registrant in db.session.scalars(
        select(Registrant).where(Registrant.jury_id == jury.id).order_by(Registrant.id)
    ):
        features = registrant.features or {}
        rows.append(
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
    return csv_text(rows)


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
        raise Conflict(gettext("The panel has been drawn: the pool can no longer grow."))
    refuse_if_frozen(jury, "the pool")
    categories = jury_quotas(jury)
    if not categories.quotas:
        raise Invalid(
            gettext("Set up the categories (or import a categories file) before importing people."),
            fields={"file": gettext("Set up the categories before importing people")},
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
            return from_spreadsheet(_clean(extra.get(column, ""))) if column else ""

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
    audit(
        "jury.pool_imported",
        actor=actor,
        subject=jury,
        added=summary.added,
        duplicates=len(summary.duplicates),
        not_understood=summary.not_understood,
    )
    return summary
