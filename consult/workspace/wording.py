"""Officer-facing words for an analysis run: its settings as an officer would say them
(the technical names stay available, behind "How this was worked out"), counts with the
right plural, and the method paragraph of the DOCX report."""

from __future__ import annotations

from typing import Any

from consult.models import AnalysisRun
from consult.wording import plural

BACKENDS = {
    "light": "Word patterns (the standard analysis)",
    "embeddings": "Sentence meaning (sentence embeddings: slower)",
}

#: Technical names of a run's parameters, for the "How this was worked out" details.
TECHNICAL = {
    "n_themes": "n_themes (top-level themes; auto = elbow of the k-means inertia curve)",
    "random_state": "random_state (seed of the SVD, k-means and EM steps)",
    "coding_threshold": "coding_threshold (coding-frame confidence below which an answer is "
    "clustered again)",
    "backend": "backend (light = stemmed TF-IDF, LSA, k-means and a multinomial mixture; "
    "embeddings adds sentence embeddings)",
    "engine": "engine",
}


def backend_used(run: AnalysisRun) -> str:
    """What represented the answers: the summary says so once the run is done."""
    parameters = run.parameters or {}
    return (run.summary or {}).get("backend") or parameters.get("backend", "light")


def fell_back(run: AnalysisRun) -> bool:
    """The officer asked for sentence embeddings but they were not installed."""
    parameters = run.parameters or {}
    return (
        run.status == "done"
        and parameters.get("backend") == "embeddings"
        and backend_used(run) == "light"
    )


def _fixed(value: Any) -> int | None:
    """The number of themes an officer fixed, or None for automatic (or unreadable: a run
    refused for its parameters keeps what was asked)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def number_of_themes(value: Any) -> str:
    fixed = _fixed(value)
    return "Chosen automatically" if fixed is None else f"{fixed}, chosen by an officer"


def run_settings(run: AnalysisRun) -> list[tuple[str, str]]:
    """A run's settings in plain words, in the order an officer reads them."""
    parameters = run.parameters or {}
    threshold = float(parameters.get("coding_threshold", 0.5))
    rows = [
        ("Number of themes", number_of_themes(parameters.get("n_themes", "auto"))),
        (
            "Sub-themes",
            "Found inside each theme large enough (40 answers or more) whose answers "
            "fall into separate groups",
        ),
        ("How answers were compared", BACKENDS.get(backend_used(run), backend_used(run))),
        (
            "Approved themes",
            "Kept from the previous run; new answers join one when the match is at least "
            f"{round(threshold * 100)}% certain",
        ),
        (
            "Repeatable",
            "Running it again on the same answers with the same settings gives the same "
            f"themes (setting {parameters.get('random_state', 0)})",
        ),
    ]
    if fell_back(run):
        rows[2] = (
            rows[2][0],
            "Word patterns: sentence meaning was asked for but is not installed on this "
            "server, so the standard analysis was used",
        )
    return rows


def run_technical(run: AnalysisRun) -> list[tuple[str, str]]:
    """The raw parameters, named as the engine names them."""
    parameters = dict(run.parameters or {})
    rows = [(TECHNICAL.get(key, key), str(value)) for key, value in parameters.items()]
    rows.append(("backend used", backend_used(run)))
    return rows


def run_summary_line(run: AnalysisRun) -> str:
    """ "Themes chosen automatically, word patterns" for a runs table."""
    parameters = run.parameters or {}
    n_themes = _fixed(parameters.get("n_themes", "auto"))
    themes = (
        "Number of themes chosen automatically"
        if n_themes is None
        else f"{plural(n_themes, 'theme')} asked for"
    )
    method = "sentence meaning" if backend_used(run) == "embeddings" else "word patterns"
    return f"{themes}; compared by {method}"


def method_paragraph(run: AnalysisRun | None) -> str:
    """The DOCX report's account of how themes were found, in plain words."""
    if run is None:
        return "The free-text answers have not been analysed yet."
    parameters = run.parameters or {}
    n_themes = _fixed(parameters.get("n_themes", "auto"))
    how_many = (
        "The number of themes was chosen automatically, from how clearly the answers "
        "separate into groups"
        if n_themes is None
        else f"Officers asked for {plural(n_themes, 'theme')} per question"
    )
    compared = (
        "by the meaning of their sentences"
        if backend_used(run) == "embeddings"
        else "by the words and phrases they use"
    )
    return (
        "Consult's analysis read every free-text answer and grouped answers that say similar "
        f"things into themes, comparing answers {compared}. {how_many}; larger themes were "
        "divided into sub-themes where their answers fall into separate groups. Each theme "
        "has a title taken from the answers' own words, a one-sentence description and "
        "quotations. The same answers and settings always give the same themes. Officers "
        "then reviewed every theme: they renamed, merged and split themes, moved answers "
        "between them, and approved the result. Identical and near-identical answers and "
        "organised campaigns were detected and counted."
    )
