"""Invitation sheets: the join link for a code and its QR code (segno, as a data: URI
image, which our CSP allows, so the printed sheet needs no script or inline style), and
the invitation emailed to those who gave an address."""

from __future__ import annotations

from typing import Any

import segno
from flask import render_template, url_for
from flask_babel import force_locale, gettext
from markupsafe import Markup

from consult.i18n import localised
from consult.mail import send_mail
from consult.models import Jury, PanelMember


def join_url(code: str) -> str:
    """`<external base URL>/join?code=CODE`: scanning it opens the join page, filled in."""
    return url_for("auth.join", code=code, _external=True)


def qr_data_uri(url: str) -> str:
    """An SVG QR code for `url` as a data: URI (error correction M, dark on white)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


def sheets(
    jury: Jury, issued: list[tuple[PanelMember, str]], *, send_email: bool
) -> list[dict[str, Any]]:
    """A printable sheet (member, code, join link, QR code, and the sheet's HTML) per newly
    issued code; with `send_email`, each member whose registrant gave an email address is
    also sent theirs (a failed send is logged, never raised). Both are in the language the
    person registered in (English for those added without registering)."""
    out = []
    for member, code in issued:
        url = join_url(code)
        sheet: dict[str, Any] = {"member": member, "code": code, "url": url, "qr": qr_data_uri(url)}
        registrant = member.registrant
        language = (registrant.language if registrant is not None else None) or "en"
        with force_locale(language):
            shown = localised(jury)
            sheet["html"] = Markup(
                render_template(
                    "juries/_invitation_sheet.html", jury=shown, sheet=sheet, language=language
                )
            )
            if send_email and registrant is not None and registrant.email:
                send_mail(
                    registrant.email,
                    gettext("You have been chosen for %(title)s", title=shown.title),
                    render_template(
                        "juries/invitation_email.txt", jury=shown, member=member, code=code, url=url
                    ),
                )
        out.append(sheet)
    return out
