"""Reading answers from CSV files for `analysis/` (the CLI and `bench/` use it).

Files are read as UTF-8 (a byte-order mark is allowed); a file that is not valid UTF-8 is
read as Windows-1252, which is what Excel writes on a British council laptop. A file that
is neither is refused, naming the row that cannot be read. Errors are `InputError`, a
`ValueError` whose message a person can act on.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Answers", "InputError", "read_answers", "read_csv_rows", "read_text"]

PathLike = str | os.PathLike[str]


class InputError(ValueError):
    """The input cannot be analysed as given; the message says why and what would work."""


@dataclass(frozen=True)
class Answers:
    """Answers read from a file: texts, their ids (as strings), and the encoding used."""

    texts: tuple[str, ...]
    ids: tuple[str, ...]
    encoding: str


def read_text(path: PathLike) -> tuple[str, str]:
    """The decoded contents of `path` and the encoding used ("utf-8" or "cp1252").

    Raises InputError naming the row (1 = first data row after the header) when the file
    is neither UTF-8 nor Windows-1252.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("latin-1")
        records = list(csv.reader(io.StringIO(before)))
        row = max(0, len(records) - 1)  # the header is record 0; the bad record is the last
        line = before.count("\n") + 1
        raise InputError(
            f"{os.fspath(path)}: row {row} (line {line}) is neither UTF-8 nor Windows-1252 "
            f"text (byte 0x{data[error.start]:02x}); save the file as CSV UTF-8 and try again."
        ) from None


def read_csv_rows(path: PathLike) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows (as dicts) and encoding of a CSV file. Raises InputError when empty."""
    text, encoding = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            f"{os.fspath(path)} is empty: expected a header row and answers."
        ) from None
    header = [name.strip() for name in header]
    rows = []
    for record in reader:
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
