"""Importing responses received by email or on paper from CSV or XLSX: read the file, map
its columns to questions, check every row, and import all rows or none (or, when the
officer explicitly chooses, only the good rows). Flushes; the view commits once.
Messages are in the officer's language (gettext) when made; a row's problems are kept in
the import's report as they were said."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext

from analysis.io import InputError, csv_records, decode_text
from consult.consultations import about_you, services, submission
from consult.consultations.forms import LONDON
from consult.consultations.kinds import normal, question_kind
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.models import Consultation, Question, ResponseImport, User, audit, utcnow
from consult.wording import N_

MAX_ROWS = 5000
MAX_SHEET_ROWS = 2 * MAX_ROWS  # row elements in a sheet, blank (formatted) ones too
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
MAX_COLUMNS = 200  # columns read from an XLSX sheet; a mapping never needs more
# What an XLSX file's members may unpack to (a sheet of 5,000 rows of ten long answers is
# about 25 MB; a small zip that unpacks to far more is a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1000 * 1000
DATE_PATTERNS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M")
# English labels: a column named like one is guessed to hold it; shown through gettext.
PROFILE_FIELDS = (
    ("respondent_type", N_("Individual or organisation")),
    ("organisation_name", N_("Organisation name")),
    ("email", N_("Email address")),
    ("age_band", N_("Age band")),
    ("gender", N_("Gender")),
    ("ethnicity", N_("Ethnic group")),
    ("disability", N_("Disability")),
    ("postcode_district", N_("Postcode district")),
    ("submitted_at", N_("Date received")),
)


def _split() -> str:
    return gettext("Split the file: import at most %(rows)s rows at a time", rows=f"{MAX_ROWS:,}")


@dataclass
class ImportResult:
    imported: int
    failed: list[dict[str, Any]]


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (as strings) from a CSV (decoded by `analysis.io.decode_text`) or
    XLSX file (see `_xlsx_table`). Raises Invalid with a `file` message."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(content)
    else:
        try:
            text, _ = decode_text(content, "The file")
            table = [row for _, row in csv_records(text, "The file")]
        except InputError as error:
            raise Invalid(
                gettext("The file could not be read."), fields={"file": str(error)}
            ) from None
    table = [row for row in table if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise Invalid(
            gettext("The file is empty."),
            fields={
                "file": gettext("The file needs a row of column names and at least one response")
            },
        )
    if len(table) - 1 > MAX_ROWS:
        raise _too_big(_split())
    headers = [cell.strip() for cell in table[0]]
    width = len(headers)
    rows = [(row + [""] * width)[:width] for row in table[1:]]
    return headers, rows


def _too_big(detail: str) -> Invalid:
    return Invalid(gettext("The file is too big."), fields={"file": detail})


def _row_elements(archive: zipfile.ZipFile, name: str) -> int:
    """How many row elements (`<row ...>`, with or without a namespace prefix) the member
    `name` holds: a byte scan while unpacking, far faster than parsing the XML."""
    if not name.endswith(".xml"):
        return 0
    count, carry = 0, b""
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            data = carry + chunk
            cut = data.rfind(b"<")  # a tag cut by the chunk's end is counted next time
            cut = len(data) if cut < 0 else cut
            count += len(_ROW_TAG.findall(data, 0, cut))
            carry = data[cut:]
    return count + len(_ROW_TAG.findall(carry))


def _xlsx_table(content: bytes) -> list[list[str]]:
    """The first sheet's rows, read as a stream; refused before any parsing when the
    zip's members would unpack to more than MAX_UNPACKED_BYTES or a sheet has more than
    MAX_SHEET_ROWS row elements (openpyxl parses a whole sheet that does not state its
    size before giving its first row), and as soon as the sheet holds more than
    MAX_ROWS rows after the header. So the worker never spends long on a file it will
    refuse."""
    from openpyxl import load_workbook

    not_xlsx = Invalid(
        gettext("The file could not be read."),
        fields={"file": gettext("The file is not a valid XLSX file")},
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_big(
                    gettext(
                        "The file unpacks to %(size)s MB, more than the %(most)s MB an import "
                        "may hold: split it",
                        size=f"{unpacked / 1e6:,.0f}",
                        most=f"{MAX_UNPACKED_BYTES / 1e6:,.0f}",
                    )
                )
            rows = max((_row_elements(archive, m.filename) for m in archive.infolist()), default=0)
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise not_xlsx from error
    if rows > MAX_SHEET_ROWS:
        raise _too_big(
            gettext(
                "A sheet in the file has %(rows)s rows (counting empty rows that have "
                "formatting): delete the empty rows, or split the file; import at most "
                "%(most)s rows at a time",
                rows=f"{rows:,}",
                most=f"{MAX_ROWS:,}",
            )
        )
    table: list[list[str]] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet_rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for row in sheet_rows:
                cells = ["" if cell is None else _cell_text(cell) for cell in row]
                if any(cell.strip() for cell in cells):
                    table.append(cells)
                    if len(table) - 1 > MAX_ROWS:
                        raise _too_big(_split())
        finally:
            workbook.close()
    except Invalid:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise not_xlsx from error
    return table


def _cell_text(cell: Any) -> str:
    if isinstance(cell, datetime):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def start_import(
    consultation: Consultation, filename: str, content: bytes, *, channel: str, actor: User
) -> ResponseImport:
    """Read an uploaded file and keep it, unmapped, for the mapping step."""
    headers, rows = read_table(filename, content)
    record = ResponseImport(
        consultation_id=consultation.id,
        filename=filename[:255],
        created_by_id=actor.id,
        mapping={"channel": channel if channel in ("email", "paper", "import") else "import"},
        report={"state": "mapping", "headers": headers, "rows": rows, "failed": []},
        imported_count=0,
        finished_at=None,
    )
    db.session.add(record)
    db.session.flush()
    record.finished_at = None  # the column's default marks rows as finished on insert
    db.session.flush()
    audit("responses.import_started", actor=actor, subject=record, rows=len(rows), file=filename)
    return record


def target_fields(consultation: Consultation) -> list[tuple[str, str]]:
    """What a column can be mapped to: each question, then the "about you" fields."""
    questions = [(f"q{q.id}", f"{q.position + 1}. {q.prompt}") for q in consultation.questions]
    return questions + [(name, gettext(label)) for name, label in PROFILE_FIELDS]


def guess_mapping(consultation: Consultation, record: ResponseImport) -> dict[str, int]:
    """A first guess: a column whose name matches a question's key or prompt, or a field."""
    saved = record.mapping.get("columns")
    if saved:
        return {field: int(index) for field, index in saved.items()}
    headers = [normal(h) for h in record.report.get("headers", [])]
    guess: dict[str, int] = {}
    for question in consultation.questions:
        for candidate in (question.key, question.prompt):
            if candidate and normal(candidate) in headers:
                guess[f"q{question.id}"] = headers.index(normal(candidate))
                break
    for name, label in PROFILE_FIELDS:
        for candidate in (name, label):
            if normal(candidate) in headers:
                guess[name] = headers.index(normal(candidate))
                break
    return guess


def mapping_from_form(consultation: Consultation, form: Any) -> dict[str, int]:
    mapping = {}
    for field, _label in target_fields(consultation):
        value = form.get(f"map-{field}", "")
        if value.isdigit():
            mapping[field] = int(value)
    return mapping


def raw_answer(question: Question, cell: str) -> Any:
    """A cell's text in the API's answer shape (see services.clean_answer)."""
    cell = cell.strip()
    return question_kind(question.kind).from_cell(question, cell) if cell else None


def _parse_date(text: str) -> datetime:
    text = text.strip()
    for pattern in DATE_PATTERNS:
        try:
            value = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return value.replace(tzinfo=LONDON).astimezone(UTC)
    raise ValueError(text)


def check_row(
    consultation: Consultation, row: list[str], mapping: dict[str, int]
) -> tuple[dict[int, Any], dict[str, Any], datetime | None, list[str]]:
    """One row's answers, "about you" and date, and every problem with it."""
    problems: list[str] = []
    values: dict[int, Any] = {}
    for question in consultation.questions:
        index = mapping.get(f"q{question.id}")
        cell = row[index] if index is not None and index < len(row) else ""
        try:
            value = services.clean_answer(question, raw_answer(question, cell))
        except services.AnswerError as error:
            problems.append(
                gettext(
                    "Question %(number)s: %(problem)s",
                    number=question.position + 1,
                    problem=error,
                )
            )
            continue
        if value is None and question.required:
            problems.append(
                gettext(
                    "Question %(number)s: it is required but empty", number=question.position + 1
                )
            )
        elif value is not None:
            values[question.id] = value
    about_raw = {}
    for name, _label in PROFILE_FIELDS:
        index = mapping.get(name)
        if name != "submitted_at" and index is not None and index < len(row):
            cell = row[index].strip()
            about_raw[name] = cell.lower() if name == "respondent_type" else cell
    about: dict[str, Any] = {}
    try:
        about = about_you.clean_about_you(about_raw, consent_required=False)
    except Invalid as error:
        problems.extend(f"{gettext(dict(PROFILE_FIELDS)[k])}: {v}" for k, v in error.fields.items())
    submitted_at = None
    index = mapping.get("submitted_at")
    if index is not None and index < len(row) and row[index].strip():
        try:
            submitted_at = _parse_date(row[index])
        except ValueError:
            problems.append(
                gettext("Date received: '%(text)s' is not a date like 31/01/2027", text=row[index])
            )
    if not values and not problems:
        problems.append(gettext("The row has no answers"))
    return values, about, submitted_at, problems


def run_import(
    consultation: Consultation,
    record: ResponseImport,
    mapping: dict[str, int],
    *,
    import_good_rows: bool,
    actor: User,
) -> ImportResult:
    """Check every row with the mapping. With no failures, import them all; with failures,
    import nothing (the report lists each failed row and why) unless the officer chose to
    import the good rows only. Each row is imported at most once."""
    if record.finished_at is not None:
        raise Conflict(gettext("This import has already finished."))
    rows = record.report.get("rows", [])
    checked = []
    failed = []
    for number, row in enumerate(rows, start=2):  # row 1 holds the column names
        values, about, submitted_at, problems = check_row(consultation, row, mapping)
        if problems:
            failed.append({"row": number, "problems": problems})
        else:
            checked.append((number, values, about, submitted_at))
    channel = record.mapping.get("channel", "import")
    record.mapping = {"channel": channel, "columns": mapping}
    report = dict(record.report)
    report["failed"] = failed
    report["good"] = len(checked)
    if failed and not import_good_rows:
        report["state"] = "failed"
        record.report = report
        db.session.flush()
        return ImportResult(imported=0, failed=failed)
    for number, values, about, submitted_at in checked:
        submission.build_response(
            consultation,
            values,
            about,
            channel=channel,
            idempotency_key=f"import:{record.id}:{number}",
            submitted_at=submitted_at or utcnow(),
        )
    report["state"] = "done"
    report["skipped"] = [item["row"] for item in failed]
    record.report = report
    record.imported_count = len(checked)
    record.finished_at = utcnow()
    db.session.flush()
    audit(
        "responses.imported",
        actor=actor,
        subject=record,
        imported=len(checked),
        skipped=len(failed),
    )
    return ImportResult(imported=len(checked), failed=failed)
