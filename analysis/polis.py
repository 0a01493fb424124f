"""Readers for Pol.is open-data exports (the `analysis/` library: pure, no app imports).

Two export files carry votes:

- ``votes.csv``: one row per vote event (``timestamp, datetime, comment-id, voter-id,
  vote``). A participant may re-vote on a comment; the latest by ``timestamp`` counts.
- ``participants-votes.csv``: one row per participant (``participant, group-id,
  n-comments, n-votes, n-agree, n-disagree`` and then one column per comment, named by
  its comment id, holding the final vote or empty when the participant did not vote).

Votes use the export's sign: 1 = agree, -1 = disagree, 0 = pass (the sign our
`opinion_groups` expects too).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator

VOTES_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
PARTICIPANTS_COLUMNS = ("participant", "group-id")
PARTICIPANT_SUMMARY_COLUMNS = frozenset(
    {"participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
)

PathLike = str | os.PathLike[str]


def _rows(path: PathLike) -> Iterator[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from csv.reader(handle)


def _header(path: PathLike) -> list[str]:
    for row in _rows(path):
        return [name.strip() for name in row]
    return []


def _parse_vote(value: str, path: PathLike, line: int) -> int:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number not in (1.0, -1.0, 0.0):
        raise ValueError(
            f"{os.fspath(path)}, line {line}: vote must be 1, -1 or 0, found {value!r}"
        )
    return int(number)


def _wrong_file(path: PathLike, expected: str, found: list[str]) -> ValueError:
    shown = ", ".join(found[:12]) + (", ..." if len(found) > 12 else "")
    return ValueError(f"{os.fspath(path)} is not a Pol.is {expected}: found columns [{shown}]")


def read_votes(path: PathLike) -> list[tuple[str, str, int]]:
    """Votes as ``(participant, statement, vote)`` from either Pol.is vote export.

    The file kind is detected from its header. For ``votes.csv`` only each participant's
    latest vote on a statement is kept (by ``timestamp``; on equal timestamps, the later
    row), and the result is in the order of those votes' timestamps. For
    ``participants-votes.csv`` the result follows the file's rows, then its columns.
    Raises ValueError naming the expected and found columns when the file is neither.
    """
    header = _header(path)
    if all(name in header for name in VOTES_COLUMNS):
        return _read_vote_events(path, header)
    if all(name in header for name in PARTICIPANTS_COLUMNS):
        return _read_participant_matrix(path, header)
    raise _wrong_file(
        path,
        "votes file: expected votes.csv columns "
        f"({', '.join(VOTES_COLUMNS)}) or participants-votes.csv columns "
        f"({', '.join(PARTICIPANTS_COLUMNS)}, <comment-id>...)",
        header,
    )


def _read_vote_events(path: PathLike, header: list[str]) -> list[tuple[str, str, int]]:
    timestamp_at, comment_at, voter_at, vote_at = (header.index(name) for name in VOTES_COLUMNS)
    width = max(timestamp_at, comment_at, voter_at, vote_at) + 1
    latest: dict[tuple[str, str], tuple[float, int, int]] = {}
    rows = _rows(path)
    next(rows)
    for line, row in enumerate(rows, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < width:
            raise ValueError(f"{os.fspath(path)}, line {line}: expected at least {width} fields")
        try:
            timestamp = float(row[timestamp_at])
        except ValueError as error:
            raise ValueError(
                f"{os.fspath(path)}, line {line}: timestamp must be a number, "
                f"found {row[timestamp_at]!r}"
            ) from error
        vote = _parse_vote(row[vote_at].strip(), path, line)
        key = (row[voter_at].strip(), row[comment_at].strip())
        previous = latest.get(key)
        if previous is None or (timestamp, line) >= previous[:2]:
            latest[key] = (timestamp, line, vote)
    ordered = sorted(latest.items(), key=lambda item: item[1][:2])
    return [(voter, comment, vote) for (voter, comment), (_, _, vote) in ordered]


def _read_participant_matrix(path: PathLike, header: list[str]) -> list[tuple[str, str, int]]:
    participant_at = header.index("participant")
    comment_columns = [
        (index, name)
        for index, name in enumerate(header)
        if name and name not in PARTICIPANT_SUMMARY_COLUMNS
    ]
    votes: list[tuple[str, str, int]] = []
    rows = _rows(path)
    next(rows)
    for line, row in enumerate(rows, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        participant = row[participant_at].strip()
        for index, comment in comment_columns:
            cell = row[index].strip() if index < len(row) else ""
            if cell:
                votes.append((participant, comment, _parse_vote(cell, path, line)))
    return votes


def read_polis_groups(path: PathLike) -> dict[str, int]:
    """Pol.is's own opinion group per participant, from ``participants-votes.csv``.

    Only participants with a non-empty ``group-id`` are returned. Raises ValueError
    naming the expected and found columns when the file has no such columns.
    """
    header = _header(path)
    if not all(name in header for name in PARTICIPANTS_COLUMNS):
        raise _wrong_file(
            path,
            f"participants-votes.csv: expected columns ({', '.join(PARTICIPANTS_COLUMNS)}, ...)",
            header,
        )
    participant_at = header.index("participant")
    group_at = header.index("group-id")
    groups: dict[str, int] = {}
    rows = _rows(path)
    next(rows)
    for line, row in enumerate(rows, start=2):
        if len(row) <= max(participant_at, group_at):
            continue
        group = row[group_at].strip()
        if not group:
            continue
        try:
            groups[row[participant_at].strip()] = int(float(group))
        except ValueError as error:
            raise ValueError(
                f"{os.fspath(path)}, line {line}: group-id must be a whole number, found {group!r}"
            ) from error
    return groups


#: Columns of a ``comments.csv`` that mark a statement as about the respondent rather than
#: an opinion (demographics): Pol.is treats such statements like moderated-out ones.
META_COLUMNS = ("is-meta", "is_meta", "meta")
_TRUE = frozenset({"1", "true", "t", "yes", "y"})


def read_moderated_out(path: PathLike) -> set[str]:
    """Statement ids that carry no opinion in a Pol.is ``comments.csv``: removed by a
    moderator (``moderated == -1``) or marked meta (``is-meta`` true, or an equivalent
    column in `META_COLUMNS`). They stay in the vote matrix as columns of zeros (pass
    `moderated_out=` to `opinion_groups`), as Pol.is itself does."""
    header = _header(path)
    if "comment-id" not in header or "moderated" not in header:
        raise _wrong_file(path, "comments.csv (comment-id, moderated)", header)
    meta = [name for name in META_COLUMNS if name in header]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {
            row["comment-id"].strip()
            for row in csv.DictReader(handle)
            if (row.get("moderated") or "").strip() == "-1"
            or any((row.get(name) or "").strip().lower() in _TRUE for name in meta)
        }
