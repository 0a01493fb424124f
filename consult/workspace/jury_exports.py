"""A citizens' jury's report for officers: its passed recommendations with the council's
responses, who was in the pool and on the panel against who lives in the area, and what
deliberation changed (the before/after questionnaire), as an XLSX workbook and a DOCX
report. Every spreadsheet cell goes through `consult.cells`' rule and every piece of DOCX
text through its XML cleaning, as the consultation exports do. Headings, sheet titles and
the report's own sentences are in the officer's language (gettext), as there."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext

from consult.cells import xml_text
from consult.dates import local_strftime
from consult.models import Jury, utcnow
from consult.representation import questionnaire
from consult.representation.report import jury_representation
from consult.word_tables import docx_table
from consult.workspace import queries
from consult.workspace.exports import append_row, export_language, finish_sheet, sheet_title
from consult.workspace.services import STATUS_LABELS


def _recommendation_rows(jury: Jury) -> list[dict[str, Any]]:
    recommendations = queries.passed_recommendations(jury)
    responses = queries.responses_by_recommendation(recommendations)
    rows = []
    for number, recommendation in enumerate(recommendations, start=1):
        response = responses.get(recommendation.id)
        votes = [
            recommendation.votes_for,
            recommendation.votes_against,
            recommendation.votes_abstain,
        ]
        rows.append(
            {
                "number": number,
                "title": recommendation.title,
                "text": recommendation.text,
                "votes": votes if all(v is not None for v in votes) else None,
                "response": gettext(STATUS_LABELS[response.status])
                if response
                else gettext("No response yet"),
                "response_text": response.text if response else "",
                "reasons": (response.reasons or "") if response else "",
                "published": bool(response and response.published_at),
            }
        )
    return rows


def _vote_rows(jury: Jury) -> Iterator[list[Any]]:
    for row in _recommendation_rows(jury):
        votes = row["votes"] or [None, None, None]
        published = gettext("yes") if row["published"] else gettext("no")
        yield [row["number"], row["title"], row["text"], *votes, row["response"],
               row["response_text"], row["reasons"], published]  # fmt: skip


def _pool_rows(jury: Jury) -> Iterator[list[Any]]:
    represented = jury_representation(jury)
    for group in represented["groups"]:
        for dimension in group["dimensions"]:
            for row in dimension["rows"]:
                yield [group["title"], dimension["label"], row["label"], row["population_share"],
                       row["respondents"], row["respondent_share"], row["ratio"]]  # fmt: skip
    for item in represented["not_compared"]:
        yield [gettext("not compared"), item["label"], item["reason"], None, None, None, None]


def _change_rows(jury: Jury) -> Iterator[list[Any]]:
    for item in questionnaire.report(jury):
        for point in item["distribution"]:
            yield [item["prompt"], point["label"], point["before"], point["after"],
                   point["before_share"], point["after_share"], item["sentence"]]  # fmt: skip


def jury_xlsx(jury: Jury) -> bytes:
    """Sheets: Recommendations, Pool and panel, Before and after."""
    from openpyxl import Workbook

    book = Workbook()
    used: set[str] = set()
    _ = gettext
    residents, of_group = _("share of residents"), _("share of group")
    before, after = _("share before"), _("share after")
    sheets: list[tuple[str, list[str], Iterator[list[Any]], tuple[str, ...]]] = [
        (_("Recommendations"),
         [_("number"), _("recommendation"), _("text"), _("for"), _("against"), _("abstain"),
          _("council response"), _("what the council will do"), _("reasons"), _("published")],
         _vote_rows(jury), ()),
        (_("Pool and panel"),
         [_("group"), _("dimension"), _("category"), residents, _("people"), of_group,
          _("ratio")],
         _pool_rows(jury), (residents, of_group)),
        (_("Before and after"),
         [_("question"), _("answer"), _("before"), _("after"), before, after, _("in words")],
         _change_rows(jury), (before, after)),
    ]  # fmt: skip
    for number, (title, header, rows, percentages) in enumerate(sheets):
        sheet = book.active if number == 0 else book.create_sheet()
        sheet.title = sheet_title(title, used)
        append_row(sheet, header)
        for row in rows:
            append_row(sheet, row)
        finish_sheet(sheet, percentages=percentages)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def jury_docx(jury: Jury) -> bytes:
    """Title, the recommendations and the council's responses, who took part, and what
    deliberation changed, in words first and figures after."""
    from docx import Document

    council = current_app.config.get("COUNCIL_NAME", "The council")
    language = export_language()
    document = Document()
    document.core_properties.language = "cy-GB" if language == "cy" else "en-GB"
    document.add_heading(xml_text(jury.title), level=0)
    document.add_paragraph(
        xml_text(gettext("Citizens' jury report – %(council)s", council=council))
    )
    today = local_strftime(utcnow().date(), "%-d %B %Y", language)
    document.add_paragraph(gettext("Report produced %(date)s", date=today))

    rows = _recommendation_rows(jury)
    document.add_heading(gettext("Recommendations"), level=1)
    if not rows:
        document.add_paragraph(gettext("The jury has not passed any recommendation yet."))
    for row in rows:
        document.add_heading(xml_text(f"{row['number']}. {row['title']}"), level=2)
        document.add_paragraph(xml_text(row["text"]))
        if row["votes"]:
            for_, against, abstain = row["votes"]
            document.add_paragraph(
                ngettext(
                    "Passed with %(num)s vote for, %(against)s against and %(abstain)s abstaining.",
                    "Passed with %(num)s votes for, %(against)s against and %(abstain)s "
                    "abstaining.",
                    for_,
                    against=against,
                    abstain=abstain,
                )
            )
        response = gettext("Council response: %(status)s.", status=row["response"])
        if row["response_text"]:
            response += f" {row['response_text']}"
        if row["reasons"]:
            response += " " + gettext("Why: %(reasons)s", reasons=row["reasons"])
        document.add_paragraph(xml_text(response))

    represented = jury_representation(jury)
    document.add_heading(gettext("Who took part, against who lives here"), level=1)
    if represented["margins"] is None:
        document.add_paragraph(gettext("No population figures have been entered for the area."))
    else:
        figures = gettext("Population figures: %(name)s, %(source)s (%(year)s).")
        document.add_paragraph(xml_text(figures % represented["margins"]))
        for group in represented["groups"]:
            people = ngettext("%(num)s person", "%(num)s people", group["count"])
            document.add_heading(f"{group['title']} ({people})", level=2)
            flags = [s for d in group["dimensions"] for s in d["flags"]]
            for sentence in flags or [gettext("No group differs markedly from the area.")]:
                document.add_paragraph(xml_text(sentence), style="List Bullet")
        not_compared = gettext("%(label)s: not compared (%(reason)s).")
        for item in represented["not_compared"]:
            document.add_paragraph(xml_text(not_compared % item))

    document.add_heading(gettext("What deliberation changed"), level=1)
    changes = questionnaire.report(jury)
    if not changes:
        document.add_paragraph(gettext("The jury had no before-and-after questionnaire."))
    for item in changes:
        document.add_heading(xml_text(item["prompt"]), level=2)
        document.add_paragraph(xml_text(item["sentence"]))
        docx_table(
            document,
            (gettext("Answer"), gettext("Before"), gettext("After")),
            [
                (xml_text(point["label"]), str(point["before"]), str(point["after"]))
                for point in item["distribution"]
            ],
        )
        once = (item.get("only_before") or 0) + (item.get("only_after") or 0)
        if once:
            document.add_paragraph(
                ngettext(
                    "%(num)s member answered only once and is counted apart.",
                    "%(num)s members answered only once and are counted apart.",
                    once,
                )
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
