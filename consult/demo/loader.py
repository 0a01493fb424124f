"""Loads the demo council (consult.demo.content, composed from the data files in
consult/demo/data/) into the database. Idempotent: each consultation, jury and account is
created only when its slug or email is not there yet. Staff passwords come from
DEMO_PASSWORD or are generated once into instance/; jurors' join codes are derived from
the instance's secret key, so a second run prints the same."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from consult.consultations.kinds import question_kind
from consult.consultations.services import new_reference
from consult.demo import bilingual, content, data_check, pb_loader, representation
from consult.demo.codes import derived_code
from consult.extensions import db
from consult.models import (
    Answer,
    AuditEntry,
    CategoryValue,
    Consultation,
    ConsultationDocument,
    Contribution,
    CouncilResponse,
    Jury,
    JuryCategory,
    JurySession,
    MinorityReport,
    MinorityReportSignature,
    PanelMember,
    Poll,
    PollStatement,
    ProgressUpdate,
    Question,
    Recommendation,
    RecommendationVote,
    Registrant,
    RespondentProfile,
    Response,
    Round,
    User,
    utcnow,
)

LONDON = ZoneInfo("Europe/London")
T = TypeVar("T")


def _when(value: str | None, day: str | None = None) -> datetime | None:
    """Content times are UK local time without a zone (a time alone needs its `day`);
    store them in UTC."""
    if not value:
        return None
    if day and "T" not in value and len(value) <= 5:
        value = f"{day}T{value}"
    elif len(value) == 10:
        value = f"{value}T12:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


def is_empty() -> bool:
    """True when the database holds no consultations, juries or staff yet."""
    return not any(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Consultation, Jury)
    )


def demo_password() -> str:
    """The demo staff password: DEMO_PASSWORD, else one generated into instance/."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(current_app.instance_path) / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def demo_join_code(member_id: int) -> str:
    """A join code for a demo juror, derived from the secret key (same code every run)."""
    return derived_code(f"demo-juror:{member_id}", (4, 4, 4))


def load() -> list[str]:
    """Add whatever of the demo council is missing; return lines to print. Flushes.
    Raises data_check.DemoDataError, before adding anything, when the data files are broken."""
    data_check.check()
    report: list[str] = []
    password = demo_password()
    for person in content.staff():
        _ensure_staff(person, password)
    report.append("Demo staff sign-ins (password from DEMO_PASSWORD or instance/demo_password):")
    report += [f"  {p['role']:<12} {p['email']}  password: {password}" for p in content.staff()]
    for build in (
        content.open_consultation,
        content.closed_consultation,
        bilingual.bilingual_consultation,
    ):
        data = build()
        consultation = _ensure(Consultation, data, _new_consultation)
        count = consultation.responses.filter(Response.status == "submitted").count()
        report.append(
            f"Consultation '{consultation.title}' ({consultation.status}): {count} responses"
        )
    jury, codes = _ensure_transport_jury(content.jury())
    pool = jury.registrants.count()
    report.append(f"Jury '{jury.title}': {pool} registrants, panel of {len(jury.members)}")
    if codes:
        report.append("Demo jurors' join codes (one use each; at /join):")
        report += [f"  {name:<24} {code}" for name, code in codes[:6]]
    finished = ensure_finished_jury()
    recommendations = db.session.scalar(
        select(func.count())
        .select_from(Recommendation)
        .where(Recommendation.jury_id == finished.id)
    )
    report.append(f"Jury '{finished.title}' ({finished.status}): {recommendations} recommendations")
    report += _ensure_park_outcomes()
    report += pb_loader.ensure_rounds()
    report += representation.ensure()
    db.session.flush()
    return report


# --- the officer workspace's complete example: analysed, approved, answered, published ----

PARK_SLUG = "millbrook-park-masterplan"
#: Top-level themes a question the demo's officer asks for (see `_ensure_park_outcomes`).
DEMO_THEMES = 4
PARK_RESPONSES = (
    # (words to look for in a theme label, status, text, reasons, owner, due, progress)
    (
        ("car park", "parking", "car"),
        "not_accepted",
        "We will not extend the car park into the lime avenue.",
        "Residents told us the limes matter more than the extra spaces, and the survey found "
        "the car park full on only six days last year. We will add cycle parking and improve "
        "the bus stop instead.",
        "Parks and Open Spaces",
        "2027-06-30",
        [(25, "Cycle parking ordered for the main gate.")],
    ),
    (
        ("playground", "play", "children"),
        "accepted",
        "The new playground goes ahead, with equipment for disabled children and older children.",
        None,
        "Parks and Open Spaces",
        "2027-09-30",
        [(10, "Designs out to tender."), (35, "Contractor appointed; works start in spring.")],
    ),
    (
        ("toilet", "pavilion", "cafe"),
        "accepted_in_part",
        "The pavilion toilets will open from 8am to dusk all year; the café is out to tender.",
        "Opening until 10pm, as some asked, needs staff the budget does not cover.",
        "Facilities Management",
        "2027-04-30",
        [(50, "Winter opening hours in place since November.")],
    ),
)


def _ensure_park_outcomes() -> list[str]:
    """Analyse the closed park consultation, approve and publish its biggest themes and the
    council's responses to three of them (one not accepted, with reasons). Once only."""
    from consult.models import AnalysisRun
    from consult.workspace import analysis_store, queries

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == PARK_SLUG))
    officer = db.session.scalar(select(User).where(User.role == "officer"))
    if consultation is None or officer is None:
        return []
    if queries.current_run(consultation_id=consultation.id) is not None:
        return [f"Consultation '{consultation.title}': already analysed"]
    run = AnalysisRun(
        consultation_id=consultation.id,
        status="running",
        parameters={
            # An officer's choice: with about 110 answers a question, "auto" finds five or
            # six themes under 40 answers each, too small to hold sub-themes; four themes a
            # question let the larger ones show the tree.
            "n_themes": DEMO_THEMES,
            "random_state": 0,
            "coding_threshold": 0.5,
            "backend": "light",
            "engine": "analysis.themes",
        },
        started_by_id=officer.id,
        started_at=utcnow(),
    )
    db.session.add(run)
    db.session.flush()
    run.summary = analysis_store.analyse_consultation(run, lambda fraction, message: None)
    run.status, run.progress, run.message, run.finished_at = "done", 1.0, "Finished", utcnow()
    db.session.flush()
    approved_at = utcnow()
    published = _when("2026-11-02T10:00:00")
    themes = [
        theme
        for question in consultation.questions
        if question_kind(question.kind).is_text
        for theme in queries.live_themes(run, question.id)
        if not theme.no_substantive_comment
    ]
    for theme in themes:
        theme.approved_by_id, theme.approved_at = officer.id, approved_at
    answered = 0
    taken: set[int] = set()
    for words, status, text, reasons, owner, due, updates in PARK_RESPONSES:
        theme = next(
            (
                t
                for t in sorted(themes, key=lambda t: -t.size)
                if t.id not in taken and any(w in t.label.lower() for w in words)
            ),
            None,
        ) or next((t for t in sorted(themes, key=lambda t: -t.size) if t.id not in taken), None)
        if theme is None:
            break
        taken.add(theme.id)
        theme.published = True
        response = CouncilResponse(
            theme_id=theme.id,
            status=status,
            text=text,
            reasons=reasons,
            owner=owner,
            due_date=date.fromisoformat(due),
            published_at=published,
            created_by_id=officer.id,
        )
        for number, (percent, note) in enumerate(updates):
            response.updates.append(
                ProgressUpdate(
                    percent=percent,
                    note=note,
                    created_by_id=officer.id,
                    created_at=published + timedelta(days=7 * (number + 1)),
                )
            )
        db.session.add(response)
        answered += 1
    db.session.flush()
    subthemes = sum(len(children) for children in queries.subthemes_of(themes).values())
    return [
        f"Consultation '{consultation.title}': analysed into {len(themes)} themes "
        f"({subthemes} sub-themes inside them), all approved; "
        f"{answered} council responses published (see /you-said-we-did/)"
    ]


def _ensure_staff(person: dict[str, str], password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == person["email"]))
    if user is None:
        user = User(email=person["email"], name=person["name"], role=person["role"])
        user.set_password(password)
        db.session.add(user)
        AuditEntry.record("user.created", subject=user, role=person["role"], via="demo")
    return user


def ensure_bilingual_consultation() -> Consultation:
    """The bilingual demo consultation alone (browser tests load it without the rest)."""
    return _ensure(Consultation, bilingual.bilingual_consultation(), _new_consultation)


def ensure_finished_jury() -> Jury:
    """The finished climate jury alone, with its recommendations and the council's
    responses (browser tests load it without the rest)."""
    return _ensure(Jury, content.finished_jury(), _new_finished_jury)


def _loaded(model: Any, data: dict[str, Any]) -> Any:
    """The row of `model` (a consultation or a jury) with the slug of `data`, when the demo
    was loaded before; None the first time."""
    return db.session.scalar(select(model).where(model.slug == data["slug"]))


def _ensure(model: type[T], data: dict[str, Any], new: Callable[[dict[str, Any]], T]) -> T:
    """The demo's row of `model` made from `data`: the one loaded before (found by its
    slug), or else `new(data)`."""
    existing: T | None = _loaded(model, data)
    return existing if existing is not None else new(data)


def _new_consultation(data: dict[str, Any]) -> Consultation:
    consultation = Consultation(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        background=data["background"],
        title_cy=data.get("title_cy"),
        summary_cy=data.get("summary_cy"),
        background_cy=data.get("background_cy"),
        status=data.get("status", "open"),
        opens_at=_when(data.get("opens_at")),
        closes_at=_when(data.get("closes_at")),
        published_at=_when(data.get("opens_at")),
        closed_at=_when(data.get("closes_at")) if data.get("status") == "closed" else None,
    )
    for position, document in enumerate(data.get("documents", [])):
        consultation.documents.append(
            ConsultationDocument(position=position, title=document["title"], url=document["url"])
        )
    questions: dict[str, Question] = {}
    for position, spec in enumerate(data["questions"]):
        question = Question(
            position=position,
            key=spec["key"],
            kind=spec["type"],
            prompt=spec["prompt"],
            hint=spec.get("hint", ""),
            required=bool(spec.get("required")),
            max_length=spec.get("max_length"),
            budget_total=spec.get("total"),
            options=spec.get("options", []) if question_kind(spec["type"]).has_options else [],
            prompt_cy=spec.get("prompt_cy"),
            hint_cy=spec.get("hint_cy"),
            options_cy=spec.get("options_cy"),
        )
        consultation.questions.append(question)
        questions[spec["key"]] = question
    db.session.add(consultation)
    db.session.flush()
    for item in data["responses"]:
        _add_response(consultation, questions, item)
    db.session.flush()
    return consultation


def _add_response(
    consultation: Consultation, questions: dict[str, Question], item: dict[str, Any]
) -> None:
    submitted = _when(item["submitted_at"])
    response = Response(
        consultation_id=consultation.id,
        reference=new_reference(),
        status="submitted",
        channel="demo",
        respondent_type=item.get("respondent_type", "individual"),
        organisation_name=item.get("organisation_name"),
        language=item.get("language", "en"),
        submitted_at=submitted,
        created_at=submitted,
    )
    for key, value in item["answers"].items():
        question = questions[key]
        columns = question_kind(question.kind).columns(value)
        # Columns left empty stay SQL NULL (set to None, the JSON value would be JSON null).
        given = {name: column for name, column in columns.items() if column is not None}
        response.answers.append(Answer(question_id=question.id, moderation="visible", **given))
    about = item.get("about_you")
    if about:
        response.profile = RespondentProfile(
            age_band=about.get("age_band"),
            gender=about.get("gender"),
            ethnicity=about.get("ethnicity"),
            disability=about.get("disability"),
            postcode_district=about.get("postcode_district"),
            consented_at=submitted,
        )
    db.session.add(response)


def _household_key(address: str | None, postcode: str | None) -> str | None:
    if not address and not postcode:
        return None
    text = " ".join(f"{address or ''} {postcode or ''}".lower().split())
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def add_categories(jury: Jury, categories: Iterable[dict[str, Any]]) -> None:
    for position, spec in enumerate(categories):
        category = JuryCategory(
            name=spec["category"],
            label=spec.get("label", spec["category"]),
            label_cy=spec.get("label_cy"),
            position=position,
        )
        for value_position, value in enumerate(spec["values"]):
            category.values.append(
                CategoryValue(
                    value=value["value"],
                    label=value.get("label", value["value"]),
                    label_cy=value.get("label_cy"),
                    position=value_position,
                    min_count=value["min"],
                    max_count=value["max"],
                )
            )
        jury.categories.append(category)


def _add_agenda(session: JurySession, agenda: Iterable[dict[str, Any]]) -> None:
    for position, spec in enumerate(agenda):
        round_ = Round(
            position=position,
            kind=spec["kind"],
            title=spec["title"],
            planned_minutes=spec.get("minutes", 15),
            instructions=spec.get("instructions", ""),
            title_cy=spec.get("title_cy"),
            instructions_cy=spec.get("instructions_cy"),
            script=spec.get("script", "") or "",
            materials=spec.get("materials", "") or "",
        )
        session.rounds.append(round_)
        if spec.get("statements"):
            db.session.flush()
            poll = Poll(
                session_id=session.id,
                kind="agree_disagree",
                question=spec["title"],
                question_cy=spec.get("title_cy"),
                status="draft",
            )
            welsh = spec.get("statements_cy") or [None] * len(spec["statements"])
            for position, (text, text_cy) in enumerate(zip(spec["statements"], welsh, strict=True)):
                poll.statements.append(PollStatement(position=position, text=text, text_cy=text_cy))
            db.session.add(poll)
            db.session.flush()
            poll.round_id = round_.id


def _ensure_transport_jury(data: dict[str, Any]) -> tuple[Jury, list[tuple[str, str]]]:
    jury = _loaded(Jury, data)
    if jury is None:
        jury = _new_jury(data, status="recruiting", registration_open=True)
        add_registrants(jury, data["registrants"])
        sessions = data.get("sessions") or [{"title": "Jury day 1", "starts_at": None}]
        for spec in sessions:
            session = JurySession(
                jury_id=jury.id,
                title=spec["title"],
                starts_at=_when(spec.get("starts_at"), spec.get("date")),
                status="planned",
            )
            db.session.add(session)
            db.session.flush()
            _add_agenda(session, spec.get("agenda") or data["agenda"])
        db.session.flush()
        _draw_demo_panel(jury)
    codes = []
    for member in jury.members:
        if member.join_code_used_at is None and member.status in ("invited", "confirmed"):
            code = demo_join_code(member.id)
            if member.join_code_hash != PanelMember.hash_code(code):
                member.join_code_hash = PanelMember.hash_code(code)
                member.join_code_expires_at = utcnow() + timedelta(days=365)
            codes.append((member.display_name, code))
    return jury, codes


def add_registrants(jury: Jury, registrants: Iterable[dict[str, Any]]) -> None:
    """The demo jury's pool (`content.jury()["registrants"]`) added to `jury`."""
    for number, person in enumerate(registrants):
        db.session.add(
            Registrant(
                jury_id=jury.id,
                first_name=person["first_name"],
                last_name=person["last_name"],
                email=person["email"],
                phone=person["phone"],
                address_line=person["address_line"],
                postcode=person["postcode"],
                household_key=_household_key(person["address_line"], person["postcode"]),
                features=person["features"],
                availability=person.get("availability", []),
                consented_at=_when(person.get("registered_at")),
                created_at=_when(person.get("registered_at")) or utcnow(),
                external_id=f"R{number + 1:04d}",
            )
        )


def _draw_demo_panel(jury: Jury) -> None:
    """Draw the demo jury's panel by the published sequence officers follow: freeze the
    inputs, publish the lottery, enter the value drawn at the (imagined) public meeting,
    confirm. Its public page then links the three files and the `verify` command."""
    from consult.juries import plans
    from consult.juries import services as jury_services

    officer = db.session.scalar(select(User).where(User.role == "officer"))
    plan = plans.publish_plan(jury, actor=officer, pseudonym_key=f"demo {jury.slug}")
    plans.publish_lottery(plan, actor=officer)
    draw = plans.enter_random_value(
        plan,
        value="03 11 24 38 45 52",
        source="numbered balls drawn on camera at the council's public meeting (demo)",
        actor=officer,
    )
    jury_services.confirm_draw(draw, actor=officer)


def _new_jury(data: dict[str, Any], *, status: str, registration_open: bool) -> Jury:
    """A demo jury from its content (`data`), with its quota categories; flushed."""
    jury = Jury(
        slug=data["slug"],
        title=data["title"],
        question=data["question"],
        description=data.get("description", ""),
        title_cy=data.get("title_cy"),
        question_cy=data.get("question_cy"),
        description_cy=data.get("description_cy"),
        status=status,
        panel_size=data["panel_size"],
        registration_open=registration_open,
    )
    add_categories(jury, data.get("categories", []))
    db.session.add(jury)
    db.session.flush()
    return jury


def _new_finished_jury(data: dict[str, Any]) -> Jury:
    jury = _new_jury(data, status="finished", registration_open=False)
    members = []
    for person in data["members"]:
        member = PanelMember(
            jury_id=jury.id,
            display_name=person["display_name"],
            features=person.get("features", {}),
            status="confirmed",
        )
        db.session.add(member)
        members.append(member)
    last = (data.get("sessions") or [{"title": "Final session"}])[-1]
    session = JurySession(
        jury_id=jury.id,
        title=last["title"],
        status="ended",
        starts_at=_when(last.get("starts_at"), last.get("date")),
    )
    db.session.add(session)
    db.session.flush()
    ideas_round = Round(
        session_id=session.id,
        position=0,
        kind="ideas",
        title="Ideas",
        status="done",
        planned_minutes=30,
    )
    db.session.add(ideas_round)
    db.session.flush()
    for number, text in enumerate(data.get("ideas", [])):
        db.session.add(
            Contribution(
                session_id=session.id,
                round_id=ideas_round.id,
                kind="idea",
                text=text,
                member_id=members[number % len(members)].id,
                client_id=f"demo-idea-{number}",
            )
        )
    decided = _when(data.get("decided_at")) or utcnow()
    published = _when(data.get("council_responses_published_at"))
    by_title: dict[str, Recommendation] = {}
    for position, spec in enumerate(data["recommendations"]):
        recommendation = Recommendation(
            jury_id=jury.id,
            session_id=session.id,
            position=position,
            title=spec["title"],
            text=spec["text"],
            threshold=data.get("threshold", 0.8),
            quorum=max(1, len(members) * 3 // 4),
            status="passed" if spec["passed"] else "failed",
            votes_for=spec["support"],
            votes_against=spec["against"],
            votes_abstain=spec["abstain"],
            decided_at=decided,
        )
        db.session.add(recommendation)
        db.session.flush()
        choices = (
            ["support"] * spec["support"]
            + ["oppose"] * spec["against"]
            + ["abstain"] * spec["abstain"]
        )
        for member, choice in zip(members, choices, strict=False):
            db.session.add(
                RecommendationVote(
                    recommendation_id=recommendation.id,
                    member_id=member.id,
                    choice=choice,
                    client_id=f"demo-vote-{recommendation.id}-{member.id}",
                )
            )
        by_title[spec["title"]] = recommendation
    minority = data.get("minority_report")
    if minority:
        target = by_title[minority["recommendation_title"]]
        report = MinorityReport(
            recommendation_id=target.id, author_member_id=members[-1].id, text=minority["text"]
        )
        db.session.add(report)
        db.session.flush()
        for member in members[-minority.get("signatories", 1) :]:
            db.session.add(MinorityReportSignature(report_id=report.id, member_id=member.id))
    officer = db.session.scalar(select(User).where(User.role == "officer"))
    for spec in data.get("council_responses", []):
        target = by_title[spec["recommendation_title"]]
        response = CouncilResponse(
            recommendation_id=target.id,
            status=spec["status"],
            text=spec["text"],
            reasons=spec.get("reasons") or None,
            text_cy=spec.get("text_cy"),
            reasons_cy=spec.get("reasons_cy"),
            owner=spec.get("owner", ""),
            due_date=date.fromisoformat(spec["due"]) if spec.get("due") else None,
            published_at=published,
            created_by_id=officer.id if officer else None,
        )
        for update in spec.get("progress", []):
            response.updates.append(
                ProgressUpdate(
                    percent=update["percent"],
                    note=update.get("note", ""),
                    note_cy=update.get("note_cy"),
                    created_at=_when(update["date"]),
                )
            )
        db.session.add(response)
    db.session.flush()
    return jury
