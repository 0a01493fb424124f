"""A budget answer in error outlines the boxes at fault (issue 15, item 9): the one box
whose amount is not a whole number, or every box when only their total is wrong."""

from __future__ import annotations

import re

import pytest

from tests.consultations.test_consultation_journey import _start


def _outlined(page: str) -> dict[str, bool]:
    """Budget box id -> whether it is outlined as in error."""
    return {
        match.group(2): "govuk-input--error" in match.group(1)
        for match in re.finditer(
            r'<input class="([^"]*)" id="([^"]+)"[^>]*data-budget-amount', page
        )
    }


@pytest.mark.parametrize(
    ("roads", "parks", "expected"),
    [
        ("sixty", "40", {"roads": True, "parks": False}),
        ("60", "-5", {"roads": False, "parks": True}),
        ("60", "30", {"roads": True, "parks": True}),  # adds up to £90: all of them
    ],
)
def test_only_the_faulty_boxes_are_outlined(
    client, every_kind, question_ids, roads, parks, expected
):
    ids = question_ids(every_kind(slug="buses"))
    _start(client, "buses")
    name = f"q{ids['budget']}"
    response = client.post(
        "/consultations/buses/respond/6", data={f"{name}-roads": roads, f"{name}-parks": parks}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    outlined = _outlined(page)
    assert outlined == {
        (name if option == "roads" else f"{name}-{option}"): flag
        for option, flag in expected.items()
    }
    assert f'value="{roads}"' in page and f'value="{parks}"' in page  # nothing typed is lost
