"""The figures behind the charts (and their accessible tables): responses over time, themes
by size, by respondent group and by sentiment, the respondent profile against a reference
population, closed-question counts, and the opinion map of a jury's agree/disagree polls."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from consult.consultations.about_you import ABOUT_YOU_CHOICES
from consult.consultations.forms import LONDON
from consult.consultations.kinds import question_kind
from consult.errors import Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    Answer,
    Ballot,
    Consultation,
    Jury,
    JurySession,
    Poll,
    ReferenceShare,
    RespondentProfile,
    Response,
    ThemeAssignment,
    audit,
)
from consult.wording import N_
from consult.workspace import queries

# Labels kept in English here, shown through gettext (the dashboard, the exports).
PROFILE_FIELDS = {
    "age_band": N_("Age"),
    "gender": N_("Gender"),
    "ethnicity": N_("Ethnic group"),
    "disability": N_("Disability"),
    "postcode_district": N_("Postcode district"),
}
NOT_SAID = N_("Not said")
ORDERED_FIELDS = {"age_band"}  # shown in their own order; the others largest first


def local_date(moment: datetime) -> date:
    """The council's calendar day of an aware UTC moment."""
    return moment.astimezone(LONDON).date()


def by_size(items: list[Any], size: Any) -> list[Any]:
    """`items` largest first (`size(item)`); equal sizes keep their order."""
    return sorted(items, key=lambda item: -size(item))


def responses_over_time(consultation: Consultation) -> list[dict[str, Any]]:
    """Submitted responses per day (the council's local date), every day from the first to
    the last, those with none as 0: a chart of it has a real time axis, with the gaps."""
    days: Counter[date] = Counter()
    for moment in db.session.scalars(
        select(Response.submitted_at).where(
            Response.consultation_id == consultation.id, Response.status == "submitted"
        )
    ):
        if moment is not None:
            days[local_date(moment)] += 1
    if not days:
        return []
    first, last = min(days), max(days)
    every = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [{"date": day.isoformat(), "count": days[day]} for day in every]


def theme_figures(consultation: Consultation) -> list[dict[str, Any]]:
    """Per free-text question: themes (largest first) with size, share, sentiment,
    respondent groups, description and sub-themes."""
    run = queries.current_run(consultation_id=consultation.id)
    out = []
    if run is None:
        return out
    for question in consultation.questions:
        if not question_kind(question.kind).is_text:
            continue
        themes = by_size(queries.live_themes(run, question.id), lambda t: t.size)
        groups: dict[int, Counter[str]] = defaultdict(Counter)
        rows = db.session.execute(
            select(ThemeAssignment.theme_id, Response.respondent_type)
            .join(Answer, ThemeAssignment.answer_id == Answer.id)
            .join(Response, Answer.response_id == Response.id)
            .where(
                ThemeAssignment.theme_id.in_([t.id for t in themes] or [0]),
                ThemeAssignment.primary.is_(True),
                ThemeAssignment.not_relevant.is_(False),
            )
        ).all()
        for theme_id, respondent_type in rows:
            groups[theme_id][respondent_type] += 1
        children = queries.subthemes_of(themes)
        out.append(
            {
                "question_id": question.id,
                "question": question.prompt,
                "themes": [
                    {
                        "id": t.id,
                        "label": t.label,
                        "description": t.description or "",
                        "subthemes": [
                            {
                                "id": c.id,
                                "label": c.label,
                                "description": c.description or "",
                                "size": c.size,
                                "share": c.share,
                            }
                            for c in children[t.id]
                        ],
                        "size": t.size,
                        "share": t.share,
                        "approved": t.approved_at is not None,
                        "no_comment": t.no_substantive_comment,
                        "sentiment": {
                            k: round(float((t.sentiment or {}).get(k, 0.0)), 3)
                            for k in ("mean", "positive", "neutral", "negative")
                        },
                        "groups": {
                            "individual": groups[t.id].get("individual", 0),
                            "organisation": groups[t.id].get("organisation", 0),
                        },
                    }
                    for t in themes
                ],
            }
        )
    return out


def closed_questions(consultation: Consultation) -> list[dict[str, Any]]:
    """Counts for every question with options (choice, scale, ranking first choice, budget
    totals), largest first except on a scale."""
    out = []
    for question in consultation.questions:
        kind = question_kind(question.kind)
        if kind.is_text:
            continue
        values = db.session.scalars(
            select(Answer.value)
            .join(Response, Answer.response_id == Response.id)
            .where(
                Answer.question_id == question.id,
                Response.status == "submitted",
                Answer.moderation == "visible",
            )
        ).all()
        counts: Counter[str] = Counter()
        for value in values:
            if value is not None:
                kind.tally(counts, value)
        options = [(o["value"], o["label"]) for o in question.choices]
        known = {value for value, _ in options}
        options += [(value, value) for value in sorted(counts) if value not in known]
        out.append(
            {
                "question_id": question.id,
                "question": question.prompt,
                "kind": question.kind,
                "answers": len([v for v in values if v is not None]),
                "options": by_size(
                    [
                        {"value": value, "label": label, "count": round(counts.get(value, 0), 2)}
                        for value, label in options
                    ],
                    lambda o, scale=kind.chart_order == "as_asked": 0 if scale else o["count"],
                ),
            }
        )
    return out


def profile(consultation: Consultation) -> list[dict[str, Any]]:
    """Respondent profile per field, with the reference share where the officer gave one:
    age bands in their order, the other fields' values largest first."""
    profiles = db.session.scalars(
        select(RespondentProfile)
        .join(Response, RespondentProfile.response_id == Response.id)
        .where(Response.consultation_id == consultation.id, Response.status == "submitted")
    ).all()
    submitted = max(
        1,
        consultation.responses.filter(Response.status == "submitted").count(),
    )
    references: dict[str, dict[str, float]] = defaultdict(dict)
    for share in db.session.scalars(
        select(ReferenceShare).where(ReferenceShare.consultation_id == consultation.id)
    ):
        references[share.field][share.value] = share.share
    out = []
    for field, label in PROFILE_FIELDS.items():
        counts = Counter(getattr(p, field) or NOT_SAID for p in profiles)
        counts[NOT_SAID] += submitted - len(profiles)
        said = sum(n for value, n in counts.items() if value != NOT_SAID)
        if not said and not references.get(field):
            continue
        known = [value for value, _ in ABOUT_YOU_CHOICES.get(field, [])]
        values = sorted(
            (set(counts) | set(references.get(field, {}))) - {NOT_SAID},
            key=lambda v: (known.index(v) if v in known else len(known), v),
        )
        labels = dict(ABOUT_YOU_CHOICES.get(field, []))
        rows = [
            {
                "value": value,
                "label": labels.get(value, value),
                "count": counts.get(value, 0),
                "share": round(counts.get(value, 0) / said, 4) if said else 0.0,
                "reference": references.get(field, {}).get(value),
            }
            for value in values
        ]
        for row in rows:
            ref = row["reference"]
            row["gap"] = round(row["share"] - ref, 4) if ref is not None else None
        if field not in ORDERED_FIELDS:
            rows = by_size(rows, lambda row: row["count"])
        out.append(
            {
                "field": field,
                "label": gettext(label),
                "said": said,
                "not_said": counts[NOT_SAID],
                "values": rows,
            }
        )
    return out


def consultation_charts(consultation: Consultation) -> dict[str, Any]:
    return {
        "over_time": responses_over_time(consultation),
        "questions": theme_figures(consultation),
        "closed": closed_questions(consultation),
        "profile": profile(consultation),
    }


def save_reference_shares(consultation: Consultation, field: str, text: str, *, actor: Any) -> int:
    """Replace the reference shares of one profile field from lines "value: share" (a
    percentage like 23 or 23%, or a fraction like 0.23)."""
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted(gettext("Only officers can enter reference shares."))
    if field not in PROFILE_FIELDS:
        raise Invalid(
            gettext("Choose what the shares are of."), fields={"field": gettext("Choose a field")}
        )
    shares: dict[str, float] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, amount = line.rpartition(":")
        if not sep:
            value, sep, amount = line.rpartition(",")
        try:
            number_value = float(amount.strip().rstrip("%"))
        except ValueError:
            number_value = -1
        if not sep or not value.strip() or number_value < 0:
            raise Invalid(
                gettext("Line %(number)s is not “value: share”.", number=number),
                fields={
                    "shares": gettext(
                        "Write line %(number)s as value: share, like 25-44: 31%%", number=number
                    )
                },
            )
        share = number_value / 100 if number_value > 1 or "%" in amount else number_value
        shares[value.strip()[:40]] = round(share, 4)
    if sum(shares.values()) > 1.02:
        raise Invalid(
            gettext("The shares add up to more than 100%."),
            fields={"shares": gettext("Check the shares: they add up to more than 100%")},
        )
    for old in db.session.scalars(
        select(ReferenceShare).where(
            ReferenceShare.consultation_id == consultation.id, ReferenceShare.field == field
        )
    ):
        db.session.delete(old)
    db.session.flush()
    for value, share in shares.items():
        db.session.add(
            ReferenceShare(consultation_id=consultation.id, field=field, value=value, share=share)
        )
    audit("reference_shares.saved", actor=actor, subject=consultation, field=field)
    return len(shares)


VOTES = (1, 0, -1)  # agree, pass, disagree


def _stance(score: dict[str, Any]) -> str:
    return "agree" if score["agree"] >= score["disagree"] else "disagree"


def jury_opinion_maps(jury: Jury) -> list[dict[str, Any]]:
    """Opinion groups of each agree/disagree poll the jury voted in (Pol.is-style map).

    Per group: `size`, `points` (map coordinates, sorted so their order does not follow
    the jurors'), and the statements that set it apart, split by how the group voted:
    `agreed` (also given as `representative`, which the page words as "agreed most
    with") and `disagreed`. Every statement carries its `text` and `stance`. Votes
    outside {1, 0, -1} or on statements no longer in the poll are ignored."""
    from analysis.opinion import opinion_groups

    polls = db.session.scalars(
        select(Poll)
        .join(JurySession, Poll.session_id == JurySession.id)
        .where(JurySession.jury_id == jury.id, Poll.kind == "agree_disagree")
        .order_by(Poll.id)
    ).all()
    out = []
    for poll in polls:
        texts = {str(s.id): s.text for s in poll.statements}
        votes = []
        for ballot in db.session.scalars(select(Ballot).where(Ballot.poll_id == poll.id)):
            if not isinstance(ballot.value, dict):
                continue
            for statement, vote in ballot.value.items():
                if str(statement) in texts and vote in VOTES and not isinstance(vote, bool):
                    votes.append((f"p{ballot.member_id}", str(statement), int(vote)))
        if not votes:
            continue
        moderated = [str(s.id) for s in poll.statements if s.moderated_out]
        try:
            groups = opinion_groups(votes, moderated_out=moderated).as_dict()
        except ValueError:
            continue

        def named(
            scores: list[dict[str, Any]], texts: dict[str, str] = texts
        ) -> list[dict[str, Any]]:
            return [
                {**s, "text": texts.get(s["statement"], s["statement"]), "stance": _stance(s)}
                for s in scores
            ]

        described = []
        for group in groups["groups"]:
            representative = named(group["representative"])
            agreed = [s for s in representative if s["stance"] == "agree"]
            described.append(
                {
                    "id": group["id"],
                    "size": len(group["participants"]),
                    "representative": agreed,
                    "agreed": agreed,
                    "disagreed": [s for s in representative if s["stance"] == "disagree"],
                    "points": sorted(
                        [round(x, 4), round(y, 4)]
                        for x, y in (
                            groups["coordinates"][p]
                            for p in group["participants"]
                            if p in groups["coordinates"]
                        )
                    ),
                }
            )
        out.append(
            {
                "poll_id": poll.id,
                "question": poll.question,
                "participants": len({v[0] for v in votes}),
                "groups": described,
                "consensus": named(groups["consensus"]),
                "divisive": named(groups["divisive"]),
            }
        )
    return out
