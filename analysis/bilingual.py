"""Answers in Welsh and in English themed apart, never mixed (the bilingual step of
`analysis.themes.themes`).

`themes()` detects each answer's language (`analysis.language`). When some are Welsh,
the Welsh answers and the others (English, and "unknown": too short or written in both
languages) go through the theme pipeline separately: the Welsh ones with Welsh stop words,
no stemmer and no sentiment (`Stemmer(language="cy")`). With at least
`MIN_WELSH_ANSWERS` substantive Welsh answers (or no others) they get themes of their
own; with fewer they are one theme titled `WELSH_GROUP_TITLE`. Either way the Welsh
themes come after the English ones, carry `language="cy"`, and their ids continue after
the English tree's, so the result reads as one tree. An `n_themes` an officer fixed
applies to the larger group; the other chooses its own number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from analysis.language import WELSH, WELSH_GROUP_TITLE
from analysis.sentiment import sentiment_summary
from analysis.text import WELSH_STOP_WORDS, is_no_comment_tokens, tokenise
from analysis.themes import NO_COMMENT_THEME, Assignment, Theme, ThemeResult

__all__ = ["MIN_WELSH_ANSWERS", "WELSH_GROUP_TITLE", "themes_by_language"]

#: Fewer substantive Welsh answers than this are one group, not themes of their own.
MIN_WELSH_ANSWERS = 20

Progress = Callable[[float, str], None]


def _scaled(progress: Progress, start: float, end: float, prefix: str) -> Progress:
    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * fraction, f"{prefix}: {message}" if prefix else message)

    return report


def themes_by_language(
    texts: Sequence[str],
    ids: Sequence[str],
    languages: Sequence[str],
    *,
    n_themes: int | str,
    progress: Progress,
    run: Callable[..., ThemeResult],
) -> ThemeResult:
    """Theme the Welsh answers (`languages[i] == "cy"`) apart from the rest and join the
    two results. `run(texts, ids, n_themes=, progress=, language=, answer_languages=,
    **extra)` is the one-language pipeline (`analysis.themes._themes` with the caller's
    other options)."""
    n = len(texts)
    welsh = [i for i in range(n) if languages[i] == WELSH]
    others = [i for i in range(n) if languages[i] != WELSH]
    substantive = sum(
        not is_no_comment_tokens(tokenise(texts[i], WELSH), WELSH_STOP_WORDS) for i in welsh
    )
    grouped = bool(others) and substantive < MIN_WELSH_ANSWERS
    larger = others if len(others) >= len(welsh) else welsh
    parts: list[tuple[list[int], ThemeResult]] = []
    done = 0.0
    for language, rows in (("en", others), (WELSH, welsh)):
        if not rows:
            continue
        extra: dict[str, Any] = {}
        fixed = n_themes if rows is larger else "auto"
        if language == WELSH and grouped:
            fixed, extra = 1, {"subthemes": False}
        share = len(rows) / n
        prefix = "Answers in Welsh" if language == WELSH else ""
        result = run(
            [texts[i] for i in rows],
            [ids[i] for i in rows],
            n_themes=fixed,
            progress=_scaled(progress, done, done + share, prefix),
            language=language,
            answer_languages=[languages[i] for i in rows],
            **extra,
        )
        if language == WELSH and grouped and result.themes:
            first = replace(result.themes[0], title=WELSH_GROUP_TITLE)
            result = replace(result, themes=(first, *result.themes[1:]))
        parts.append((rows, result))
        done += share
    return _joined(n, parts)


def _shift_theme(theme: Theme, offset: int, total: int) -> Theme:
    return replace(
        theme,
        id=theme.id + offset,
        parent=None if theme.parent is None else theme.parent + offset,
        share=round(theme.size / max(1, total), 4),
        subthemes=tuple(_shift_theme(sub, offset, total) for sub in theme.subthemes),
    )


def _shift_assignment(assignment: Assignment, offset: int) -> Assignment:
    if assignment.theme == NO_COMMENT_THEME or not offset:
        return assignment
    return replace(
        assignment,
        theme=assignment.theme + offset,
        subtheme=None if assignment.subtheme is None else assignment.subtheme + offset,
        other_themes=tuple((theme + offset, share) for theme, share in assignment.other_themes),
    )


def _joined(n: int, parts: list[tuple[list[int], ThemeResult]]) -> ThemeResult:
    """One result from each language's: ids of the later trees continue after the earlier
    ones', shares are of all the answers, assignments are back in the input's order."""
    themes: list[Theme] = []
    assignments: list[Assignment] = [None] * n  # type: ignore[list-item]
    duplicates: list[Any] = []
    offset = chosen = 0
    for rows, result in parts:
        tree = [_shift_theme(theme, offset, n) for theme in result.themes]
        for row, assignment in zip(rows, result.assignments, strict=True):
            assignments[row] = _shift_assignment(assignment, offset)
        themes.extend(tree)
        duplicates.extend(result.duplicates)
        chosen += result.n_themes_chosen
        offset = max([offset, *(t.id for t in tree), *(s.id for t in tree for s in t.subthemes)])
    scores = [
        a.sentiment for a in assignments if a.theme != NO_COMMENT_THEME and a.language != WELSH
    ]
    backends = {result.backend for _, result in parts}
    return ThemeResult(
        themes=tuple(themes),
        assignments=tuple(assignments),
        duplicates=tuple(duplicates),
        no_comment_ids=tuple(a.id for a in assignments if a.theme == NO_COMMENT_THEME),
        n_themes_chosen=chosen,
        sentiment=sentiment_summary(scores) if scores else {},
        backend="embeddings" if backends == {"embeddings"} else "light",
    )
