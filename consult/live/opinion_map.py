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

from analysis.opinion import opinion_groups
from consult.models import Poll

# reconnecting after a wifi drop asks for a revealed poll's map a thousand times.
_MAP_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_MAP_CACHE_SIZE = 64
_MAP_CACHE_LOCK = threading.Lock()


def opinion_map(poll: Poll, votes: list[tuple[str, str, int]]) -> dict[str, Any]:
    """Opinion groups from the analysis engine, anonymised: points carry a group, not a
    person. Falls back to no map if the engine fails. Computed once per
    distinct set of votes (and statement texts) in each process."""
    if not votes:
        return {"available": False, "points": [], "groups": [], "consensus": [], "divisive": []}
    texts = sorted((s.id, s.text) for s in poll.statements)
    key = hashlib.sha256(repr((poll.id, sorted(votes), texts)).encode()).hexdigest()
    with _MAP_CACHE_LOCK:
        if key in _MAP_CACHE:
            _MAP_CACHE.move_to_end(key)
            return copy.deepcopy(_MAP_CACHE[key])
    result = _compute_opinion_map(poll, votes)
    if result["available"]:
        with _MAP_CACHE_LOCK:
            _MAP_CACHE[key] = copy.deepcopy(result)
            while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
                _MAP_CACHE.popitem(last=False)
    return result


def _compute_opinion_map(poll: Poll, votes: list[tuple[str, str, int]]) -> dict[str, Any]:
    try:
        groups = opinion_groups(votes, random_state=0).as_dict()
    except Exception as error:  # a failing engine must not stop the poll
        return {"available": False, "reason": str(error)[:200], "points": [], "groups": []}
    texts = {str(s.id): s.text for s in poll.statements}
    assignments = groups.get("assignments", {})
    points = [
        {"x": round(x, 4), "y": round(y, 4), "group": assignments.get(person)}
        for person, (x, y) in sorted(groups.get("coordinates", {}).items())
    ]
    random.Random(poll.id).shuffle(points)  # order must not identify anyone

    def scored(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "statement_id": item["statement"],
                "text": texts.get(item["statement"], ""),
                "agree": round(item["agree"], 3),
                "disagree": round(item["disagree"], 3),
            }
            for item in items
        ]

    return {
        "available": True,
        "points": points,
        "groups": [
            {
                "id": group["id"],
                "size": len(group["participants"]),
                "representative": scored(group["representative"]),
            }
            for group in groups.get("groups", [])
        ],
        "consensus": scored(groups.get("consensus", [])),
        "divisive": scored(groups.get("divisive", [])),
    }


# --------------------------------------------------------------------------- recommendations
