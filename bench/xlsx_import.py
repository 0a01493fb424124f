"""How long an officer's import takes to refuse a file it will not take (issue 14, M7):

    .venv/bin/python bench/xlsx_import.py [--rows 100000] [--columns 10]

- A small XLSX that unpacks to a large sheet (`--rows` rows of `--columns` short cells, the
  issue's example is 100,000 x 10: 169 KB that unpacks to 39 MB): the time from upload to
  refusal ("import at most 5,000 rows"), which the single web worker spends on it.
- A file of 20,000 rows, under the size cap: refused by the row count while streaming.
- A zip bomb (a 60 MB member of zeros in the same file): the time to refuse it.
- For scale, a file of exactly 5,000 rows (accepted) is read too.

Calls `consult.consultations.imports.read_table`, what the upload view calls. Prints each
figure, then one JSON line with them all.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consult.consultations.imports import read_table
from consult.errors import Invalid


def workbook(rows: int, columns: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"column {c}" for c in range(columns)])
    for number in range(rows):
        sheet.append([f"answer {number} {c}" for c in range(columns)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_padding(content: bytes, size: int) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, source.read(member))
        target.writestr("xl/media/padding.bin", b"\0" * size)
    return out.getvalue()


def timed(content: bytes) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        _headers, rows = read_table("file.xlsx", content)
        outcome = f"accepted, {len(rows):,} rows"
    except Invalid as error:
        outcome = "refused: " + "; ".join(error.fields.values())
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=10)
    args = parser.parse_args()
    figures = {}
    big = workbook(args.rows, args.columns)
    with zipfile.ZipFile(io.BytesIO(big)) as archive:
        unpacked = sum(m.file_size for m in archive.infolist())
    cases = {
        "large_sheet": big,
        "twenty_thousand_rows": workbook(20_000, args.columns),
        "zip_bomb": with_padding(workbook(2, args.columns), 60_000_000),
        "five_thousand_rows": workbook(5000, args.columns),
    }
    for name, content in cases.items():
        seconds, outcome = timed(content)
        figures[name] = round(seconds, 3)
        print(f"{name}: {len(content) / 1e3:,.0f} KB, {seconds:.2f} s, {outcome}")
    print(f"(the large sheet unpacks to {unpacked / 1e6:,.1f} MB)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
