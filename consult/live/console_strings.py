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
    }
    strings.update(
        plural_forms(
            "consoleWelshLines",
            lambda n: ngettext("%(num)s line", "%(num)s lines", n),
        )
    )
    return strings


def page_strings() -> dict[str, str]:
    """The live pages' strings: the juror scripts' everywhere, the console's on it."""
    console = has_request_context() and request.endpoint == "live.console"
    return live_strings() | (console_strings() if console else {})
