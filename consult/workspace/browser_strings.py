"""The strings the workspace's scripts show officers (static/js/workspace-progress.js,
workspace-charts.js), by key, in the page's language; registered for the workspace's pages
(consult.i18n.register_browser_strings) and read with i18n.js `t(key, values)`."""

from __future__ import annotations

from flask_babel import gettext


def workspace_strings() -> dict[str, str]:
    return {
        # workspace-progress.js: an analysis run's status tag (as the page's status_tag)
        "runQueued": gettext("Queued"),
        "runRunning": gettext("Running"),
        "runDone": gettext("Done"),
        "runFailed": gettext("Failed"),
        # workspace-charts.js: an opinion group in the legend of a jury's opinion map
        "opinionGroup": gettext("Group %(number)s (%(size)s)"),
    }
