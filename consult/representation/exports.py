"""Who answered against who lives here, and weighted results, as an XLSX sheet and a DOCX
section for the workspace's exports (cells through `consult.cells.spreadsheet_row`)."""

from __future__ import annotations

import csv
import io
from typing import Any

from consult.cells import spreadsheet_row
from consult.models import Consultation, Jury
from consult.representation import questionnaire
from consult.representation.report import consultation_representation, weighted_results
from consult.word_tables import docx_table

SHEET_COLUMNS = [
    "dimension",
    "group",
    "population share",
    "respondents",
    "respondent share",
    "ratio",
    "flag",
]


def xlsx_sheet(book: Any, consultation: Consultation, title: str, index: int | None = None) -> None:
    """Add a sheet (at `index`, default last): each dimension's groups, then
    prefer-not-to-say and not-answered counts, then weighted results when the officer
    chose dimensions to weight on."""
    sheet = book.create_sheet(title, index)
    report = consultation_representation(consultation)
    margins = report["margins"]
    sheet.append(
        spreadsheet_row(
            [
                f"Population figures: {margins['name']}, {margins['source']} ({margins['year']})"
                if margins
                else "No population figures entered"
            ]
        )
    )
    sheet.append(SHEET_COLUMNS)
    for dimension in report["dimensions"]:
        for row in dimension["rows"]:
            sheet.append(
                spreadsheet_row(
                    [
                        dimension["label"],
                        row["label"],
                        row["population_share"],
                        row["respondents"],
                        row["respondent_share"],
                        row["ratio"],
                        row["sentence"] or "",
                    ]
                )
            )
        for label, key in (
            ("Prefer not to say", "prefer_not_to_say"),
            ("Not answered", "not_answered"),
        ):
            sheet.append(spreadsheet_row([dimension["label"], label, None, dimension[key]]))
    results = weighted_results(consultation)
    weighting = results["weighting"]
    if weighting is None:
        return
    sheet.append([])
    sheet.append(
        spreadsheet_row(
            [
                f"Weighted on {', '.join(weighting['dimensions']) or 'nothing'}: weights "
                f"{weighting['weight_min']:.2f} to {weighting['weight_max']:.2f}, design effect "
                f"{weighting['design_effect']:.2f}, effective sample size "
                f"{weighting['effective_n']:.0f}, {weighting['iterations']} raking passes"
            ]
        )
    )
    sheet.append(
        [
            "question",
            "answer or theme",
            "count",
            "share",
            "low",
            "high",
            "weighted share",
            "weighted low",
            "weighted high",
        ]
    )
    rows = [
        (f"Q{q['number']}. {q['prompt']}", option)
        for q in results["questions"]
        for option in q["options"]
    ] + [(theme["question"], theme) for theme in results["themes"]]
    for question, item in rows:
        weighted = item["weighted"] or {}
        sheet.append(
            spreadsheet_row(
                [
                    question,
                    item["label"],
                    item["count"],
                    item["raw"]["share"],
                    item["raw"]["low"],
                    item["raw"]["high"],
                    weighted.get("share"),
                    weighted.get("low"),
                    weighted.get("high"),
                ]
            )
        )


def docx_section(document: Any, consultation: Consultation) -> None:
    """Add 'Who answered, against who lives here' (and weighting, if chosen) to a report."""
    report = consultation_representation(consultation)
    if report["margins"] is None:
        return
    margins = report["margins"]
    document.add_heading("Who answered, against who lives here", level=1)
    document.add_paragraph(
        f"Population figures: {margins['name']}, {margins['source']} ({margins['year']})."
    )
    for dimension in report["dimensions"]:
        document.add_heading(dimension["label"], level=2)
        for sentence in dimension["flags"]:
            document.add_paragraph(sentence, style="List Bullet")
        docx_table(
            document,
            ("Group", "Residents", "Respondents", "Ratio"),
            [
                (
                    row["label"],
                    f"{round(row['population_share'] * 100)}%",
                    f"{row['respondents']} ({round(row['respondent_share'] * 100)}%)",
                    "" if row["ratio"] is None else f"{row['ratio']:.2f}",
                )
                for row in dimension["rows"]
            ],
        )
        document.add_paragraph(
            f"Prefer not to say: {dimension['prefer_not_to_say']}. "
            f"Not answered: {dimension['not_answered']}."
        )
    results = weighted_results(consultation)
    weighting = results["weighting"]
    if weighting is None:
        return
    document.add_heading("Results weighted to the area", level=2)
    document.add_paragraph(
        f"Weighted on {', '.join(weighting['dimensions']) or 'nothing'} by raking; weights run "
        f"from {weighting['weight_min']:.2f} to {weighting['weight_max']:.2f}, design effect "
        f"{weighting['design_effect']:.2f}, so the {results['respondents']} responses count like "
        f"{weighting['effective_n']:.0f} in the weighted intervals. Weighted figures estimate what "
        "the area might say if every group had answered in proportion; they are not a poll."
    )
    for question in results["questions"]:
        document.add_paragraph(f"Q{question['number']}. {question['prompt']}", style="List Bullet")
        for option in question["options"]:
            weighted = option["weighted"]
            document.add_paragraph(
                f"{option['label']}: {round(option['raw']['share'] * 100)}% unweighted"
                + (f", {round(weighted['share'] * 100)}% weighted" if weighted else ""),
                style="List Bullet 2",
            )


QUESTIONNAIRE_COLUMNS = [
    "question",
    "answer",
    "before",
    "after",
    "answered both times",
    "changed answer",
    "towards the end",
    "towards the start",
    "answered only before",
    "answered only after",
    "test",
    "p",
]


def questionnaire_csv(jury: Jury) -> bytes:
    """The before/after report as CSV: one row per question and answer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUESTIONNAIRE_COLUMNS)
    for change in questionnaire.report(jury):
        test = "sign test" if change["kind"] == "agreement" else "McNemar exact test"
        for point in change["distribution"]:
            writer.writerow(
                spreadsheet_row(
                    [
                        change["prompt"],
                        point["label"],
                        point["before"],
                        point["after"],
                        change["pairs"],
                        change["moved"],
                        change["up"],
                        change["down"],
                        change["only_before"],
                        change["only_after"],
                        test,
                        round(change["sign_test_p"], 6),
                    ]
                )
            )
    return buffer.getvalue().encode("utf-8-sig")
