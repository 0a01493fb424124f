"""Officer-facing words for an analysis run: its settings as an officer would say them
(the technical names stay available, behind "How this was worked out"), counts with the
right plural, and the method paragraph of the DOCX report, in the officer's language
(the technical names stay as the engine names them)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext, ngettext

from consult.models import AnalysisRun

BACKENDS = {
    "light": lazy_gettext("Word patterns (the standard analysis)"),
    "embeddings": lazy_gettext("Sentence meaning (sentence embeddings: slower)"),
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
    if fixed is None:
        return gettext("Chosen automatically")
    return gettext("%(num)s, chosen by an officer", num=fixed)


def run_settings(run: AnalysisRun) -> list[tuple[str, str]]:
    """A run's settings in plain words, in the order an officer reads them."""
    parameters = run.parameters or {}
    threshold = float(parameters.get("coding_threshold", 0.5))
    rows = [
        (gettext("Number of themes"), number_of_themes(parameters.get("n_themes", "auto"))),
        (
            gettext("Sub-themes"),
            gettext(
                "Found inside each theme large enough (40 answers or more) whose answers "
                "fall into separate groups"
            ),
        ),
        (
            gettext("How answers were compared"),
            str(BACKENDS.get(backend_used(run), backend_used(run))),
        ),
        (
            gettext("Approved themes"),
            gettext(
                "Kept from the previous run; new answers join one when the match is at least "
                "%(share)s%% certain",
                share=round(threshold * 100),
            ),
        ),
        (
            gettext("Repeatable"),
            gettext(
                "Running it again on the same answers with the same settings gives the same "
                "themes (setting %(seed)s)",
                seed=parameters.get("random_state", 0),
            ),
        ),
    ]
    if fell_back(run):
        rows[2] = (
            rows[2][0],
            gettext(
                "Word patterns: sentence meaning was asked for but is not installed on this "
                "server, so the standard analysis was used"
            ),
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
        gettext("Number of themes chosen automatically")
        if n_themes is None
        else ngettext("%(num)s theme asked for", "%(num)s themes asked for", n_themes)
    )
    if backend_used(run) == "embeddings":
        return gettext("%(themes)s; compared by sentence meaning", themes=themes)
    return gettext("%(themes)s; compared by word patterns", themes=themes)


def method_paragraph(run: AnalysisRun | None) -> str:
    """The DOCX report's account of how themes were found, in plain words."""
    if run is None:
        return gettext("The free-text answers have not been analysed yet.")
    parameters = run.parameters or {}
    n_themes = _fixed(parameters.get("n_themes", "auto"))
    how_many = (
        gettext(
            "The number of themes was chosen automatically, from how clearly the answers "
            "separate into groups"
        )
        if n_themes is None
        else ngettext(
            "Officers asked for %(num)s theme per question",
            "Officers asked for %(num)s themes per question",
            n_themes,
        )
    )
    compared = (
        gettext("by the meaning of their sentences")
        if backend_used(run) == "embeddings"
        else gettext("by the words and phrases they use")
    )
    return gettext(
        "Consult's analysis read every free-text answer and grouped answers that say similar "
        "things into themes, comparing answers %(compared)s. %(how_many)s; larger themes were "
        "divided into sub-themes where their answers fall into separate groups. Each theme "
        "has a title taken from the answers' own words, a one-sentence description and "
        "quotations. The same answers and settings always give the same themes. Officers "
        "then reviewed every theme: they renamed, merged and split themes, moved answers "
        "between them, and approved the result. Identical and near-identical answers and "
        "organised campaigns were detected and counted.",
        compared=compared,
        how_many=how_many,
    )
