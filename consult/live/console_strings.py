"""The strings the facilitator console's script (static/js/live-console.js) shows, by
key, in the page's language: a staff page, so English is complete and Welsh is welcome
but optional (docs/translations.md). Embedded on the console only, beside the juror
scripts' strings (browser_strings.py), which the console's shared drawing also uses."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import gettext

from consult.live.browser_strings import live_strings, ngettext, plural_forms
from consult.live.rounds import SESSION_STATUS_LABELS as STATUSES


def console_strings() -> dict[str, str]:
    """Every string live-console.js shows the facilitator, by key."""
    strings = {
        # the session's status tag (rounds.SESSION_STATUS_LABELS)
        **{f"sessionStatus.{status}": gettext(label) for status, label in STATUSES.items()},
        # a poll's Welsh version, or what lacks one
        "consoleWelshVersion": gettext("Welsh version"),
        "consoleWelshQuestion": gettext("the question"),
        "consoleWelshMissing": gettext(
            "No Welsh version yet: %(parts)s. Jurors reading in Welsh see the English there."
        ),
        "consoleWelshComplete": gettext("Jurors reading in Welsh see all of this poll in Welsh."),
        "consoleWelshQuestionLabel": gettext("Question (Welsh version)"),
        "consoleWelshLinesLabel": gettext(
            "Statements or options (Welsh version), one a line in the same order"
        ),
        "consoleWelshSave": gettext("Save the Welsh version"),
        "consoleWelshSaved": gettext("Welsh version saved."),
        # what the console draws: the queue, tables, moderation, polls, recommendations,
        # the idea board and the controls (the server draws the same: _console.html)
        "consoleTable": gettext("table"),
        "consoleGiveFloor": gettext("Give the floor to %(name)s"),
        "consoleNobodyHasFloor": gettext("Nobody has the floor."),
        "consoleHasFloor": gettext("%(name)s has the floor."),
        "consoleHasFloorAtTable": gettext("%(name)s has the floor at a table."),
        "consoleEndTurn": gettext("End %(name)s's turn"),
        "consoleFairShare": gettext(
            "Fair share so far: %(share)s s each of %(total)s s. Not spoken yet: %(names)s."
        ),
        "consoleNobody": gettext("nobody"),
        "consoleSeconds": gettext("%(num)s s"),
        "consoleNotYet": gettext("Not yet"),
        "consoleInvite": gettext("Invite %(name)s to speak"),
        "consoleHide": gettext("Hide"),
        "consoleRemoveFromGallery": gettext("Remove from gallery"),
        "consoleShowInGallery": gettext("Show in gallery"),
        "consoleNoTable": gettext("No table"),
        "consoleMuted": gettext("(muted)"),
        "consoleScribe": gettext("(scribe)"),
        "consoleTableFor": gettext("Table for %(name)s"),
        "consoleUnmute": gettext("Unmute %(name)s"),
        "consoleMute": gettext("Mute %(name)s"),
        "consoleMakeScribe": gettext("Make %(name)s scribe"),
        "consoleNobodyConnected": gettext("Nobody else is connected."),
        "consolePollAgree": gettext("Agree or disagree"),
        "consolePollSingle": gettext("Single choice"),
        "consolePollRanking": gettext("Ranking"),
        "consolePollDots": gettext("Dot vote"),
        "consolePollBudget": gettext("Budget split"),
        "consolePollDraft": gettext("Not opened yet"),
        "consoleResultsShown": gettext("results shown to jurors"),
        "consoleSoFar": gettext("so far"),
        "consoleOpenPoll": gettext("Open poll"),
        "consoleClosePoll": gettext("Close poll"),
        "consoleRevealResults": gettext("Reveal results"),
        "consoleNeeds": gettext("needs %(share)s%% support, quorum %(quorum)s"),
        "consoleAmendmentBy": gettext("Amendment by %(author)s (%(status)s): %(text)s"),
        "consoleWhy": gettext("Why: %(text)s"),
        "consoleRoomAccepts": gettext("Room accepts"),
        "consoleRoomRejects": gettext("Room rejects"),
        "consoleOpenFinalVote": gettext("Open the final vote"),
        "consoleVoting": gettext("Voting"),
        "consoleVotingTally": gettext(
            "Voting (support %(support)s, oppose %(oppose)s, abstain %(abstain)s)"
        ),
        "consoleCloseVote": gettext("Close the vote and record the result"),
        "consoleWithdraw": gettext("Withdraw"),
        "consoleThemeName": gettext("Theme name"),
        "consoleRename": gettext("Rename"),
        "consoleMergeInto": gettext("Merge into"),
        "consoleMerge": gettext("Merge"),
        "consoleNotGrouped": gettext("Not grouped"),
        "consoleHidden": gettext("(hidden)"),
        "consoleEngineNone": gettext("Ideas are grouped into themes as they arrive."),
        "consoleEngineDown": gettext(
            "Automatic grouping is not working at the moment: ideas are listed as they arrive."
        ),
        "consoleEngine": gettext(
            "Ideas are grouped automatically by the words they share. "
            "Rename or merge themes as you see fit."
        ),
        "controlStart": gettext("Start session"),
        "controlResume": gettext("Resume"),
        "controlPause": gettext("Pause"),
        "controlExtend": gettext("Add 5 minutes"),
        "controlBack": gettext("Previous round"),
        "controlAdvance": gettext("Next round"),
        "controlJump": gettext("Jump to round"),
        "controlGoTo": gettext("Go to round"),
        "controlEnd": gettext("End the session"),
        "controlEnded": gettext("The session has ended. Nothing more can be added to it."),
        "consolePublicView": gettext("public view"),
        "consoleGalleryClosed": gettext(
            "closed (the public cannot follow the session until you open it)"
        ),
        "consoleNobodySeated": gettext("Nobody is seated yet."),
        "consoleCloseGallery": gettext("Close the public gallery"),
        "consoleOpenGallery": gettext("Open the public gallery"),
        "consoleMoved": gettext("Moved to the chosen round."),
        "consoleDone": gettext("Done: %(label)s."),
        "consoleTablesAllocated": gettext("Tables allocated."),
        "consolePollCreated": gettext("Poll created. Open it when you are ready."),
        "consoleRecommendationAdded": gettext("Recommendation added."),
        "consoleProposed": gettext("proposed"),
        "consoleAccepted": gettext("accepted"),
        "consoleRejected": gettext("rejected"),
    }
    plurals = {
        "consoleWelshLines": lambda n: ngettext("%(num)s line", "%(num)s lines", n),
        "consoleMinorityReport": lambda n: ngettext(
            "Minority report by %(author)s (%(num)s signature): %(text)s",
            "Minority report by %(author)s (%(num)s signatures): %(text)s",
            n,
        ),
        "consoleTables": lambda n: ngettext(
            "%(num)s table: %(names)s.",
            "%(num)s tables: %(names)s.",
            n,
        ),
    }
    for key, forms in plurals.items():
        strings.update(plural_forms(key, forms))
    return strings


def page_strings() -> dict[str, str]:
    """The live pages' strings: the juror scripts' everywhere, the console's on it."""
    console = has_request_context() and request.endpoint == "live.console"
    return live_strings() | (console_strings() if console else {})
