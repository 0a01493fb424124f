"""Reading CSV files: answers for `analysis/` (the CLI and `bench/`), and the decoding and
CSV reading every importer in the app uses (`decode_text`, `csv_records`).

A file with a byte-order mark is read in the encoding the mark names (UTF-8, UTF-16 or
UTF-32, little- or big-endian: Excel's "Unicode text" is UTF-16 with a mark); other files
are read as UTF-8, and a file that is not valid UTF-8 as Windows-1252, which is what Excel
writes on a British council laptop. A file that is none of these, or holds NUL characters
(binary, or UTF-16 without a mark), is refused, naming the row that cannot be read. A cell
longer than the CSV reader's limit is refused naming its line. Errors are `InputError`, a
`ValueError` whose message a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Answers",
    "InputError",
    "csv_records",
    "decode_text",
    "read_answers",
    "read_csv_rows",
    "read_text",
]

PathLike = str | os.PathLike[str]


class InputError(ValueError):
    """The input cannot be analysed as given; the message says why and what would work."""


@dataclass(frozen=True)
class Answers:
    """Answers read from a file: texts, their ids (as strings), and the encoding used."""

    texts: tuple[str, ...]
    ids: tuple[str, ...]
    encoding: str


# Longest marks first: UTF-32 LE's mark begins with UTF-16 LE's.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
CELL_LIMIT = csv.field_size_limit()  # 131,072 characters, Python's default


def decode_text(data: bytes, name: str = "The file") -> tuple[str, str]:
    """`data` decoded, and the encoding used: the one its byte-order mark names
    ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"), else "utf-8", else
    "cp1252". The mark is not part of the text.

    Raises InputError, starting with `name`, when the bytes are not text in that encoding
    (naming the row, 1 = the first after the header) or hold a NUL character."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(encoding)
            except UnicodeDecodeError:
                label = (
                    encoding.upper().replace("-LE", " little-endian").replace("-BE", " big-endian")
                )
                raise InputError(
                    f"{name} starts with a {label} byte-order mark but is not {label} "
                    "text. Save the CSV file as UTF-8 and try again."
                ) from None
            return _without_nul(text, name), encoding
    try:
        return _without_nul(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _without_nul(data.decode("cp1252"), name), "cp1252"
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("latin-1")
        records = list(csv.reader(io.StringIO(before)))
        row = max(0, len(records) - 1)  # the header is record 0; the bad record is the last
        line = before.count("\n") + 1
        raise InputError(
            f"{name}: row {row} (line {line}) is neither UTF-8 nor Windows-1252 "
            f"text (byte 0x{data[error.start]:02x}). Save the CSV file as UTF-8 and try again."
        ) from None


def _without_nul(text: str, name: str) -> str:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(
            f"{name}: line {line} holds a NUL character, so this is not a CSV text file "
            "(a UTF-16 file needs its byte-order mark). Save the CSV file as UTF-8 and try "
            "again."
        )
    return text


def csv_records(text: str, name: str = "The file") -> list[tuple[int, list[str]]]:
    """The records of a CSV text, each with the line it ends on.

    Raises InputError naming the line when a cell is longer than CELL_LIMIT characters or
    the text cannot be read as CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        for record in reader:
            records.append((reader.line_num, record))
    except csv.Error as error:
        if "field limit" in str(error):
            raise InputError(
                f"{name}: line {reader.line_num} has a cell longer than {CELL_LIMIT:,} "
                "characters; shorten it (or check that the file's quotes are balanced)."
            ) from None
        raise InputError(
            f"{name}: line {reader.line_num} cannot be read as CSV ({error})."
        ) from None
    return records


def read_text(path: PathLike) -> tuple[str, str]:
    """The decoded contents of `path` and the encoding used (see `decode_text`)."""
    with open(path, "rb") as handle:
        data = handle.read()
    return decode_text(data, os.fspath(path))


def read_csv_rows(path: PathLike) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows (as dicts) and encoding of a CSV file. Raises InputError when empty."""
    text, encoding = read_text(path)
    records = [record for _, record in csv_records(text, os.fspath(path))]
    if not records:
        raise InputError(f"{os.fspath(path)} is empty: expected a header row and answers.")
    header = [name.strip() for name in records[0]]
    rows = []
    for record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue
        record = record + [""] * (len(header) - len(record))
        rows.append(dict(zip(header, record, strict=False)))
    return header, rows, encoding


def _find_column(header: Sequence[str], wanted: str, path: PathLike) -> str:
    if wanted in header:
        return wanted
    folded = {name.casefold(): name for name in header}
    if wanted.strip().casefold() in folded:
        return folded[wanted.strip().casefold()]
    existing = ", ".join(repr(name) for name in header) or "(none)"
    raise InputError(f"{os.fspath(path)} has no column {wanted!r}; its columns are: {existing}.")


def read_answers(path: PathLike, text_column: str, id_column: str | None = None) -> Answers:
    """Answers in `text_column` of a CSV file, with ids from `id_column`.

    Without `id_column` an answer's id is its 0-based row number ("0", "1", ...). Raises
    InputError when a column is missing (naming the columns that exist), when the file has
    no answers, or when ids repeat.
    """
    header, rows, encoding = read_csv_rows(path)
    text_name = _find_column(header, text_column, path)
    id_name = _find_column(header, id_column, path) if id_column is not None else None
    if not rows:
        raise InputError(f"{os.fspath(path)} has a header but no answers.")
    texts = tuple(row.get(text_name) or "" for row in rows)
    if id_name is None:
        ids = tuple(str(number) for number in range(len(rows)))
    else:
        ids = tuple((row.get(id_name) or "").strip() for row in rows)
        seen: set[str] = set()
        for number, value in enumerate(ids):
            if not value:
                raise InputError(f"{os.fspath(path)}: row {number + 1} has an empty {id_name!r}.")
            if value in seen:
                raise InputError(
                    f"{os.fspath(path)}: id {value!r} appears more than once in {id_name!r}."
                )
            seen.add(value)
    return Answers(texts, ids, encoding)
