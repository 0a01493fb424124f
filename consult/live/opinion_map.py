"""Live deliberation: the opinion map of an agree/disagree poll. The analysis engine's
opinion groups (PCA and k-means, as Pol.is does), anonymised for the room: points carry a
group, never a person, in a shuffled order. Maps are cached per process by the exact
votes, because a room of phones reconnecting asks for the same revealed map at once."""

from __future__ import annotations

import copy
import hashlib
import random
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context

from analysis.opinion import MIN_GROUP_SIZE, opinion_groups
from consult.models import Poll

DEFAULT_MIN_VOTERS = 6

# reconnecting after a wifi drop asks for a revealed poll's map a thousand times.
_MAP_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_MAP_CACHE_SIZE = 64
_MAP_CACHE_LOCK = threading.Lock()


def thresholds() -> tuple[int, int]:
    """(minimum voters, minimum group size) from the configuration. A group is never
    smaller than 3 whatever the setting: its figures would expose its members' votes."""
    config = current_app.config if has_app_context() else {}
    min_group = max(MIN_GROUP_SIZE, int(config.get("LIVE_OPINION_MIN_GROUP_SIZE", 3)))
    min_voters = max(min_group, int(config.get("LIVE_OPINION_MIN_VOTERS", DEFAULT_MIN_VOTERS)))
    return min_voters, min_group


def _not_yet(min_voters: int, voters: int) -> dict[str, Any]:
    return {
        "available": False,
        "min_voters": min_voters,
        "voters": voters,
        "points": [],
        "groups": [],
        "consensus": [],
        "divisive": [],
    }


def opinion_map(poll: Poll, votes: list[tuple[str, str, int]]) -> dict[str, Any]:
    """Opinion groups from the analysis engine, anonymised: points carry a group, not a
    person. Only from `LIVE_OPINION_MIN_VOTERS` voters, and only groups of at least
    `LIVE_OPINION_MIN_GROUP_SIZE` people (3 at least). Groups are lettered A, B, ... and
    each statement that sets a group apart says whether the group agreed or disagreed.
    Falls back to no map if the engine fails. Computed once per distinct set of votes
    (and statement texts, Welsh ones too) in each process."""
    min_voters, min_group = thresholds()
    voters = len({person for person, _, _ in votes})
    if voters < min_voters:
        return _not_yet(min_voters, voters)
    texts = sorted((s.id, s.text, s.text_cy) for s in poll.statements)  # Welsh can change
    key = hashlib.sha256(repr((poll.id, sorted(votes), texts, min_group)).encode()).hexdigest()
    with _MAP_CACHE_LOCK:
        if key in _MAP_CACHE:
            _MAP_CACHE.move_to_end(key)
            return copy.deepcopy(_MAP_CACHE[key])
    result = _compute_opinion_map(poll, votes, min_group)
    result["min_voters"], result["voters"] = min_voters, voters
    if result["available"]:
        with _MAP_CACHE_LOCK:
            _MAP_CACHE[key] = copy.deepcopy(result)
            while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
                _MAP_CACHE.popitem(last=False)
    return result


def group_label(index: int) -> str:
    """A, B, ... Z, then AA, AB, ... (groups are few; letters never suggest a ranking)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _compute_opinion_map(
    poll: Poll, votes: list[tuple[str, str, int]], min_group: int
) -> dict[str, Any]:
    try:
        groups = opinion_groups(votes, random_state=0, min_group_size=min_group).as_dict()
    except Exception as error:  # a failing engine must not stop the poll
        return {"available": False, "reason": str(error)[:200], "points": [], "groups": []}
    texts = {str(s.id): s.text for s in poll.statements}
    welsh = {str(s.id): s.text_cy or "" for s in poll.statements}
    # only groups large enough to show, numbered in order from 0 (shown as letters)
    shown = [g for g in groups.get("groups", []) if len(g["participants"]) >= min_group]
    index_of = {g["id"]: index for index, g in enumerate(shown)}
    assignments = groups.get("assignments", {})
    points = [
        {"x": round(x, 4), "y": round(y, 4), "group": index_of.get(assignments.get(person))}
        for person, (x, y) in sorted(groups.get("coordinates", {}).items())
    ]
    random.Random(poll.id).shuffle(points)  # order must not identify anyone

    def scored(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "statement_id": item["statement"],
                "text": texts.get(item["statement"], ""),
                "text_cy": welsh.get(item["statement"], ""),
                "agree": round(item["agree"], 3),
                "disagree": round(item["disagree"], 3),
            }
            for item in items
        ]

    def standing(item: dict[str, Any]) -> dict[str, Any]:
        agreed = item["agree"] >= item["disagree"]
        share = item["agree"] if agreed else item["disagree"]
        return {**item, "stance": "agreed" if agreed else "disagreed", "share": round(share, 3)}

    return {
        "available": bool(shown),
        "points": points if shown else [],
        "groups": [
            {
                "id": index,
                "label": group_label(index),
                "size": len(group["participants"]),
                "representative": [standing(i) for i in scored(group["representative"])],
            }
            for index, group in enumerate(shown)
        ],
        "consensus": scored(groups.get("consensus", [])),
        "divisive": scored(groups.get("divisive", [])),
    }


# --------------------------------------------------------------------------- recommendations
