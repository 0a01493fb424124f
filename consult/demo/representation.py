"""The demo council's representativeness: its population figures, the weighting the
Millbrook Park consultation uses, and the finished climate jury's before/after
questionnaire (from data/representation.yaml). Added once; flushes, never commits."""

from __future__ import annotations

from sqlalchemy import select

from consult.demo.prose import plain, read_data
from consult.extensions import db
from consult.models import (
    Consultation,
    ConsultationWeighting,
    Jury,
    JuryQuestion,
    JuryQuestionAnswer,
    PanelMember,
    PopulationMargins,
)
from consult.representation.margins import check_shares

PARK_SLUG = "millbrook-park-masterplan"
CLIMATE_SLUG = "climate-jury"


def ensure() -> list[str]:
    """Add what is missing; return lines for the loader's report."""
    data = plain(read_data("representation"))
    report = []
    margins = db.session.scalar(select(PopulationMargins).where(PopulationMargins.area == ""))
    if margins is None:
        spec = data["population"]
        margins = PopulationMargins(
            area="",
            source=spec["source"],
            year=spec["year"],
            shares=check_shares(spec["shares"]),
        )
        db.session.add(margins)
        db.session.flush()
    report.append(f"Population figures: {', '.join(margins.shares)} ({margins.year})")
    park = db.session.scalar(select(Consultation).where(Consultation.slug == PARK_SLUG))
    if (
        park is not None
        and db.session.scalar(
            select(ConsultationWeighting).where(ConsultationWeighting.consultation_id == park.id)
        )
        is None
    ):
        weighting = data["park_weighting"]
        db.session.add(
            ConsultationWeighting(
                consultation_id=park.id,
                dimensions=list(weighting["dimensions"]),
                trim_low=weighting["trim"][0],
                trim_high=weighting["trim"][1],
            )
        )
    jury = db.session.scalar(select(Jury).where(Jury.slug == CLIMATE_SLUG))
    if (
        jury is not None
        and db.session.scalar(
            select(JuryQuestion.id).where(JuryQuestion.jury_id == jury.id).limit(1)
        )
        is None
    ):
        members = list(
            db.session.scalars(
                select(PanelMember).where(PanelMember.jury_id == jury.id).order_by(PanelMember.id)
            )
        )
        for position, spec in enumerate(data["climate_questionnaire"]):
            question = JuryQuestion(
                jury_id=jury.id,
                position=position,
                kind=spec["kind"],
                prompt=spec["prompt"],
                options=[{"value": o, "label": o} for o in spec.get("options", [])],
            )
            db.session.add(question)
            db.session.flush()
            for stage in ("before", "after"):
                for member, value in zip(members, spec[stage], strict=False):
                    db.session.add(
                        JuryQuestionAnswer(
                            question_id=question.id, member_id=member.id, stage=stage, value=value
                        )
                    )
        report.append(
            f"Jury '{jury.title}': before/after questionnaire of "
            f"{len(data['climate_questionnaire'])} questions"
        )
    db.session.flush()
    return report
