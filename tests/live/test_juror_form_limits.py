"""The juror's forms without JavaScript are rate-limited per person, each form on its own
count at its own rate: the forms registered from a table (consult/live/views.py
RECOMMENDATION_FORMS, CONTRIBUTION_FORMS) as much as the ones written out."""

from __future__ import annotations

import pytest

from consult.live.views import SAY_RATE, VOTE_RATE

SAYS, VOTES = int(SAY_RATE.split()[0]), int(VOTE_RATE.split()[0])


@pytest.fixture
def app_config(app_config):
    """This module's apps count requests (the other tests' do not)."""
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_each_juror_form_is_limited_per_person_on_its_own_count(app, make_panel_member, sign_in):
    assert SAYS < VOTES
    client = app.test_client()
    sign_in(client, code=make_panel_member()[1])
    page = "/live/sessions/999999"  # no such session: each post is counted, then refused

    def statuses(path: str, times: int) -> list[int]:
        return [client.post(f"{page}/{path}", data={"text": "x"}).status_code for _ in range(times)]

    assert statuses("notes", SAYS + 1) == [404] * SAYS + [429]
    assert statuses("reflections", 1) == [404]  # the notes' count is the notes' own
    assert statuses("recommendations/1/amendments", SAYS + 1) == [404] * SAYS + [429]
    assert statuses("recommendations/1/vote", SAYS + 1) == [404] * (SAYS + 1)  # a vote's rate
    assert statuses("hand", 1) == [404]
