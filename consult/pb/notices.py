"""Participatory budgeting: what proposers are told, by email, when something happens to
their idea: assessed, moderated (published after a hold, removed, its picture hidden),
asked about and then merged or kept apart, put on the ballot, funded or not. Only
proposers who gave an email address hear; a merged idea's proposers hear what happens
to the one it lives on in. Plain words in the manner of GOV.UK Notify, plain text with an
HTML alternative. Called by the views after the commit that made the change (so nobody
is told of something that was then rolled back); sending never raises."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for
from sqlalchemy import select

from consult.auth.passwords import trusted_base_url
from consult.extensions import db
from consult.mail import send_mail
from consult.models import PBMerge, PBProposal, PBRound
from consult.pb.blueprint import money_words, pounds


@dataclass(frozen=True)
class Notice:
    """One message: its subject, its paragraphs, and a link (label, address) to act on."""

    subject: str
    paragraphs: tuple[str, ...]
    link: tuple[str, str] | None = None


def link_to(endpoint: str, **values: Any) -> str:
    """An address for an email (on the trusted public origin, never a forged Host)."""
    return trusted_base_url() + url_for(endpoint, **values)


def proposal_link(proposal: PBProposal) -> tuple[str, str]:
    return (
        "See your idea",
        link_to("pb.proposal_page", slug=proposal.pb_round.slug, reference=proposal.reference),
    )


def recipients(proposal: PBProposal) -> list[tuple[str, str]]:
    """(email, name) of everyone who proposed this idea: its own proposer and those of the
    ideas merged into it. Each address once."""
    merged = db.session.scalars(
        select(PBProposal).where(PBProposal.merged_into_id == proposal.id).order_by(PBProposal.id)
    )
    found: dict[str, tuple[str, str]] = {}
    for item in (proposal, *merged):
        email = (item.proposer_email or "").strip()
        if email and email.lower() not in found:
            found[email.lower()] = (email, item.proposer_name or "")
    return list(found.values())


def send(to: Iterable[tuple[str, str]], pb_round: PBRound, notice: Notice) -> int:
    """Email `notice` to each (email, name); returns how many were sent."""
    council = current_app.config.get("COUNCIL_NAME", "The council")
    sent = 0
    for email, name in to:
        values = {
            "name": name,
            "subject": notice.subject,
            "paragraphs": notice.paragraphs,
            "link": notice.link,
            "council": council,
            "round_title": pb_round.title,
        }
        send_mail(
            email,
            notice.subject,
            render_template("pb/email/notice.txt", **values),
            html=render_template("pb/email/notice.html", **values),
        )
        sent += 1
    return sent


def _tell(proposal: PBProposal, subject: str, *paragraphs: str) -> int:
    notice = Notice(f"{subject}: {proposal.title}", paragraphs, proposal_link(proposal))
    return send(recipients(proposal), proposal.pb_round, notice)


def _about(proposal: PBProposal) -> str:
    return f"“{proposal.title}” (reference {proposal.reference})"


def assessed(proposal: PBProposal) -> int:
    """The officers' assessment, with the reasons and any revised cost."""
    money = proposal.pb_round.currency
    opening = f"Council officers have assessed your idea {_about(proposal)}."
    if proposal.assessment == "feasible":
        return _tell(
            proposal,
            "Your idea can go on the ballot",
            opening,
            "It can be done as you proposed. It will go on the ballot when voting opens.",
        )
    if proposal.assessment == "feasible_with_changes":
        return _tell(
            proposal,
            "Your idea can go on the ballot with changes",
            opening,
            "It can be done with some changes, at a revised cost of "
            f"{pounds(proposal.cost, money)}. It will go on the ballot with these changes "
            "when voting opens.",
            f"The changes: {proposal.assessment_reasons}",
        )
    return _tell(
        proposal,
        "Your idea cannot go on the ballot",
        opening,
        "It cannot be done, so it will not go on the ballot.",
        f"The reasons: {proposal.assessment_reasons}",
        "We publish these reasons on the round’s page.",
    )


def moderated(proposal: PBProposal) -> int:
    """A held idea published, or an idea removed (with the published reason)."""
    if proposal.moderation == "published":
        return _tell(
            proposal,
            "Your idea is published",
            f"A moderator has read your idea {_about(proposal)} and published it.",
            "Council officers will now check whether it can be done and what it would cost.",
        )
    return _tell(
        proposal,
        "Your idea has been removed",
        f"A moderator has removed your idea {_about(proposal)}, so it will not go on the ballot.",
        f"The reason: {proposal.moderation_reason}",
    )


def image_hidden(proposal: PBProposal) -> int:
    reason = proposal.image.hidden_reason if proposal.image else ""
    return _tell(
        proposal,
        "The picture with your idea has been hidden",
        f"A moderator has hidden the picture you sent with your idea {_about(proposal)}. "
        "Your idea itself is still published.",
        f"The reason: {reason}",
    )


def merge_asked(merge: PBMerge, proposal: PBProposal, answer_url: str) -> int:
    """Ask `proposal`'s proposer whether they agree to the merge (the link is theirs)."""
    others = [p for p in merge.proposals if p.id != proposal.id]
    names = " and ".join(_about(p) for p in others)
    money = merge.pb_round.currency
    notice = Notice(
        f"Can we merge your idea with a similar one? {proposal.title}",
        (
            f"Your idea {_about(proposal)} is very like {names}. Council officers suggest "
            "putting them together as one project, so that votes for them are not split.",
            f"The merged project would be called “{merge.title}” and would cost about "
            f"{pounds(merge.estimated_cost, money)}. It would say: {merge.description}",
            "Everyone who proposed these ideas will be named as a proposer of the merged "
            "project. It only happens if every proposer agrees. If you say no, your idea "
            "stays as it is.",
        ),
        ("Tell us whether you agree", answer_url),
    )
    return send(recipients(proposal), merge.pb_round, notice)


def merge_settled(merge: PBMerge) -> int:
    """Tell every proposer whether the merge happened or their ideas stay apart."""
    sent = 0
    for proposal in merge.proposals:
        if merge.status == "merged":
            subject, words = (
                "Your idea has been merged",
                f"Every proposer agreed, so your idea {_about(proposal)} is now part of "
                f"“{merge.title}” (reference {merge.survivor.reference}). You are named as "
                "one of its proposers.",
            )
            link = proposal_link(merge.survivor)
        else:
            why = (
                "Council officers have withdrawn their suggestion to merge it"
                if merge.status == "withdrawn"
                else "Not every proposer agreed to the merge"
            )
            subject, words = (
                "Your idea stays as it is",
                f"{why}, so your idea {_about(proposal)} stays as it is. Council officers "
                "will assess it on its own.",
            )
            link = proposal_link(proposal)
        notice = Notice(f"{subject}: {proposal.title}", (words,), link)
        sent += send(_own(proposal), merge.pb_round, notice)
    return sent


def _own(proposal: PBProposal) -> list[tuple[str, str]]:
    email = (proposal.proposer_email or "").strip()
    return [(email, proposal.proposer_name or "")] if email else []


def on_ballot(pb_round: PBRound) -> int:
    """Voting has opened: tell each proposer whose idea is on the ballot."""
    closes = (
        f" Voting closes on {pb_round.voting_closes_on.strftime('%-d %B %Y')}."
        if pb_round.voting_closes_on
        else ""
    )
    vote_link = ("Vote, or tell others how to", link_to("pb.vote", slug=pb_round.slug))
    sent = 0
    for proposal in pb_round.ballot_projects:
        notice = Notice(
            f"Your idea is on the ballot: {proposal.title}",
            (
                f"Voting has opened, and your idea {_about(proposal)} is on the ballot at a "
                f"cost of {pounds(proposal.cost, pb_round.currency)}.{closes}",
                "We will tell you the result when the votes have been counted.",
            ),
            vote_link,
        )
        sent += send(recipients(proposal), pb_round, notice)
    return sent


def results(pb_round: PBRound) -> int:
    """The votes are counted: tell each proposer on the ballot whether their idea was
    funded, with the explanation the results page gives."""
    if not pb_round.result:
        return 0
    by_id = {p.project_id: p for p in pb_round.proposals}
    results_link = ("See all the results", link_to("pb.results", slug=pb_round.slug))
    sent = 0
    for project in pb_round.result["projects"]:
        proposal = by_id.get(str(project["id"]))
        if proposal is None:
            continue
        explanation = money_words(str(project.get("explanation", "")))
        if project["funded"]:
            subject = f"Your idea will be funded: {proposal.title}"
            first = f"Good news: your idea {_about(proposal)} will be funded."
        else:
            subject = f"Your idea was not funded: {proposal.title}"
            first = f"Your idea {_about(proposal)} was not funded this time."
        notice = Notice(subject, (first, explanation), results_link)
        sent += send(recipients(proposal), pb_round, notice)
    return sent
