"""Loads the demo council's participatory budgeting rounds (consult.demo.pb) through the
app's own rules (consult.pb.services): the finished Riverside Youth Fund 2026 goes through
every phase (proposals, moderation, assessment with reasons, the frozen ballot, online and
double-entered paper ballots, the count by the Method of Equal Shares); the open
Riverside Neighbourhood Fund 2027 stops in voting, with demo voting codes printed.
Idempotent: a round whose slug exists is left alone. Called by loader.load()."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from consult.demo import pb as demo_pb
from consult.demo.codes import derived_code
from consult.extensions import db
from consult.models import PBProposal, PBRound, PBVoterCode, User
from consult.pb import counting, services
from consult.pb import proposals as proposal_services
from consult.workspace import services as workspace_services


def demo_voting_code(slug: str, number: int) -> str:
    """A demo voting code, derived from the secret key (the same code every run)."""
    return derived_code(f"demo-vote:{slug}:{number}", (5, 5))


def ensure_rounds() -> list[str]:
    """Add the demo rounds that are missing; return lines to print. Flushes."""
    officer = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    if officer is None or admin is None:
        return []
    report = []
    finished = _ensure_round(demo_pb.finished_pb_round(), officer, admin, finish=True)
    result = finished.result or {}
    report.append(
        f"PB round '{finished.title}' ({finished.status}): {result.get('voters', 0)} ballots, "
        f"{len(result.get('selected', []))} projects funded"
    )
    data = demo_pb.open_pb_round()
    opened = _ensure_round(data, officer, admin, finish=False)
    report.append(
        f"PB round '{opened.title}' ({opened.status}). "
        f"Demo voting codes (at /pb/{opened.slug}/vote):"
    )
    codes = [demo_voting_code(opened.slug, n) for n in range(1, data.get("demo_codes", 0) + 1)]
    for code in codes:
        code_hash = PBVoterCode.hash_code(code)
        if not db.session.scalar(select(PBVoterCode.id).where(PBVoterCode.code_hash == code_hash)):
            db.session.add(PBVoterCode(round_id=opened.id, code_hash=code_hash, batch="Demo"))
        report.append(f"  {code}")
    db.session.flush()
    return report


def _ensure_round(data: dict[str, Any], officer: User, admin: User, *, finish: bool) -> PBRound:
    existing = db.session.scalar(select(PBRound).where(PBRound.slug == data["slug"]))
    if existing is not None:
        return existing
    settings = {
        key: data[key]
        for key in (
            "title",
            "summary",
            "area",
            "budget",
            "rule",
            "min_choices",
            "max_choices",
            "tie_seed",
        )
    }
    settings |= {key: data[key] for key in ("title_cy", "summary_cy", "area_cy") if key in data}
    settings |= {
        "min_age": data.get("min_age"),
        "max_age": data.get("max_age"),
        "wards": data["wards"],
    }
    settings |= {key: date.fromisoformat(value) for key, value in data["dates"].items()}
    pb_round = services.create_round(actor=officer, slug=data["slug"], **settings)
    services.advance_phase(pb_round, actor=officer)  # collecting ideas
    proposals: dict[str, PBProposal] = {}
    for key, item in data["proposals"].items():
        proposals[key] = proposal_services.submit_proposal(
            pb_round,
            title=item["title"],
            description=item["description"],
            ward=item["ward"],
            estimated_cost=item["cost"],
        )
        if item.get("rejected"):
            proposal_services.moderate_proposal(
                proposals[key], decision="rejected", reason=item["rejected"], actor=officer
            )
    services.advance_phase(pb_round, actor=officer)  # assessment
    for key, item in data["proposals"].items():
        if item.get("rejected"):
            continue
        proposal_services.assess_proposal(
            proposals[key],
            assessment=item["assessment"],
            reasons=item.get("reasons", ""),
            assessed_cost=item.get("revised_cost"),
            actor=officer,
        )
    services.advance_phase(pb_round, actor=officer)  # voting: the ballot is frozen
    online = [b for b in data["ballots"] if b["channel"] == "online"]
    codes = (
        services.generate_codes(pb_round, count=len(online), batch="Demo", actor=officer)
        if online
        else []
    )
    for code, ballot in zip(codes, online, strict=True):
        services.cast_ballot(
            pb_round,
            services.voter_code(pb_round, code),
            [proposals[key].id for key in ballot["choices"]],
            ward=ballot["ward"],
            age_band=ballot["age_band"],
        )
    for ballot in data["ballots"]:
        if ballot["channel"] != "paper":
            continue
        for person in (officer, admin):  # double entry by two people
            services.enter_paper_ballot(
                pb_round,
                serial=ballot["serial"],
                choices=[proposals[key].id for key in ballot["choices"]],
                ward=ballot["ward"],
                age_band=ballot["age_band"],
                actor=person,
            )
    if finish:
        services.advance_phase(pb_round, actor=officer)  # voting closed
        counting.count_round(pb_round, actor=officer)
        registered = {proposal.id: response for proposal, response in counting.delivery(pb_round)}
        for key, plan in data.get("delivery", {}).items():
            response = registered.get(proposals[key].id)
            if response is None:  # the count did not fund it: nothing to deliver
                continue
            counting.update_delivery(
                response,
                owner=plan["owner"],
                due_date=date.fromisoformat(plan["due"]),
                actor=officer,
            )
            for percent, note in plan["progress"]:
                workspace_services.add_progress(response, percent, note, actor=officer)
    db.session.flush()
    return pb_round
