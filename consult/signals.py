"""Signals: how one feature tells the others that something happened, without importing
them (blinker, as Flask's own signals are). The sender is the person the news is about;
a feature that cares connects a receiver when it is set up (live connects its receivers
when its blueprint is registered: consult/live/__init__.py). A signal with no receivers
costs nothing, so features stay optional to each other.

    signals.staff_access_revoked.send(user)   # after the change is committed
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A staff account was deactivated (committed). Sender: the `User`.
staff_access_revoked = _signals.signal("staff-access-revoked")

#: A juror dropped out of their jury (committed). Sender: the `PanelMember`.
juror_dropped_out = _signals.signal("juror-dropped-out")

#: A juror declined their place, or an officer recorded that they did (committed).
#: Sender: the `PanelMember`.
juror_declined = _signals.signal("juror-declined")
