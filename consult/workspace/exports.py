"""Exports of a consultation's analysis: XLSX workbook, CSV of coded answers, a DOCX
summary report a council can file (charts drawn with matplotlib's Agg backend), and
anonymised JSON open data. Published text is always the redacted text.

Language (docs/translations.md): the XLSX sheet titles and headings and the whole DOCX
report are in the language of the officer's page (English by default, and always from
the CLI). The CSV's and the JSON's keys, and the XLSX "Answers" sheet's column keys (the
same columns as the CSV), are machine-readable and stay English in every language, as do
the values in them ("Welsh", "en"), so a script reads any export the same way.

Every spreadsheet cell goes through `consult.cells.spreadsheet_value` (no formulas from
residents' words) and every piece of text in the DOCX through `consult.cells.xml_text`
(no control character can break the file)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext, ngettext, pgettext
from sqlalchemy import select

from analysis.language import LANGUAGE_NAMES, default_identifier
from consult.cells import spreadsheet_row, spreadsheet_value, xml_text
from consult.dates import local_strftime
from consult.extensions import db
from consult.models import (
    Answer,
    Consultation,
    CouncilResponse,
    Response,
    Theme,
    ThemeAssignment,
    utcnow,
)
from consult.representation import exports as representation_exports
from consult.word_tables import docx_table
from consult.workspace import charts, queries, wording
from consult.workspace.analysis_store import publishable_text
from consult.workspace.services import STATUS_LABELS

MAX_COLUMN_WIDTH = 60  # characters: a column of long answers still leaves the others on screen
ANSWER_COLUMNS = [
    "response",
    "respondent_type",
    "submitted",
    "question",
    "answer",
    "theme",
    "subtheme",
    "confidence",
    "other_themes",
    "not_relevant",
    "manual",
    "language",  # the answer's, as detected by analysis.language (Welsh, English, Unknown)
    "answered_in",  # the interface language the resident answered in (en, cy)
]


def _coded_answers(consultation: Consultation) -> list[dict[str, Any]]:
    """One row per visible free-text answer, with its theme codes from the current run."""
    run = queries.current_run(consultation_id=consultation.id)
    labels: dict[int, str] = {}
    if run is not None:
        for theme in db.session.scalars(select(Theme).where(Theme.run_id == run.id)):
            labels[theme.id] = theme.label
    codes: dict[int, list[ThemeAssignment]] = {}
    if run is not None:
        for row in db.session.scalars(
            select(ThemeAssignment)
            .join(Theme, ThemeAssignment.theme_id == Theme.id)
            .where(Theme.run_id == run.id, ThemeAssignment.answer_id.is_not(None))
        ):
            codes.setdefault(row.answer_id, []).append(row)
    prompts = {q.id: (q.position + 1, q.prompt) for q in consultation.questions}
    answers = db.session.execute(
        select(Answer, Response)
        .join(Response, Answer.response_id == Response.id)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == "submitted",
            Answer.moderation == "visible",
            Answer.text.is_not(None),
        )
        .order_by(Response.submitted_at, Answer.question_id)
    ).all()
    out = []
    detect = default_identifier().detect  # the language the analysis themed it as
    for answer, response in answers:
        rows = codes.get(answer.id, [])
        text = publishable_text(answer)
        primary = next((r for r in rows if r.primary), None)
        others = [labels.get(r.theme_id, "") for r in rows if not r.primary]
        out.append(
            {
                "response": response.reference,
                "respondent_type": response.respondent_type,
                "submitted": response.submitted_at.date().isoformat()
                if response.submitted_at
                else "",
                "answered_in": response.language,
                "question": f"Q{prompts[answer.question_id][0]}. {prompts[answer.question_id][1]}",
                "answer": text,
                "language": LANGUAGE_NAMES[detect(text)],
                "theme": labels.get(primary.theme_id, "") if primary else "",
                "subtheme": labels.get(primary.subtheme_id or 0, "") if primary else "",
                "confidence": round(primary.confidence, 3) if primary else None,
                "other_themes": "; ".join(o for o in others if o),
                "not_relevant": bool(primary and primary.not_relevant),
                "manual": bool(primary and primary.manual),
            }
        )
    return out


def _responses_for(themes: list[Theme]) -> dict[int, CouncilResponse]:
    ids = [t.id for t in themes]
    return {
        r.theme_id: r
        for r in db.session.scalars(
            select(CouncilResponse).where(CouncilResponse.theme_id.in_(ids or [0]))
        )
    }


def sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", " ", " ".join(xml_text(text).split()))
    title = title.strip(" '")[:31].strip(" '") or "Sheet"
    base, number = title, 2
    while title in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title


def append_row(sheet: Any, row: list[Any]) -> None:
    sheet.append(spreadsheet_row(row))


def finish_sheet(sheet: Any, *, header_row: int = 1, percentages: tuple[str, ...] = ()) -> None:
    """Make a sheet easy to read: bold header row (and title above it), frozen, with
    filters; columns as wide as their text (up to MAX_COLUMN_WIDTH); the `percentages`
    columns (shares from 0 to 1) shown as percentages."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for row in sheet.iter_rows(max_row=header_row):
        for cell in row:
            cell.font = bold
    sheet.freeze_panes = f"A{header_row + 1}"
    if sheet.max_column and sheet.max_row >= header_row:
        last = get_column_letter(sheet.max_column)
        sheet.auto_filter.ref = f"A{header_row}:{last}{sheet.max_row}"
    headers = [cell.value for cell in sheet[header_row]]
    for index, column in enumerate(sheet.iter_cols(min_row=header_row), start=1):
        widest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
        width = min(MAX_COLUMN_WIDTH, max(8, widest + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
        if index <= len(headers) and headers[index - 1] in percentages:
            for cell in column[1:]:
                cell.number_format = "0.0%"


def xlsx(consultation: Consultation) -> bytes:
    """Answers (with theme codes), Themes, one sheet per closed question, Respondent profile."""
    from openpyxl import Workbook

    book = Workbook()
    used: set[str] = set()
    sheet = book.active
    sheet.title = sheet_title(gettext("Answers"), used)
    append_row(sheet, ANSWER_COLUMNS)
    for row in _coded_answers(consultation):
        append_row(sheet, [row[c] for c in ANSWER_COLUMNS])
    finish_sheet(sheet)

    figures = charts.theme_figures(consultation)
    themes_sheet = book.create_sheet(sheet_title(gettext("Themes"), used))
    share = gettext("share")
    append_row(
        themes_sheet,
        [
            gettext("question"),
            gettext("theme"),
            gettext("sub-theme"),
            gettext("description"),
            gettext("size"),
            share,
            gettext("sentiment (mean)"),
            gettext("positive"),
            gettext("negative"),
            gettext("approved"),
            gettext("summary"),
            gettext("council response"),
            gettext("reasons"),
        ],
    )
    yes, no = gettext("yes"), gettext("no")
    run = queries.current_run(consultation_id=consultation.id)
    themes = (
        {t.id: t for t in db.session.scalars(select(Theme).where(Theme.run_id == run.id))}
        if run
        else {}
    )
    responses = _responses_for(list(themes.values()))
    for question in figures:
        for item in question["themes"]:
            theme = themes[item["id"]]
            response = responses.get(theme.id)
            append_row(
                themes_sheet,
                [
                    question["question"],
                    theme.label,
                    "",
                    theme.description or "",
                    theme.size,
                    theme.share,
                    item["sentiment"]["mean"],
                    item["sentiment"]["positive"],
                    item["sentiment"]["negative"],
                    yes if theme.approved_at else no,
                    " ".join(s["sentence"] for s in theme.summary or []),
                    gettext(STATUS_LABELS[response.status]) if response else "",
                    (response.reasons or "") if response else "",
                ],
            )
            for sub in item["subthemes"]:
                child = themes[sub["id"]]
                append_row(
                    themes_sheet,
                    [
                        question["question"],
                        theme.label,
                        child.label,
                        child.description or "",
                        child.size,
                        child.share,
                        round(float((child.sentiment or {}).get("mean", 0.0)), 3),
                        round(float((child.sentiment or {}).get("positive", 0.0)), 3),
                        round(float((child.sentiment or {}).get("negative", 0.0)), 3),
                        yes if child.approved_at or theme.approved_at else no,
                        " ".join(s["sentence"] for s in child.summary or []),
                        "",
                        "",
                    ],
                )
    finish_sheet(themes_sheet, percentages=(share,))

    for number, question in enumerate(charts.closed_questions(consultation), start=1):
        title = gettext("Closed Q%(number)s", number=number) + " " + question["question"]
        closed = book.create_sheet(sheet_title(title, used))
        append_row(closed, [question["question"]])
        append_row(closed, [gettext("option"), gettext("count"), share])
        total = sum(o["count"] for o in question["options"]) or 1
        for option in question["options"]:
            append_row(
                closed, [option["label"], option["count"], round(option["count"] / total, 4)]
            )
        finish_sheet(closed, header_row=2, percentages=(share,))

    profile_sheet = book.create_sheet(sheet_title(gettext("Respondent profile"), used))
    shares = (gettext("share of those who said"), gettext("reference share"), gettext("gap"))
    append_row(
        profile_sheet,
        [gettext("field"), gettext("value"), gettext("respondents"), *shares],
    )
    for field in charts.profile(consultation):
        for value in field["values"]:
            append_row(
                profile_sheet,
                [
                    field["label"],
                    value["value"],
                    value["count"],
                    value["share"],
                    value["reference"],
                    value["gap"],
                ],
            )
        append_row(
            profile_sheet,
            [field["label"], gettext(charts.NOT_SAID), field["not_said"], None, None, None],
        )
    finish_sheet(profile_sheet, percentages=shares)
    representation_exports.xlsx_sheet(
        book, consultation, sheet_title("Who answered", used), book.index(profile_sheet)
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_answers(consultation: Consultation) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ANSWER_COLUMNS)
    writer.writeheader()
    for row in _coded_answers(consultation):
        writer.writerow({k: spreadsheet_value(v) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- DOCX


def _option_rows(question: dict[str, Any]) -> list[tuple[str, str]]:
    """A closed question's table: each option and how many chose it."""
    return [(option["label"], str(option["count"])) for option in question["options"]]


def _group_rows(field: dict[str, Any]) -> list[tuple[str, str, str]]:
    """A profile field's table: each group, its respondents (and share), and its share of
    the reference population where known."""
    return [
        (
            value["value"],
            f"{value['count']} ({round(value['share'] * 100)}%)",
            f"{round(value['reference'] * 100)}%" if value["reference"] is not None else "",
        )
        for value in field["values"]
    ]


def _pyplot() -> Any:
    """matplotlib's pyplot drawing off screen (imported on first use: it is slow to load)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def _png(figure: Any) -> io.BytesIO:
    """The figure as a PNG, and the figure closed."""
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    _pyplot().close(figure)
    buffer.seek(0)
    return buffer


def _bar_chart(labels: list[str], values: list[float], title: str, xlabel: str) -> io.BytesIO:
    height = max(2.0, 0.45 * len(labels) + 1)
    figure, axis = _pyplot().subplots(figsize=(6.5, height), dpi=110)
    short = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    short = [label.replace("$", r"\$") for label in short]  # "$" would start TeX maths
    axis.barh(short[::-1], values[::-1], color="#0b4f6c")
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    return _png(figure)


def _line_chart(points: list[dict[str, Any]]) -> io.BytesIO:
    figure, axis = _pyplot().subplots(figsize=(6.5, 2.6), dpi=110)
    axis.plot([p["date"] for p in points], [p["count"] for p in points], color="#0b4f6c")
    axis.set_title(gettext("Responses per day"))
    axis.set_ylabel(gettext("Responses"))
    step = max(1, len(points) // 6)
    axis.set_xticks(range(0, len(points), step))
    axis.set_xticklabels([points[i]["date"] for i in range(0, len(points), step)], rotation=30)
    return _png(figure)


def export_language() -> str:
    """The language the exports are made in: the officer's page's, or the one the CLI
    forced (`flask consultations export --language`); English otherwise."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _answers_or_themes(count: int, *, themes: bool = False) -> str:
    """ "1 answer", "3 answers" (or themes) in the report's language."""
    if themes:
        return ngettext("%(num)s theme", "%(num)s themes", count)
    return ngettext("%(num)s answer", "%(num)s answers", count)


def _xml_safe(value: Any) -> Any:
    """`value` (plain JSON-like data) with every string cleaned by `xml_text`."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def docx_report(consultation: Consultation) -> bytes:
    """Title page, method, headline figures, a section per question with its themes (chart,
    summary, quotes, council response), closed questions and the respondent profile."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Inches

    council = current_app.config.get("COUNCIL_NAME", "The council")
    run = queries.current_run(consultation_id=consultation.id)
    figures = _xml_safe(charts.consultation_charts(consultation))
    submitted = consultation.responses.filter(Response.status == "submitted").count()
    language = export_language()
    document = Document()
    document.core_properties.language = "cy-GB" if language == "cy" else "en-GB"
    document.add_heading(xml_text(consultation.title), level=0)
    document.add_paragraph(xml_text(gettext("Consultation report – %(council)s", council=council)))
    dates = [
        local_strftime(d.date(), "%-d %B %Y", language)
        for d in (consultation.opens_at, consultation.closes_at)
        if d
    ]
    if len(dates) == 2:
        period = gettext("Consultation period: %(start)s to %(end)s", start=dates[0], end=dates[1])
    else:
        period = gettext("Consultation period: %(dates)s", dates=dates[0]) if dates else ""
    document.add_paragraph(period)
    today = local_strftime(utcnow().date(), "%-d %B %Y", language)
    document.add_paragraph(gettext("Report produced %(date)s", date=today))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading(gettext("Method"), level=1)
    document.add_paragraph(
        ngettext(
            "Residents and organisations answered online and on paper. %(num)s response was "
            "received. Answers hidden by moderation are not included, and personal details "
            "(e-mail addresses, phone numbers, postcodes) were removed from every quotation.",
            "Residents and organisations answered online and on paper. %(num)s responses were "
            "received. Answers hidden by moderation are not included, and personal details "
            "(e-mail addresses, phone numbers, postcodes) were removed from every quotation.",
            submitted,
        )
    )
    document.add_paragraph(wording.method_paragraph(run))

    document.add_heading(gettext("Headline figures"), level=1)
    document.add_paragraph(
        ngettext("%(num)s response", "%(num)s responses", submitted), style="List Bullet"
    )
    for question in figures["questions"]:
        real = [t for t in question["themes"] if not t["no_comment"]]
        if real:
            top = max(real, key=lambda t: t["size"])
            document.add_paragraph(
                gettext(
                    "%(question)s: %(themes)s; the most common was “%(label)s” (%(answers)s, "
                    "%(share)s%%).",
                    question=question["question"],
                    themes=_answers_or_themes(len(real), themes=True),
                    label=top["label"],
                    answers=_answers_or_themes(top["size"]),
                    share=round(top["share"] * 100),
                ),
                style="List Bullet",
            )
    if figures["over_time"]:
        document.add_picture(_line_chart(figures["over_time"]), width=Inches(6))

    themes_by_id = (
        {t.id: t for t in db.session.scalars(select(Theme).where(Theme.run_id == run.id))}
        if run
        else {}
    )
    responses = _responses_for(list(themes_by_id.values()))
    for number, question in enumerate(figures["questions"], start=1):
        document.add_heading(
            gettext(
                "Question %(number)s: %(question)s", number=number, question=question["question"]
            ),
            level=1,
        )
        shown = [t for t in question["themes"]]
        if not shown:
            document.add_paragraph(gettext("No answers were analysed for this question."))
            continue
        document.add_picture(
            _bar_chart(
                [t["label"] for t in shown],
                [t["size"] for t in shown],
                gettext("Themes by size"),
                gettext("Answers"),
            ),
            width=Inches(6),
        )
        for item in shown:
            theme = themes_by_id[item["id"]]
            document.add_heading(xml_text(theme.label), level=2)
            if theme.description:
                document.add_paragraph(xml_text(theme.description))
            document.add_paragraph(
                f"{_answers_or_themes(theme.size)} ({round(theme.share * 100)}%)."
                + (" " + gettext("Approved by officers.") if theme.approved_at else "")
            )
            summary = xml_text(" ".join(s["sentence"] for s in theme.summary or []))
            if summary:
                document.add_paragraph(summary)
            for quote in (theme.quotes or [])[:3]:
                document.add_paragraph(xml_text(f"“{quote['text']}”"), style="Intense Quote")
            if item["subthemes"]:
                document.add_paragraph(
                    ngettext(
                        "Within this theme, %(num)s sub-theme:",
                        "Within this theme, %(num)s sub-themes:",
                        len(item["subthemes"]),
                    )
                )
                for sub in item["subthemes"]:
                    document.add_heading(xml_text(sub["label"]), level=3)
                    document.add_paragraph(
                        xml_text(
                            (f"{sub['description']} " if sub["description"] else "")
                            + f"({_answers_or_themes(sub['size'])})"
                        )
                    )
            response = responses.get(theme.id)
            if response is not None:
                paragraph = document.add_paragraph()
                paragraph.add_run(gettext("Council response:") + " ").bold = True
                status = gettext(STATUS_LABELS[response.status])
                paragraph.add_run(xml_text(f"{status}. {response.text}"))
                if response.reasons:
                    reasons = document.add_paragraph()
                    reasons.add_run(gettext("Reasons:") + " ").bold = True
                    reasons.add_run(xml_text(response.reasons))
                if response.updates:
                    progress = gettext(
                        "Progress: %(progress)s%% – %(note)s",
                        progress=response.progress,
                        note=response.updates[-1].note,
                    )
                    document.add_paragraph(xml_text(progress))
    closed = (gettext("Answer"), gettext("Count"))
    groups = (gettext("Group"), gettext("Respondents"), pgettext("population share", "Reference"))
    for key, title, name, header, rows in (
        ("closed", gettext("Closed questions"), "question", closed, _option_rows),
        ("profile", gettext("Who responded"), "label", groups, _group_rows),
    ):
        if figures[key]:
            document.add_heading(title, level=1)
            for item in figures[key]:
                document.add_heading(item[name], level=2)
                docx_table(document, header, rows(item))
    representation_exports.docx_section(document, consultation)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- open data


def open_data(consultation: Consultation) -> dict[str, Any]:
    """Anonymised open data: redacted answers under sequential ids, themes, aggregate
    figures. No references, no e-mail, no profile of any one person."""
    run = queries.current_run(consultation_id=consultation.id)
    rows = _coded_answers(consultation)
    references: dict[str, int] = {}
    answers = []
    for row in rows:
        respondent = references.setdefault(row["response"], len(references) + 1)
        answers.append(
            {
                "respondent": respondent,
                "respondent_type": row["respondent_type"],
                "answered_in": row["answered_in"],
                "question": row["question"],
                "text": row["answer"],
                "language": row["language"],
                "theme": row["theme"] or None,
                "subtheme": row["subtheme"] or None,
                "other_themes": [t for t in row["other_themes"].split("; ") if t],
            }
        )
    figures = charts.consultation_charts(consultation)
    themes = []
    if run is not None:
        responses = _responses_for(
            list(db.session.scalars(select(Theme).where(Theme.run_id == run.id)))
        )
        for question in figures["questions"]:
            for item in question["themes"]:
                theme = db.session.get(Theme, item["id"])
                response = responses.get(theme.id)
                themes.append(
                    {
                        "question": question["question"],
                        "label": theme.label,
                        "title": theme.label,
                        "description": theme.description or "",
                        "subthemes": [
                            {k: sub[k] for k in ("label", "description", "size", "share")}
                            for sub in item["subthemes"]
                        ],
                        "size": theme.size,
                        "share": theme.share,
                        "sentiment": item["sentiment"],
                        "summary": [s["sentence"] for s in theme.summary or []],
                        "quotes": [q["text"] for q in theme.quotes or []],
                        "approved": theme.approved_at is not None,
                        "council_response": {
                            "status": response.status,
                            "text": response.text,
                            "reasons": response.reasons,
                            "progress": response.progress,
                        }
                        if response is not None and response.published_at
                        else None,
                    }
                )
    return {
        "consultation": {
            "slug": consultation.slug,
            "title": consultation.title,
            "opens_at": consultation.opens_at.isoformat() if consultation.opens_at else None,
            "closes_at": consultation.closes_at.isoformat() if consultation.closes_at else None,
            "questions": [q.prompt for q in consultation.questions],
        },
        "licence": "Open Government Licence v3.0",
        "generated_at": utcnow().isoformat(),
        "responses_per_day": figures["over_time"],
        "closed_questions": figures["closed"],
        "themes": themes,
        "answers": answers,
    }


def open_data_json(consultation: Consultation) -> bytes:
    return json.dumps(open_data(consultation), ensure_ascii=False, indent=1).encode("utf-8")
