"""The Pabulib `.pb` file format: read and write a PB election (META / PROJECTS / VOTES).

Room: `analysis/pb/`. A `.pb` file is three `;`-separated tables, each opened by its title
line (META, PROJECTS, VOTES) and a header line, with CSV quoting (a field holding `;` is in
double quotes, a quote inside is doubled). Reading is tolerant of what real files do
(a byte-order mark, CRLF line ends, blank lines, spaces around fields, section titles in
any case, `key: value` META lines, `vote_type` missing meaning approval, numbers written as
`1000.0`) and strict about what would change the result: a cost, budget or points value
that is not a number, a vote naming an unknown project or the same project twice, points
that do not match the projects, a duplicate id. Each such error names the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

from .model import VOTE_TYPES, Ballot, Election, PBInputError, Project

__all__ = ["parse_pabulib", "read_pabulib", "write_pabulib"]

_SECTIONS = ("meta", "projects", "votes")
_VOTE_TYPE_ALIASES = {"choose1": "choose-1", "choose_1": "choose-1", "choose-one": "choose-1"}


def _number(text: str, what: str, line: int) -> Fraction:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise PBInputError(f"line {line}: {what} {text.strip()!r} is not a number") from None
    return value


def _split_ids(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    return [part.strip() for part in text.split(",")]


def read_pabulib(path: str | Path) -> Election:
    """Read a `.pb` file (UTF-8, with or without a byte-order mark). Raises PBInputError."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PBInputError(f"{path} is not UTF-8 text ({error.reason})") from None
    return parse_pabulib(text)


def parse_pabulib(text: str) -> Election:
    """Parse the text of a `.pb` file into an `Election`. Raises PBInputError naming the line."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    section = ""
    header: list[str] | None = None
    meta: dict[str, str] = {}
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {"projects": [], "votes": []}
    headers: dict[str, list[str]] = {}
    seen_sections: set[str] = set()
    start = 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        title = cells[0].lower()
        if title in _SECTIONS and all(not cell for cell in cells[1:]):
            if title in seen_sections:
                raise PBInputError(f"line {line}: a second {title.upper()} section")
            section, header = title, None
            seen_sections.add(title)
            continue
        if not section:
            raise PBInputError(f"line {line}: data before the first section title (META)")
        if header is None:
            header = [cell.lower() for cell in cells]
            while header and not header[-1]:
                header.pop()
            if section == "meta" and header[:1] != ["key"] and len(header) >= 2:
                # No `key;value` header: the line is already data.
                header = ["key", "value"]
                meta[cells[0]] = ";".join(cells[1:]).strip()
                continue
            headers[section] = header
            continue
        if section == "meta":
            if len(cells) == 1 and ":" in cells[0]:
                key, _, value = cells[0].partition(":")  # `rule: greedy`, seen in real files
                cells = [key.strip(), value.strip()]
            if len(cells) < 2:
                raise PBInputError(f"line {line}: META line {cells[0]!r} has no value")
            meta[cells[0].lower()] = ";".join(cells[1:]).strip()
            continue
        assert header is not None
        if len(cells) > len(header):
            if any(cells[len(header) :]):
                raise PBInputError(
                    f"line {line}: {len(cells)} fields but the {section.upper()} header has "
                    f"{len(header)} (a field holding ';' must be in double quotes)"
                )
            cells = cells[: len(header)]
        cells += [""] * (len(header) - len(cells))
        rows[section].append((line, dict(zip(header, cells, strict=True))))
    for needed in _SECTIONS:
        if needed not in seen_sections:
            raise PBInputError(f"the file has no {needed.upper()} section")
    return _build(meta, headers, rows)


def _build(
    meta: dict[str, str],
    headers: dict[str, list[str]],
    rows: dict[str, list[tuple[int, dict[str, str]]]],
) -> Election:
    if "budget" not in meta:
        raise PBInputError("META has no budget")
    budget = _number(meta["budget"], "budget", 0)
    if budget < 0:
        raise PBInputError(f"META budget {meta['budget']} is negative")
    vote_type = meta.get("vote_type", "approval").strip().lower() or "approval"
    vote_type = _VOTE_TYPE_ALIASES.get(vote_type, vote_type)
    if vote_type not in VOTE_TYPES:
        raise PBInputError(f"META vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}")

    project_header = headers.get("projects", [])
    if "project_id" not in project_header or "cost" not in project_header:
        raise PBInputError("the PROJECTS header needs project_id and cost columns")
    projects: list[Project] = []
    ids: set[str] = set()
    for line, record in rows["projects"]:
        pid = record["project_id"]
        if not pid:
            raise PBInputError(f"line {line}: a project without a project_id")
        if pid in ids:
            raise PBInputError(f"line {line}: project {pid!r} appears twice")
        cost = _number(record["cost"], f"cost of project {pid}", line)
        if cost < 0:
            raise PBInputError(f"line {line}: project {pid!r} has a negative cost")
        ids.add(pid)
        others = {k: v for k, v in record.items() if k not in ("project_id", "cost") and v != ""}
        projects.append(Project(pid, cost, record.get("name", ""), others))

    vote_header = headers.get("votes", [])
    if "vote" not in vote_header:
        raise PBInputError("the VOTES header needs a vote column")
    needs_points = vote_type in ("cumulative", "scoring")
    if needs_points and "points" not in vote_header:
        raise PBInputError(f"{vote_type} ballots need a points column in VOTES")
    ballots: list[Ballot] = []
    voters: set[str] = set()
    for number, (line, record) in enumerate(rows["votes"], start=1):
        voter = record.get("voter_id") or str(number)
        if voter in voters:
            raise PBInputError(f"line {line}: voter {voter!r} appears twice")
        voters.add(voter)
        chosen = _split_ids(record["vote"])
        for pid in chosen:
            if pid not in ids:
                raise PBInputError(
                    f"line {line}: voter {voter!r} votes for unknown project {pid!r}"
                )
        if len(set(chosen)) != len(chosen):
            raise PBInputError(f"line {line}: voter {voter!r} names a project twice")
        if vote_type == "choose-1" and len(chosen) > 1:
            raise PBInputError(f"line {line}: a choose-1 ballot names {len(chosen)} projects")
        points: tuple[Fraction, ...] = ()
        if needs_points:
            given = _split_ids(record.get("points", ""))
            if len(given) != len(chosen):
                raise PBInputError(
                    f"line {line}: voter {voter!r} names {len(chosen)} projects "
                    f"but gives {len(given)} points"
                )
            points = tuple(_number(p, f"points of voter {voter}", line) for p in given)
            if vote_type == "cumulative" and any(p < 0 for p in points):
                raise PBInputError(f"line {line}: cumulative points cannot be negative")
        attributes = {
            k: v for k, v in record.items() if k not in ("voter_id", "vote", "points") and v != ""
        }
        ballots.append(Ballot(voter, tuple(chosen), points, attributes))
    return Election(
        meta=meta,
        projects=tuple(projects),
        ballots=tuple(ballots),
        vote_type=vote_type,
        budget=budget,
        project_columns=tuple(project_header),
        vote_columns=tuple(vote_header),
    )


def _format_number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    decimal = float(value)
    if Fraction(repr(decimal)) == value:
        return repr(decimal)
    raise PBInputError(f"{value} cannot be written as a decimal number")


def _rows(election: Election) -> Iterable[list[str]]:
    yield ["META"]
    yield ["key", "value"]
    meta = dict(election.meta)
    meta["budget"] = meta.get("budget") or _format_number(election.budget)
    if Fraction(meta["budget"].replace(" ", "")) != election.budget:
        meta["budget"] = _format_number(election.budget)
    meta["vote_type"] = election.vote_type
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.ballots))
    yield from ([key, value] for key, value in meta.items())

    yield ["PROJECTS"]
    columns = ["project_id", "cost"] + [
        c for c in election.project_columns if c not in ("project_id", "cost")
    ]
    for project in election.projects:
        columns += [c for c in project.fields if c not in columns]
    yield columns
    for project in election.projects:
        extra = dict(project.fields)
        if project.name:
            extra.setdefault("name", project.name)
        yield [project.id, _format_number(project.cost)] + [extra.get(c, "") for c in columns[2:]]

    yield ["VOTES"]
    has_points = election.vote_type in ("cumulative", "scoring")
    vote_columns = ["voter_id"] + [
        c for c in election.vote_columns if c not in ("voter_id", "vote", "points")
    ]
    for ballot in election.ballots:
        vote_columns += [c for c in ballot.attributes if c not in vote_columns]
    vote_columns += ["vote"] + (["points"] if has_points else [])
    yield vote_columns
    for ballot in election.ballots:
        row = [ballot.voter_id] + [ballot.attributes.get(c, "") for c in vote_columns[1:]]
        row[vote_columns.index("vote")] = ",".join(ballot.projects)
        if has_points:
            row[vote_columns.index("points")] = ",".join(_format_number(p) for p in ballot.points)
        yield row


def write_pabulib(election: Election, path: str | Path | None = None) -> str:
    """The election as `.pb` text (written to `path` too when given); `parse_pabulib` reads it back.

    `num_projects`, `num_votes`, `vote_type` and `budget` in META are set from the data.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\n")
    for row in _rows(election):
        writer.writerow(row)
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
