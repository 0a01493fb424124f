"""Page numbers the API cannot use get a clear 4xx, never a 500 (issue 14, L2)."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize("page", ["²", "١", "0", "-1", HUGE])
def test_odd_page_numbers_in_the_api_get_a_clear_refusal(client, officer_token, page):
    token = officer_token()
    response = client.get(
        f"/api/v1/consultations/any/responses?page={page}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert 400 <= response.status_code < 500
