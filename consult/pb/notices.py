"""Participatory budgeting: what proposers are told, by email, when something happens to
their idea: assessed, moderated (published after a hold, removed, its picture hidden),
asked about and then merged or kept apart, put on the ballot, funded or not. Only
proposers who gave an email address hear; a merged idea's proposers hear what happens
to the one it lives on in. Plain words in the manner of GOV.UK Notify, plain text with an
HTML alternative. Called by the views after the commit that made the change (so nobody
is told of something that was then rolled back); sending never raises.

Each proposer is written to in the language they proposed in (`PBProposal.language`, the
page's language when they sent the idea): a notice is a function that builds the message,
called once for each recipient inside their language (issue 19)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext

from consult.auth.passwords import trusted_base_url
from consult.mail import send_mail
from consult.models import PBMerge, PBProposal, PBRound
from consult.pb.blueprint import money_words, pb_date, pounds
from consult.pb.language import LocalisedPBRound
from consult.pb.merges import merged_into_it


@dataclass(frozen=True)
class Notice:
    """One message: its subject, its paragraphs, and a link (label, address) to act on."""

    subject: str
    paragraphs: tuple[str, ...]
    link: tuple[str, str] | None = None


# A notice in the current language (called inside each recipient's language).
Build = Callable[[], Notice]
# (email, name, language) of one proposer
Recipient = tuple[str, str, str]


def link_to(endpoint: str, **values: Any) -> str:
    """An address for an email (on the trusted public origin, never a forged Host)."""
    return trusted_base_url() + url_for(endpoint, **values)


def proposal_link(proposal: PBProposal) -> tuple[str, str]:
    return (
        gettext("See your idea"),
        link_to("pb.proposal_page", slug=proposal.pb_round.slug, reference=proposal.reference),
    )


def _recipient(proposal: PBProposal) -> Recipient:
    email = (proposal.proposer_email or "").strip()
    return (email, proposal.proposer_name or "", proposal.language or "en")


def recipients(proposal: PBProposal) -> list[Recipient]:
    """(email, name, language) of everyone who proposed this idea: its own proposer and
    those of the ideas merged into it. Each address once."""
    found: dict[str, Recipient] = {}
    for item in (proposal, *merged_into_it(proposal)):
        email, name, language = _recipient(item)
        if email and email.lower() not in found:
            found[email.lower()] = (email, name, language)
    return list(found.values())


def send(to: Iterable[Recipient], pb_round: PBRound, build: Build) -> int:
    """Email the notice `build` makes to each (email, name, language), in their language;
    returns how many were sent."""
    council = current_app.config.get("COUNCIL_NAME", "The council")
    sent = 0
    for email, name, language in to:
        with force_locale(language):
            notice = build()
            values = {
                "name": name,
                "subject": notice.subject,
                "paragraphs": notice.paragraphs,
                "link": notice.link,
                "council": council,
                "round_title": LocalisedPBRound(pb_round, language).title,
                "language": language,
            }
            text = render_template("pb/email/notice.txt", **values)
            html = render_template("pb/email/notice.html", **values)
        send_mail(email, notice.subject, text, html=html)
        sent += 1
    return sent


def _tell(proposal: PBProposal, subject: Callable[[], str], *paragraphs: Callable[[], str]) -> int:
    def build() -> Notice:
        return Notice(
            gettext("%(subject)s: %(title)s", subject=subject(), title=proposal.title),
            tuple(paragraph() for paragraph in paragraphs),
            proposal_link(proposal),
        )

    return send(recipients(proposal), proposal.pb_round, build)


def _about(proposal: PBProposal) -> str:
    return gettext(
        "“%(title)s” (reference %(reference)s)",
        title=proposal.title,
        reference=proposal.reference,
    )


def assessed(proposal: PBProposal) -> int:
    """The officers' assessment, with the reasons and any revised cost."""
    money = proposal.pb_round.currency

    def opening() -> str:
        return gettext("Council officers have assessed your idea %(idea)s.", idea=_about(proposal))

    # by assessment: the subject, then what follows the opening
    told: dict[str | None, tuple[Callable[[], str], ...]] = {
        "feasible": (
            lambda: gettext("Your idea can go on the ballot"),
            lambda: gettext(
                "It can be done as you proposed. It will go on the ballot when voting opens."
            ),
        ),
        "feasible_with_changes": (
            lambda: gettext("Your idea can go on the ballot with changes"),
            lambda: gettext(
                "It can be done with some changes, at a revised cost of %(cost)s. It will go on "
                "the ballot with these changes when voting opens.",
                cost=pounds(proposal.cost, money),
            ),
            lambda: gettext("The changes: %(changes)s", changes=proposal.assessment_reasons),
        ),
    }
    subject, *rest = told.get(
        proposal.assessment,
        (
            lambda: gettext("Your idea cannot go on the ballot"),
            lambda: gettext("It cannot be done, so it will not go on the ballot."),
            lambda: gettext("The reasons: %(reasons)s", reasons=proposal.assessment_reasons),
            lambda: gettext("We publish these reasons on the round’s page."),
        ),
    )
    return _tell(proposal, subject, opening, *rest)


def moderated(proposal: PBProposal) -> int:
    """A held idea published, or an idea removed (with the published reason)."""
    if proposal.moderation == "published":
        return _tell(
            proposal,
            lambda: gettext("Your idea is published"),
            lambda: gettext(
                "A moderator has read your idea %(idea)s and published it.", idea=_about(proposal)
            ),
            lambda: gettext(
                "Council officers will now check whether it can be done and what it would cost."
            ),
        )
    return _tell(
        proposal,
        lambda: gettext("Your idea has been removed"),
        lambda: gettext(
            "A moderator has removed your idea %(idea)s, so it will not go on the ballot.",
            idea=_about(proposal),
        ),
        lambda: gettext("The reason: %(reason)s", reason=proposal.moderation_reason),
    )


def image_hidden(proposal: PBProposal) -> int:
    reason = proposal.image.hidden_reason if proposal.image else ""
    return _tell(
        proposal,
        lambda: gettext("The picture with your idea has been hidden"),
        lambda: gettext(
            "A moderator has hidden the picture you sent with your idea %(idea)s. Your idea "
            "itself is still published.",
            idea=_about(proposal),
        ),
        lambda: gettext("The reason: %(reason)s", reason=reason),
    )


def merge_asked(merge: PBMerge, proposal: PBProposal, answer_url: str) -> int:
    """Ask `proposal`'s proposer whether they agree to the merge (the link is theirs)."""
    others = [p for p in merge.proposals if p.id != proposal.id]
    money = merge.pb_round.currency

    def build() -> Notice:
        names = gettext(" and ").join(_about(p) for p in others)
        return Notice(
            gettext("Can we merge your idea with a similar one? %(title)s", title=proposal.title),
            (
                gettext(
                    "Your idea %(idea)s is very like %(others)s. Council officers suggest "
                    "putting them together as one project, so that votes for them are not "
                    "split.",
                    idea=_about(proposal),
                    others=names,
                ),
                gettext(
                    "The merged project would be called “%(title)s” and would cost about "
                    "%(cost)s. It would say: %(description)s",
                    title=merge.title,
                    cost=pounds(merge.estimated_cost, money),
                    description=merge.description,
                ),
                gettext(
                    "Everyone who proposed these ideas will be named as a proposer of the "
                    "merged project. It only happens if every proposer agrees. If you say no, "
                    "your idea stays as it is."
                ),
            ),
            (gettext("Tell us whether you agree"), answer_url),
        )

    return send(recipients(proposal), merge.pb_round, build)


def merge_settled(merge: PBMerge) -> int:
    """Tell every proposer whether the merge happened or their ideas stay apart."""
    sent = 0
    for proposal in merge.proposals:

        def build(proposal: PBProposal = proposal) -> Notice:
            if merge.status == "merged":
                subject = gettext("Your idea has been merged")
                words = gettext(
                    "Every proposer agreed, so your idea %(idea)s is now part of “%(title)s” "
                    "(reference %(reference)s). You are named as one of its proposers.",
                    idea=_about(proposal),
                    title=merge.title,
                    reference=merge.survivor.reference,
                )
                link = proposal_link(merge.survivor)
            else:
                subject = gettext("Your idea stays as it is")
                if merge.status == "withdrawn":
                    words = gettext(
                        "Council officers have withdrawn their suggestion to merge it, so your "
                        "idea %(idea)s stays as it is. Council officers will assess it on its "
                        "own.",
                        idea=_about(proposal),
                    )
                else:
                    words = gettext(
                        "Not every proposer agreed to the merge, so your idea %(idea)s stays as "
                        "it is. Council officers will assess it on its own.",
                        idea=_about(proposal),
                    )
                link = proposal_link(proposal)
            return Notice(
                gettext("%(subject)s: %(title)s", subject=subject, title=proposal.title),
                (words,),
                link,
            )

        sent += send(_own(proposal), merge.pb_round, build)
    return sent


def _own(proposal: PBProposal) -> list[Recipient]:
    recipient = _recipient(proposal)
    return [recipient] if recipient[0] else []


def on_ballot(pb_round: PBRound) -> int:
    """Voting has opened: tell each proposer whose idea is on the ballot."""
    sent = 0
    for proposal in pb_round.ballot_projects:

        def build(proposal: PBProposal = proposal) -> Notice:
            opened = gettext(
                "Voting has opened, and your idea %(idea)s is on the ballot at a cost of %(cost)s.",
                idea=_about(proposal),
                cost=pounds(proposal.cost, pb_round.currency),
            )
            if pb_round.voting_closes_on:
                closes = gettext(
                    "Voting closes on %(date)s.", date=pb_date(pb_round.voting_closes_on)
                )
                opened = f"{opened} {closes}"
            return Notice(
                gettext("Your idea is on the ballot: %(title)s", title=proposal.title),
                (
                    opened,
                    gettext("We will tell you the result when the votes have been counted."),
                ),
                (
                    gettext("Vote, or tell others how to"),
                    link_to("pb.vote", slug=pb_round.slug),
                ),
            )

        sent += send(recipients(proposal), pb_round, build)
    return sent


def results(pb_round: PBRound) -> int:
    """The votes are counted: tell each proposer on the ballot whether their idea was
    funded, with the explanation the results page gives (the counting library's, in
    English)."""
    if not pb_round.result:
        return 0
    by_id = {p.project_id: p for p in pb_round.proposals}
    sent = 0
    for project in pb_round.result["projects"]:
        proposal = by_id.get(str(project["id"]))
        if proposal is None:
            continue
        explanation = money_words(str(project.get("explanation", "")))

        def build(
            proposal: PBProposal = proposal,
            funded: bool = project["funded"],
            explanation: str = explanation,
        ) -> Notice:
            if funded:
                subject = gettext("Your idea will be funded: %(title)s", title=proposal.title)
                first = gettext(
                    "Good news: your idea %(idea)s will be funded.", idea=_about(proposal)
                )
            else:
                subject = gettext("Your idea was not funded: %(title)s", title=proposal.title)
                first = gettext(
                    "Your idea %(idea)s was not funded this time.", idea=_about(proposal)
                )
            return Notice(
                subject,
                (first, explanation),
                (gettext("See all the results"), link_to("pb.results", slug=pb_round.slug)),
            )

        sent += send(recipients(proposal), pb_round, build)
    return sent
