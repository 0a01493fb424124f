"""The strings the live session's scripts show jurors and the public gallery
(static/js/live-common.js, live-juror.js, live-gallery.js), by key, in the page's
language. consult.i18n.browser_strings() merges them into the JSON catalogue every page
embeds; the scripts read them with i18n.js `t(key, values)` (which fills %(name)s and
turns "%%" into "%", as Python's formatting does) and, for counts, `tn(key, n, values)`,
which picks `key.<CLDR plural category>` for `n` with Intl.PluralRules. Most are the
same English sentences the server's templates use, so each is translated once."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_translations, gettext

from consult.i18n import PLURAL_SAMPLES


def ngettext(singular: str, plural: str, n: int) -> str:
    """The catalogue's form for `n`, unformatted: %(num)s and the other placeholders are
    left for the script to fill (Flask-Babel's own ngettext fills %(num)s itself)."""
    return str(get_translations().ngettext(singular, plural, n))


def plural_forms(key: str, forms: Callable[[int], str]) -> dict[str, str]:
    """`key.<category>` for each CLDR plural category: the catalogue's form for a count in
    that category, with the count left as %(num)s."""
    return {f"{key}.{category}": forms(n) for category, n in PLURAL_SAMPLES}


def live_strings() -> dict[str, str]:
    """Every string the live scripts show jurors and the gallery, by key."""
    strings = {
        # live-common.js: connection, timer, chat, round header, results
        "liveNoRound": gettext("No round is running."),
        "livePaused": gettext("The round is paused."),
        "liveTimeUp": gettext("Time is up for this round."),
        "liveCouldNotJoin": gettext("Could not join the session."),
        "liveConnected": gettext("Connected."),
        "liveConnectionLost": gettext("Connection lost. Reconnecting…"),
        "liveCannotReach": gettext("Cannot reach the server. Retrying…"),
        "liveNoAnswer": gettext("No answer from the server."),
        "liveSomeone": gettext("Someone"),
        "liveHidden": gettext("(hidden by the facilitator)"),
        "liveAnnouncement": gettext("Announcement:"),
        "liveScribeNote": gettext("Scribe's note:"),
        "liveNoMessages": gettext("No messages yet."),
        "liveSessionEnded": gettext("This session has ended"),
        "liveWaiting": gettext("Waiting to start"),
        "roundBriefing": gettext("Briefing and evidence"),
        "roundOpenDiscussion": gettext("Open discussion"),
        "roundTableDiscussion": gettext("Table discussion"),
        "roundIdeas": gettext("Ideas"),
        "roundPoll": gettext("Poll"),
        "roundDrafting": gettext("Recommendation drafting"),
        "roundFinalVote": gettext("Final vote"),
        "roundReflection": gettext("Reflection"),
        "roundPending": gettext("to come"),
        "roundRunning": gettext("running"),
        "roundPausedStatus": gettext("paused"),
        "roundDone": gettext("done"),
        "opinionHidden": gettext(
            "Opinion groups are shown once at least %(num)s people have voted and each group "
            "has at least 3 people, so that no one's votes can be worked out."
        ),
        "opinionMapLabel": gettext("Opinion map: %(num)s people in %(groups)s opinion groups"),
        "opinionGroups": gettext("Opinion groups"),
        "opinionAgreed": gettext(" stands out: %(share)s%% of them agreed with “%(text)s”"),
        "opinionDisagreed": gettext(" stands out: %(share)s%% of them disagreed with “%(text)s”"),
        "opinionCommon": gettext("Common ground: “%(text)s” (%(share)s%% agree)"),
        "opinionDivides": gettext("Divides the room: “%(text)s”"),
        "resultVotes": gettext("Votes"),
        "resultPoints": gettext("Points"),
        "resultDots": gettext("Dots"),
        "resultAverage": gettext("Average"),
        "votesPerStatement": gettext("Votes per statement"),
        "agreeCount": gettext("Agree %(count)s (%(share)s)"),
        "disagreeCount": gettext("Disagree %(count)s (%(share)s)"),
        "passCount": gettext("Pass %(count)s"),
        "perOption": gettext("%(heading)s per option"),
        # live-juror.js: hands and floor, table, ideas
        "raiseHand": gettext("Raise my hand"),
        "lowerHand": gettext("Lower my hand"),
        "handAtTable": gettext("%(name)s (table)"),
        "nobodyHasFloor": gettext("Nobody has the floor."),
        "youFloor": gettext("You have the floor."),
        "youFloorTable": gettext("You have the floor at your table."),
        "nameFloor": gettext("%(name)s has the floor."),
        "nameFloorTable": gettext("%(name)s has the floor at your table."),
        "error": gettext("Error:"),
        "yourTable": gettext("Your table: %(name)s"),
        "notGrouped": gettext("Not grouped yet"),
        "ideasSoFar": gettext("Ideas so far"),
        "noIdeas": gettext("No ideas yet."),
        # ballots checked in the browser (the server's poll_kinds.py says the same)
        "chooseAgree": gettext("Choose agree, disagree or pass."),
        "chooseAgreeOne": gettext("Choose agree, disagree or pass for at least one statement."),
        "rankNumber": gettext("Enter a number from 1 to %(num)s for %(option)s."),
        "rankDifferent": gettext("Give each option a different number."),
        "rankNone": gettext("Number at least one option, starting with 1 for your first choice."),
        "dotsAmount": gettext("Enter a whole number of dots for %(label)s, like 2."),
        "budgetAmount": gettext("Enter an amount for %(label)s, like 25 or 12.50."),
        "dotsNone": gettext("Put at least one dot on an option."),
        "budgetNone": gettext("Put some of the budget on at least one option."),
        "chooseOption": gettext("Choose one option."),
        # polls and recommendations
        "agree": gettext("Agree"),
        "disagree": gettext("Disagree"),
        "pass": gettext("Pass"),
        "chooseOne": gettext("Choose one"),
        "rankLegend": gettext("Rank the options"),
        "rankHint": gettext(
            "Number them 1 for your first choice, 2 for your second, and so on, up to "
            "%(num)s. Leave blank any you do not want to rank."
        ),
        "dotsLegend": gettext("Share your dots"),
        "budgetLegend": gettext("Split the budget"),
        "budgetHint": gettext(
            "Split %(total)s between the options, %(total)s at most in total. You can use up "
            "to 2 decimal places."
        ),
        "changeVote": gettext("Change my vote"),
        "sendVote": gettext("Send my vote"),
        "vote": gettext("Vote"),
        "pollOpen": gettext("Open"),
        "pollResults": gettext("Results"),
        "pollClosed": gettext("Closed"),
        "youHaveVoted": gettext("You have voted. You can change your vote until the poll closes."),
        "votingClosed": gettext("Voting has closed. The results have not been revealed yet."),
        "recDraft": gettext("Draft"),
        "recVoting": gettext("Vote open"),
        "recPassed": gettext("Passed"),
        "recFailed": gettext("Not passed"),
        "recWithdrawn": gettext("Withdrawn"),
        "proposeWording": gettext("Propose new wording"),
        "whyOptional": gettext("Why (optional)"),
        "proposeAmendment": gettext("Propose amendment"),
        "support": gettext("Support"),
        "oppose": gettext("Oppose"),
        "abstain": gettext("Abstain"),
        "aJuror": gettext("a juror"),
        "signReport": gettext("Sign this report"),
        "byAuthor": gettext("by %(author)s"),
        "disagreeWrite": gettext("Disagree? Write a minority report"),
        "writeMinority": gettext("Write a minority report"),
        "minorityHint": gettext("If you disagree, explain why. Others can sign it."),
        "attachMinority": gettext("Attach minority report"),
        "supportShare": gettext(
            "%(share)s of those who supported or opposed (%(support)s support, %(oppose)s oppose)."
        ),
        "neededMet": gettext("%(needed)s was needed: met."),
        "neededNotMet": gettext("%(needed)s was needed: not met."),
        "met": gettext("met."),
        "notMet": gettext("not met."),
        "quorum": gettext("Quorum"),
        "turnout": gettext("Turnout"),
        "yourVote": gettext("Your vote"),
        "voteLegend": gettext("Your vote (%(share)s%% support needed)"),
        "didNotVote": gettext("You did not vote."),
        "amendments": gettext("Amendments"),
        "minorityReports": gettext("Minority reports"),
        "supportCounts": gettext("Support %(support)s, oppose %(oppose)s, abstain %(abstain)s."),
        # what the juror is told after an action
        "pollNotOpen": gettext("That poll is no longer open."),
        "ballotDone": gettext("Your vote is recorded. You can change it until the poll closes."),
        "voteDone": gettext("Your vote is recorded."),
        "amendmentDone": gettext("Amendment proposed."),
        "minorityDone": gettext("Your minority report is attached."),
        "signDone": gettext("You have signed the report."),
        "ideaDone": gettext("Idea added."),
        "noteDone": gettext("Your note is saved."),
        "reflectionDone": gettext("Your reflection is sent to the facilitators."),
        "didNotWork": gettext("That did not work. Try again."),
        "sessionEndedSay": gettext("This session has ended."),
        "nowRound": gettext("Now: %(title)s."),
        "youHaveFloor": gettext("You have the floor."),
        "invitedToSpeak": gettext("The facilitator invites you to speak."),
        "writeFirst": gettext("Write a message first."),
        "handLowered": gettext("Your hand is lowered."),
        "handRaised": gettext("Your hand is raised."),
        # the gallery
        "nothingShared": gettext("Nothing has been shared yet."),
        # a poll with text that has no Welsh version (the same note as consult.i18n's)
        "contentNotInWelsh": gettext("This content is not available in Welsh"),
    }
    plurals = {
        "ballots": lambda n: ngettext("%(num)s ballot", "%(num)s ballots", n),
        "dotsHint": lambda n: ngettext(
            "You have %(num)s dot. Put 0 or more on each option, %(num)s at most in total.",
            "You have %(num)s dots. Put 0 or more on each option, %(num)s at most in total.",
            n,
        ),
        "opinionGroup": lambda n: ngettext(
            "Group %(label)s (%(num)s person)", "Group %(label)s (%(num)s people)", n
        ),
        "quorumNeeded": lambda n: ngettext(
            "%(num)s vote needed, %(cast)s cast (abstentions count):",
            "%(num)s votes needed, %(cast)s cast (abstentions count):",
            n,
        ),
        "signatures": lambda n: ngettext(
            "By %(author)s; %(num)s signature.", "By %(author)s; %(num)s signatures.", n
        ),
        "turnoutText": lambda n: ngettext(
            "%(cast)s of %(num)s juror voted.", "%(cast)s of %(num)s jurors voted.", n
        ),
    }
    for key, forms in plurals.items():
        strings.update(plural_forms(key, forms))
    return strings
