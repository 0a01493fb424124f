"""Who answered against who lives here, and results weighted to the area beside the raw
ones: rows from the database turned into plain lists for `analysis.representation` and
`analysis.weights`, and their results into plain dicts for pages and exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from analysis.representation import DimensionReport, compare_dimension
from analysis.weights import Margins, MarginsError, RakingResult, rake, share_estimate
from consult.consultations.kinds import option_labels
from consult.errors import Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    Answer,
    Consultation,
    ConsultationWeighting,
    DuplicateGroupRecord,
    Jury,
    PopulationMargins,
    RespondentProfile,
    Response,
    Theme,
    ThemeAssignment,
    audit,
)
from consult.representation.margins import (
    DIMENSIONS,
    PROFILE_FIELD,
    all_margins,
    council_margins,
    group_name,
)
from consult.workspace.analysis_store import latest_finished_run

CLOSED_KINDS = ("single_choice", "multiple_choice", "likert")
#: Jury category names that mean an about-you dimension.
JURY_ALIASES = {
    "age": "age_band",
    "age_band": "age_band",
    "gender": "gender",
    "sex": "gender",
    "ethnicity": "ethnicity",
    "ethnic_group": "ethnicity",
    "disability": "disability",
    "area": "area",
    "postcode_district": "area",
}


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(100 * share)}%"


def flag_sentence(dimension: str, row: Mapping[str, Any], people: str = "respondents") -> str:
    """'people aged 16 to 24 are 14% of residents and 3% of respondents'."""
    group = group_name(dimension, row["category"])
    return (
        f"{group[0].upper()}{group[1:]} are {percent(row['population_share'])} of residents "
        f"and {percent(row['respondent_share'])} of {people}."
    )


def _dimension_dict(report: DimensionReport, people: str) -> dict[str, Any]:
    dimension = DIMENSIONS[report.dimension]
    rows = []
    for row in report.rows:
        item = row.as_dict()
        item["label"] = dimension.category_label(row.category)
        item["sentence"] = flag_sentence(report.dimension, item, people) if row.flag else ""
        rows.append(item)
    return {
        **report.as_dict(),
        "label": dimension.label,
        "rows": rows,
        "compared": report.compared,
        "flags": [row["sentence"] for row in rows if row["sentence"]],
    }


def margins_for(consultation: Consultation) -> PopulationMargins | None:
    """The margins a consultation is compared with: its chosen area's, else the council's."""
    setting = weighting_of(consultation)
    if setting is not None and setting.margins is not None:
        return setting.margins
    return council_margins()


def weighting_of(consultation: Consultation) -> ConsultationWeighting | None:
    return db.session.scalar(
        select(ConsultationWeighting).where(
            ConsultationWeighting.consultation_id == consultation.id
        )
    )


@dataclass
class Respondents:
    """Submitted responses in id order, with each one's category per dimension."""

    ids: list[int] = field(default_factory=list)
    columns: dict[str, list[str | None]] = field(default_factory=dict)


def respondents(consultation: Consultation) -> Respondents:
    rows = db.session.execute(
        select(Response.id, RespondentProfile)
        .outerjoin(RespondentProfile, RespondentProfile.response_id == Response.id)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
        .order_by(Response.id)
    ).all()
    result = Respondents(ids=[row[0] for row in rows])
    for name, profile_field in PROFILE_FIELD.items():
        result.columns[name] = [
            getattr(row[1], profile_field) if row[1] is not None else None for row in rows
        ]
    return result


def compare(
    columns: Mapping[str, Sequence[str | None]],
    margins: PopulationMargins,
    *,
    people: str = "respondents",
) -> list[dict[str, Any]]:
    """One comparison per dimension that both the margins and `columns` have."""
    return [
        _dimension_dict(compare_dimension(name, columns[name], margins.shares[name]), people)
        for name in DIMENSIONS
        if name in margins.shares and name in columns
    ]


def consultation_representation(consultation: Consultation) -> dict[str, Any]:
    """Who answered against who lives here, for the dashboard, exports and public summary.
    ``{"margins": None}`` when the council has entered no population figures yet."""
    margins = margins_for(consultation)
    if margins is None:
        return {"margins": None, "dimensions": [], "total": 0}
    people = respondents(consultation)
    return {
        "margins": {"name": margins.name, "source": margins.source, "year": margins.year},
        "dimensions": compare(people.columns, margins),
        "total": len(people.ids),
    }


# --------------------------------------------------------------------------- juries


def jury_representation(jury: Jury) -> dict[str, Any]:
    """The jury's pool and its selected panel against the council's margins, on each jury
    category that is an about-you dimension whose groups include every group the population
    figures give a share (extra jury groups count as "another answer"); the others are
    named in `not_compared` with the reason."""
    margins = council_margins()
    if margins is None:
        return {"margins": None, "groups": [], "not_compared": []}
    usable: dict[str, str] = {}
    not_compared = []
    for category in jury.categories:
        dimension = JURY_ALIASES.get(category.name)
        values = {value.value for value in category.values}
        if dimension is None or dimension not in margins.shares:
            not_compared.append(
                {"label": category.label, "reason": "the population figures have no such dimension"}
            )
        elif not {c for c, share in margins.shares[dimension].items() if share > 0} <= values:
            not_compared.append(
                {
                    "label": category.label,
                    "reason": "the jury's groups are not the population figures' groups",
                }
            )
        else:
            usable[category.name] = dimension
    pool = [r.features or {} for r in jury.registrants if r.status != "withdrawn"]
    panel = [m.features or {} for m in jury.members if m.status not in ("declined", "dropped")]
    groups = []
    for title, people, word in (("Pool", pool, "the pool"), ("Panel", panel, "the panel")):
        columns = {
            dimension: [features.get(name) for features in people]
            for name, dimension in usable.items()
        }
        groups.append(
            {
                "title": title,
                "count": len(people),
                "dimensions": compare(columns, margins, people=word),
            }
        )
    return {
        "margins": {"name": margins.name, "source": margins.source, "year": margins.year},
        "groups": groups,
        "not_compared": not_compared,
    }


# --------------------------------------------------------------------------- weighting


def save_weighting(
    consultation: Consultation,
    *,
    margins_id: int | None,
    dimensions: Sequence[str],
    trim: tuple[str, str],
    actor: Any,
) -> ConsultationWeighting:
    """Record which area's figures a consultation uses and the dimensions to weight on.
    Officers only; raises Invalid (nothing changed) for an unknown area or dimension, or a
    trim range that does not contain 1. Flushes."""
    if not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can choose how results are weighted."))
    fields: dict[str, str] = {}
    margins = None
    if margins_id is not None:
        margins = db.session.get(PopulationMargins, margins_id)
        if margins is None:
            fields["margins"] = gettext("Choose one of the areas listed")
    chosen = margins or council_margins()
    available = set(chosen.shares) if chosen else set()
    unknown = [d for d in dimensions if d not in available]
    if unknown:
        fields["dimensions"] = gettext(
            "The population figures have no %(dimensions)s",
            dimensions=", ".join(DIMENSIONS[d].label if d in DIMENSIONS else d for d in unknown),
        )
    try:
        low, high = float(trim[0]), float(trim[1])
        if not (0 < low <= 1 <= high <= 100):
            raise ValueError
    except ValueError:
        fields["trim"] = gettext(
            "Give the weights' limits as numbers with the lower at most 1 and the "
            "upper at least 1, like 0.2 and 5"
        )
        low, high = 0.2, 5.0
    if fields:
        raise Invalid(gettext("Nothing was changed: check the weighting."), fields=fields)
    setting = weighting_of(consultation)
    if setting is None:
        setting = ConsultationWeighting(consultation_id=consultation.id)
        db.session.add(setting)
    setting.margins_id = margins.id if margins else None
    setting.dimensions = [d for d in DIMENSIONS if d in dimensions]
    setting.trim_low, setting.trim_high = low, high
    audit("weighting.saved", actor=actor, subject=consultation, dimensions=setting.dimensions)
    return setting


def _estimate(selected: list[bool], weights: list[float] | None) -> dict[str, float]:
    return share_estimate(selected, weights).as_dict()


def _latest_run(consultation: Consultation) -> Any:
    return latest_finished_run(consultation_id=consultation.id)


def campaign_copies(consultation: Consultation) -> set[int]:
    """Responses that repeat an organised campaign another response already stands for:
    every response of a campaign group found by the latest analysis run but the first.
    Weighted and raw results leave them out, so that a campaign counts once."""
    run = _latest_run(consultation)
    if run is None:
        return set()
    copies: set[int] = set()
    for group in db.session.scalars(
        select(DuplicateGroupRecord).where(
            DuplicateGroupRecord.run_id == run.id, DuplicateGroupRecord.kind == "campaign"
        )
    ):
        responses = sorted(
            set(
                db.session.scalars(
                    select(Answer.response_id).where(Answer.id.in_(group.answer_ids or [0]))
                )
            )
        )
        copies.update(responses[1:])
    return copies


def weighted_results(consultation: Consultation) -> dict[str, Any]:
    """Every closed question's options and every theme's share, unweighted and weighted,
    each with a 95% interval, and how the weights were made. ``weighting`` is None when no
    dimensions are chosen or no figures exist (then only the raw shares are given)."""
    setting = weighting_of(consultation)
    margins = margins_for(consultation)
    everyone = respondents(consultation)
    copies = campaign_copies(consultation)
    keep = [i for i, response_id in enumerate(everyone.ids) if response_id not in copies]
    people = Respondents(
        ids=[everyone.ids[i] for i in keep],
        columns={name: [column[i] for i in keep] for name, column in everyone.columns.items()},
    )
    position = {response_id: index for index, response_id in enumerate(people.ids)}
    result: RakingResult | None = None
    error = ""
    chosen = [d for d in (setting.dimensions if setting else []) if margins and d in margins.shares]
    dropped = [
        DIMENSIONS[d].label for d in (setting.dimensions if setting else []) if d not in chosen
    ]
    if setting is not None and chosen and margins is not None and people.ids:
        try:
            result = rake(
                {d: people.columns[d] for d in chosen},
                Margins.from_mapping({d: margins.shares[d] for d in chosen}),
                trim=(setting.trim_low, setting.trim_high),
            )
        except MarginsError as problem:
            error = str(problem)
    weights = list(result.weights) if result and result.dimensions else None

    def estimates(members: Sequence[int], chosen: set[int]) -> dict[str, Any]:
        selected = [m in chosen for m in members]
        row = {"raw": _estimate(selected, None), "weighted": None, "count": len(chosen)}
        if weights is not None:
            row["weighted"] = _estimate(selected, [weights[position[m]] for m in members])
        return row

    answers = db.session.execute(
        select(Answer.question_id, Answer.response_id, Answer.value, Answer.id)
        .join(Response, Answer.response_id == Response.id)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
    ).all()
    by_question: dict[int, dict[int, Any]] = {}
    answer_response: dict[int, int] = {}
    for question_id, response_id, value, answer_id in answers:
        by_question.setdefault(question_id, {})[response_id] = value
        answer_response[answer_id] = response_id
    questions = []
    for question in consultation.questions:
        if question.kind not in CLOSED_KINDS:
            continue
        given = by_question.get(question.id, {})
        members = sorted(r for r in given if r in position)
        options = []
        for value, label in option_labels(question).items():
            picked = {
                r
                for r in members
                if value
                in [str(v) for v in (given[r] if isinstance(given[r], list) else [given[r]])]
            }
            options.append({"label": label, **estimates(members, picked)})
        questions.append(
            {
                "number": question.position + 1,
                "prompt": question.prompt,
                "answered": len(members),
                "options": options,
            }
        )
    themes = _theme_rows(consultation, position, answer_response, estimates)
    return {
        "weighting": None
        if result is None
        else {
            "dimensions": [DIMENSIONS[d].label for d in result.dimensions],
            "skipped": {DIMENSIONS[d].label: why for d, why in result.skipped.items()},
            "iterations": result.iterations,
            "converged": result.converged,
            "design_effect": result.design_effect,
            "effective_n": result.effective_n,
            "weight_min": result.weight_range[0],
            "weight_max": result.weight_range[1],
            "trim": result.trim,
            "margins": margins.name if margins else "",
        },
        "error": error,
        "dropped": dropped,
        "respondents": len(people.ids),
        "campaign_copies": len(everyone.ids) - len(people.ids),
        "questions": questions,
        "themes": themes,
    }


def _theme_rows(
    consultation: Consultation,
    position: Mapping[int, int],
    answer_response: Mapping[int, int],
    estimates: Any,
) -> list[dict[str, Any]]:
    run = _latest_run(consultation)
    if run is None:
        return []
    themes = db.session.scalars(
        select(Theme)
        .where(
            Theme.run_id == run.id,
            Theme.merged_into_id.is_(None),
            Theme.parent_id.is_(None),  # top-level themes; sub-themes are rows too
        )
        .order_by(Theme.question_id, Theme.position, Theme.id)
    ).all()
    assigned: dict[int, set[int]] = {}
    for theme_id, answer_id in db.session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.answer_id).where(
            ThemeAssignment.theme_id.in_([t.id for t in themes] or [0]),
            ThemeAssignment.answer_id.is_not(None),
        )
    ):
        response_id = answer_response.get(answer_id or 0)
        if response_id is not None and response_id in position:
            assigned.setdefault(theme_id, set()).add(response_id)
    prompts = {q.id: (q.position + 1, q.prompt) for q in consultation.questions}
    answered_by_question: dict[int | None, set[int]] = {}
    for theme in themes:
        answered_by_question.setdefault(theme.question_id, set()).update(
            assigned.get(theme.id, set())
        )
    rows = []
    for theme in themes:
        if theme.no_substantive_comment:
            continue
        members = sorted(answered_by_question.get(theme.question_id, set()))
        number, prompt = prompts.get(theme.question_id or 0, (0, ""))
        rows.append(
            {
                "question": f"Q{number}. {prompt}" if number else "",
                "label": theme.label,
                **estimates(members, assigned.get(theme.id, set())),
            }
        )
    return rows


def area_choices() -> list[PopulationMargins]:
    return all_margins()
