"""`python -m analysis.job`: one analysis run in a process of its own, reporting as it goes.

Part of the pure `analysis` library. For callers that must not do the sums themselves:
themes for thousands of answers take seconds to minutes of CPU, and a web server (one
gevent process) that computed them would answer nothing else meanwhile. The caller reads
the answers, starts this module, writes one JSON request to its standard input and
closes it:

    {"parameters": {"n_themes": "auto", "random_state": 0, "coding_threshold": 0.5},
     "tasks": [{"label": "Question 1 of 2",
                "items": [[101, "The car park is too small"], [102, "n/a"], ...],
                "frame": {"texts": ["Parking fills up", ...], "labels": [7, ...]}}],
     "niceness": 10}

One task per question (a jury's ideas are one task with the label ""). `items` are the
answers to code or cluster, as [id, text]; `frame` is null, or the answers of the
approved themes a coding frame learns from (`labels`: their theme ids), when the previous
run had approved themes. It reads JSON lines from the standard output:

    {"progress": 0.42, "stage": "Question 1 of 2: Clustering the answers"}
    {"result": {"tasks": [{"coded": [[101, 7, 0.91]], "needs_review": [102],
                           "themes": {... ThemeResult.as_dict() ...} or null}]}}
    {"error": {"kind": "input", "message": "...", "traceback": "..."}}

`analyse(request, progress)` is the whole computation, and the web app calls the same
function in its own process where that blocks no one (tests, an RQ worker), so both ways
give the same result for the same request.

Progress lines come at most every `PROGRESS_INTERVAL` seconds (sooner when the stage
changes) and at least every `HEARTBEAT_INTERVAL` seconds (`analysis.childjob`), so a
silent child is a dead or stuck one. The last line is a result or an error; the exit
status is 0 with a result, 1 for a request the job refuses ("input"), 2 when the
computation fails ("internal"). If the reader goes away (a broken pipe: the caller died)
the process ends at once instead of computing for no one."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Literal

from analysis.childjob import Reporter, serve

EXIT_INPUT, EXIT_INTERNAL = 1, 2

Progress = Callable[[float, str], None]


class RequestError(ValueError):
    """The request cannot be used: the message says what is wrong with it."""


@dataclass(frozen=True)
class Parameters:
    """A run's parameters: `n_themes` ("auto" or a number), seed, coding-frame threshold,
    and the backend (`"light"`, or `"embeddings"` where requirements-embeddings.txt is
    installed; `themes()` falls back to light and says so otherwise)."""

    n_themes: int | str
    random_state: int
    coding_threshold: float
    backend: Literal["light", "embeddings"] = "light"

    @classmethod
    def read(cls, raw: Any) -> Parameters:
        """Checked parameters from a request's `parameters`; raises RequestError."""
        raw = raw or {}
        if not isinstance(raw, dict):
            raise RequestError("parameters must be an object")
        n_themes = raw.get("n_themes", "auto")
        if n_themes != "auto":
            if isinstance(n_themes, bool) or not isinstance(n_themes, int | str):
                raise RequestError(f'n_themes must be "auto" or a whole number, not {n_themes!r}')
            try:
                n_themes = int(n_themes)
            except ValueError:
                raise RequestError(
                    f'n_themes must be "auto" or a whole number, not {n_themes!r}'
                ) from None
            if n_themes < 1:
                raise RequestError(f"n_themes must be at least 1, not {n_themes}")
        try:
            random_state = int(raw.get("random_state", 0))
            threshold = float(raw.get("coding_threshold", 0.5))
        except (TypeError, ValueError) as error:
            raise RequestError(
                f"random_state or coding_threshold is not a number: {error}"
            ) from None
        if not 0.0 <= threshold <= 1.0:
            raise RequestError(f"coding_threshold must be between 0 and 1, not {threshold}")
        raw_backend = raw.get("backend", "light")
        if raw_backend not in ("light", "embeddings"):
            raise RequestError(f'backend must be "light" or "embeddings", not {raw_backend!r}')
        backend: Literal["light", "embeddings"] = (
            "embeddings" if raw_backend == "embeddings" else "light"
        )
        return cls(n_themes, random_state, threshold, backend)


def _scaled(progress: Progress, start: float, end: float, prefix: str) -> Progress:
    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * fraction, f"{prefix}: {message}" if prefix else message)

    return report


def _items(task: Any) -> list[tuple[Any, str]]:
    if not isinstance(task, dict) or not isinstance(task.get("items"), list):
        raise RequestError("each task must be an object with a list of items")
    items = []
    for item in task["items"]:
        if not isinstance(item, list | tuple) or len(item) != 2 or not isinstance(item[1], str):
            raise RequestError(f"an item must be [id, text], not {item!r}")
        items.append((item[0], item[1]))
    return items


def _frame(task: dict[str, Any]) -> tuple[list[str], list[Any]] | None:
    frame = task.get("frame")
    if frame is None:
        return None
    if not isinstance(frame, dict):
        raise RequestError("a frame must be an object with texts and labels")
    texts, labels = frame.get("texts"), frame.get("labels")
    if not isinstance(texts, list) or not isinstance(labels, list) or len(texts) != len(labels):
        raise RequestError("a frame must have as many texts as labels")
    return [str(text) for text in texts], list(labels)


def _by_language(
    items: list[tuple[Any, str]], frame: tuple[list[str], list[Any]]
) -> list[tuple[list[tuple[Any, str]], tuple[list[str], list[Any]]]]:
    """The items and the frame's examples split by language, so an answer in Welsh is
    only ever coded into a theme whose approved answers are mostly in Welsh, and an
    answer in English (or unknown) only into the others (see `analysis.bilingual`)."""
    from analysis.language import WELSH, detect_all

    texts, labels = frame
    welsh_votes: dict[Any, list[bool]] = {}
    for label, language in zip(labels, detect_all(texts), strict=True):
        welsh_votes.setdefault(label, []).append(language == WELSH)
    welsh_labels = {label for label, votes in welsh_votes.items() if 2 * sum(votes) > len(votes)}
    item_welsh = [language == WELSH for language in detect_all([text for _, text in items])]
    groups = []
    for welsh in (False, True):
        chosen = [i for i, label in enumerate(labels) if (label in welsh_labels) == welsh]
        groups.append(
            (
                [item for item, flag in zip(items, item_welsh, strict=True) if flag == welsh],
                ([texts[i] for i in chosen], [labels[i] for i in chosen]),
            )
        )
    return groups


def analyse_task(
    items: list[tuple[Any, str]],
    frame: tuple[list[str], list[Any]] | None,
    parameters: Parameters,
    progress: Progress,
) -> dict[str, Any]:
    """One question's answers: code them into the approved themes where the coding frame
    is confident (when there is a frame), cluster the rest into new themes. Returns
    {"coded": [[id, theme, confidence]], "needs_review": [id], "themes": dict | None}:
    Answers are coded only into themes of their own language (`_by_language`).
    `needs_review` are answers the frame was unsure of (clustered with the rest),
    `themes` the `ThemeResult.as_dict()` of the rest (None when nothing is left)."""
    coded_items: list[list[Any]] = []
    needs_review: list[Any] = []
    placed: set[Any] = set()
    if frame is not None:
        progress(0.0, "Coding answers into the approved themes")
        for group, (train_texts, train_labels) in _by_language(items, frame):
            if not (train_texts and group):
                continue
            from analysis.coding import CodingFrame

            coding = CodingFrame(threshold=parameters.coding_threshold)
            try:
                coding.fit(train_texts, train_labels)
                coded = coding.code([text for _, text in group])
            except ValueError:
                coded = []
            for (item_id, _), code in zip(group, coded, strict=False):
                if code.theme is None:
                    continue  # nothing to code: the theme engine puts it with "no comment"
                if code.needs_review:
                    needs_review.append(item_id)
                    continue
                coded_items.append([item_id, code.theme, code.confidence])
                placed.add(item_id)
        progress(0.2, "Clustering the answers left over")
        progress = _scaled(progress, 0.2, 1.0, "")
    rest = [(item_id, text) for item_id, text in items if item_id not in placed]
    found = None
    if rest:
        from analysis.themes import themes

        n_themes = parameters.n_themes
        if n_themes != "auto" and len(rest) < 2 * int(n_themes):
            n_themes = "auto"
        found = themes(
            [text for _, text in rest],
            [str(item_id) for item_id, _ in rest],
            n_themes=n_themes,  # type: ignore[arg-type]
            random_state=parameters.random_state,
            progress=progress,
            backend=parameters.backend,
        ).as_dict()
    return {"coded": coded_items, "needs_review": needs_review, "themes": found}


def analyse(request: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Do every task of a request (see the module docstring), reporting progress 0..1 over
    the whole run with each task's label before its messages. Returns {"tasks": [...]}, one
    `analyse_task` result per task, in order. Raises RequestError for a request it cannot
    use; anything else the engine raises goes through."""
    if not isinstance(request, dict) or not isinstance(request.get("tasks"), list):
        raise RequestError("the request must be an object with a list of tasks")
    parameters = Parameters.read(request.get("parameters"))
    tasks = [
        (_items(task), _frame(task), str(task.get("label") or "")) for task in request["tasks"]
    ]
    report = progress or (lambda fraction, message: None)
    results = []
    count = max(1, len(tasks))
    for index, (items, frame, label) in enumerate(tasks):
        step = _scaled(report, index / count, (index + 1) / count, label)
        results.append(analyse_task(items, frame, parameters, step))
    return {"tasks": results}


def run(request: dict[str, Any], reporter: Reporter) -> int:
    """Do one request, writing the result or error line; returns the exit status."""
    try:
        result = analyse(request, reporter.progress)
    except RequestError as error:
        reporter.write({"error": {"kind": "input", "message": str(error)}})
        return EXIT_INPUT
    except Exception as error:
        reporter.write(
            {
                "error": {
                    "kind": "internal",
                    "message": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(limit=8),
                }
            }
        )
        return EXIT_INTERNAL
    reporter.write({"result": result})
    return 0


def main(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read the request, compute, report. See the module docstring for the protocol."""
    return serve(run, stdin, stdout)


if __name__ == "__main__":
    sys.exit(main())
