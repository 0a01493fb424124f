"""Exports of a consultation's analysis: XLSX workbook, CSV of coded answers, a DOCX
summary report a council can file (charts drawn with matplotlib's Agg backend), and
anonymised JSON open data. Published text is always the redacted text."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from flask import current_app
from sqlalchemy import select

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
from consult.workspace import charts, queries
from consult.workspace.analysis_store import publishable_text
from consult.workspace.services import STATUS_LABELS

ANSWER_COLUMNS = [
    "response",
    "respondent_type",
    "submitted",
    "question",
    "answer",
    "theme",
    "confidence",
    "other_themes",
    "not_relevant",
    "manual",
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
    for answer, response in answers:
        rows = codes.get(answer.id, [])
        primary = next((r for r in rows if r.primary), None)
        others = [labels.get(r.theme_id, "") for r in rows if not r.primary]
        out.append(
            {
                "response": response.reference,
                "respondent_type": response.respondent_type,
                "submitted": response.submitted_at.date().isoformat()
                if response.submitted_at
                else "",
                "question": f"Q{prompts[answer.question_id][0]}. {prompts[answer.question_id][1]}",
                "answer": publishable_text(answer),
                "theme": labels.get(primary.theme_id, "") if primary else "",
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


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", " ", text).strip()[:31] or "Sheet"
    base, number = title, 2
    while title in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title


def xlsx(consultation: Consultation) -> bytes:
    """Answers (with theme codes), Themes, one sheet per closed question, Respondent profile."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    used: set[str] = set()
    sheet = book.active
    sheet.title = _sheet_title("Answers", used)
    sheet.append(ANSWER_COLUMNS)
    for row in _coded_answers(consultation):
        sheet.append([row[c] for c in ANSWER_COLUMNS])
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"

    figures = charts.theme_figures(consultation)
    themes_sheet = book.create_sheet(_sheet_title("Themes", used))
    themes_sheet.append(
        [
            "question",
            "theme",
            "size",
            "share",
            "sentiment (mean)",
            "positive",
            "negative",
            "approved",
            "summary",
            "council response",
            "reasons",
        ]
    )
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
            themes_sheet.append(
                [
                    question["question"],
                    theme.label,
                    theme.size,
                    theme.share,
                    item["sentiment"]["mean"],
                    item["sentiment"]["positive"],
                    item["sentiment"]["negative"],
                    "yes" if theme.approved_at else "no",
                    " ".join(s["sentence"] for s in theme.summary or []),
                    STATUS_LABELS[response.status] if response else "",
                    (response.reasons or "") if response else "",
                ]
            )
    for cell in themes_sheet[1]:
        cell.font = bold

    for number, question in enumerate(charts.closed_questions(consultation), start=1):
        closed = book.create_sheet(_sheet_title(f"Closed Q{number} {question['question']}", used))
        closed.append([question["question"]])
        closed.append(["option", "count", "share"])
        total = sum(o["count"] for o in question["options"]) or 1
        for option in question["options"]:
            closed.append([option["label"], option["count"], round(option["count"] / total, 4)])
        closed["A1"].font = bold

    profile_sheet = book.create_sheet(_sheet_title("Respondent profile", used))
    profile_sheet.append(
        ["field", "value", "respondents", "share of those who said", "reference share", "gap"]
    )
    for field in charts.profile(consultation):
        for value in field["values"]:
            profile_sheet.append(
                [
                    field["label"],
                    value["value"],
                    value["count"],
                    value["share"],
                    value["reference"],
                    value["gap"],
                ]
            )
        profile_sheet.append([field["label"], charts.NOT_SAID, field["not_said"], None, None, None])
    for cell in profile_sheet[1]:
        cell.font = bold
    representation_exports.xlsx_sheet(
        book, consultation, _sheet_title("Who answered", used), book.index(profile_sheet)
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_answers(consultation: Consultation) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ANSWER_COLUMNS)
    writer.writeheader()
    for row in _coded_answers(consultation):
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value: Any) -> Any:
    """Stop spreadsheet formula injection: a text cell starting =, +, - or @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --------------------------------------------------------------------------- DOCX


def _bar_chart(labels: list[str], values: list[float], title: str, xlabel: str) -> io.BytesIO:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    height = max(2.0, 0.45 * len(labels) + 1)
    figure, axis = plt.subplots(figsize=(6.5, height), dpi=110)
    short = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    axis.barh(short[::-1], values[::-1], color="#0b4f6c")
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    buffer.seek(0)
    return buffer


def _line_chart(points: list[dict[str, Any]]) -> io.BytesIO:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axis = plt.subplots(figsize=(6.5, 2.6), dpi=110)
    axis.plot([p["date"] for p in points], [p["count"] for p in points], color="#0b4f6c")
    axis.set_title("Responses per day")
    axis.set_ylabel("Responses")
    step = max(1, len(points) // 6)
    axis.set_xticks(range(0, len(points), step))
    axis.set_xticklabels([points[i]["date"] for i in range(0, len(points), step)], rotation=30)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    buffer.seek(0)
    return buffer


def docx_report(consultation: Consultation) -> bytes:
    """Title page, method, headline figures, a section per question with its themes (chart,
    summary, quotes, council response), closed questions and the respondent profile."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Inches

    council = current_app.config.get("COUNCIL_NAME", "The council")
    run = queries.current_run(consultation_id=consultation.id)
    figures = charts.consultation_charts(consultation)
    submitted = consultation.responses.filter(Response.status == "submitted").count()
    document = Document()
    document.add_heading(consultation.title, level=0)
    document.add_paragraph(f"Consultation report – {council}")
    dates = " to ".join(
        d.date().strftime("%-d %B %Y") for d in (consultation.opens_at, consultation.closes_at) if d
    )
    document.add_paragraph(f"Consultation period: {dates}" if dates else "")
    document.add_paragraph(f"Report produced {utcnow().strftime('%-d %B %Y')}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading("Method", level=1)
    parameters = run.parameters if run else {}
    document.add_paragraph(
        f"Residents and organisations answered online and on paper. {submitted} responses were "
        "received. Answers hidden by moderation are not included, and personal details "
        "(e-mail addresses, phone numbers, postcodes) were removed from every quotation."
    )
    document.add_paragraph(
        "Free-text answers were grouped into themes by Consult's analysis engine (TF-IDF "
        "features, latent semantic analysis and k-means refined by a mixture model; number "
        f"of themes: {parameters.get('n_themes', 'automatic')}; seed "
        f"{parameters.get('random_state', 0)}). Officers then reviewed every theme: they "
        "renamed, merged and split themes, moved answers, and approved the result. Exact and "
        "near-identical answers and organised campaigns were detected and counted."
    )

    document.add_heading("Headline figures", level=1)
    document.add_paragraph(f"{submitted} responses", style="List Bullet")
    for question in figures["questions"]:
        real = [t for t in question["themes"] if not t["no_comment"]]
        if real:
            top = max(real, key=lambda t: t["size"])
            document.add_paragraph(
                f"{question['question']}: {len(real)} themes; the most common was "
                f"“{top['label']}” ({top['size']} answers, {round(top['share'] * 100)}%).",
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
        document.add_heading(f"Question {number}: {question['question']}", level=1)
        shown = [t for t in question["themes"]]
        if not shown:
            document.add_paragraph("No answers were analysed for this question.")
            continue
        document.add_picture(
            _bar_chart(
                [t["label"] for t in shown], [t["size"] for t in shown], "Themes by size", "Answers"
            ),
            width=Inches(6),
        )
        for item in shown:
            theme = themes_by_id[item["id"]]
            document.add_heading(theme.label, level=2)
            document.add_paragraph(
                f"{theme.size} answers ({round(theme.share * 100)}%)."
                + (" Approved by officers." if theme.approved_at else "")
            )
            summary = " ".join(s["sentence"] for s in theme.summary or [])
            if summary:
                document.add_paragraph(summary)
            for quote in (theme.quotes or [])[:3]:
                document.add_paragraph(f"“{quote['text']}”", style="Intense Quote")
            response = responses.get(theme.id)
            if response is not None:
                paragraph = document.add_paragraph()
                paragraph.add_run("Council response: ").bold = True
                paragraph.add_run(f"{STATUS_LABELS[response.status]}. {response.text}")
                if response.reasons:
                    reasons = document.add_paragraph()
                    reasons.add_run("Reasons: ").bold = True
                    reasons.add_run(response.reasons)
                if response.updates:
                    document.add_paragraph(
                        f"Progress: {response.progress}% – {response.updates[-1].note}"
                    )
    if figures["closed"]:
        document.add_heading("Closed questions", level=1)
        for question in figures["closed"]:
            document.add_heading(question["question"], level=2)
            table = document.add_table(rows=1, cols=2)
            table.style = "Light Grid Accent 1"
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Answer", "Count"
            for option in question["options"]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = option["label"], str(option["count"])
    if figures["profile"]:
        document.add_heading("Who responded", level=1)
        for field in figures["profile"]:
            document.add_heading(field["label"], level=2)
            table = document.add_table(rows=1, cols=3)
            table.style = "Light Grid Accent 1"
            header = table.rows[0].cells
            header[0].text, header[1].text, header[2].text = "Group", "Respondents", "Reference"
            for value in field["values"]:
                cells = table.add_row().cells
                cells[0].text = value["value"]
                cells[1].text = f"{value['count']} ({round(value['share'] * 100)}%)"
                cells[2].text = (
                    f"{round(value['reference'] * 100)}%" if value["reference"] is not None else ""
                )
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
                "question": row["question"],
                "text": row["answer"],
                "theme": row["theme"] or None,
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
