"""Merging themes cannot be undone, so it asks first (issue 15, item 14): the Merge button
shows which themes will be merged into which, with a warning; only "Yes, merge" merges."""

from __future__ import annotations

from tests.workspace.test_pages import _start, _themes


def test_merging_themes_asks_first(app, officer_client, closed_consultation):
    run_id = _start(officer_client, closed_consultation["id"])
    question = closed_consultation["questions"][0]
    themes = _themes(app, run_id, question)
    (first, first_label, _), (second, second_label, _) = themes[0], themes[1]

    asked = officer_client.post(f"/workspace/themes/{first}/merge", data={"sources": [second]})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert f"Merge 1 theme into “{first_label}”?" in html
    assert second_label in html and "A merge cannot be undone" in html
    assert f'name="sources" value="{second}"' in html and 'name="confirm" value="yes"' in html
    assert _themes(app, run_id, question) == themes  # nothing merged yet

    merged = officer_client.post(
        f"/workspace/themes/{first}/merge",
        data={"sources": [second], "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Merged 1 theme into" in merged.get_data(as_text=True)
    assert second not in [theme_id for theme_id, _, _ in _themes(app, run_id, question)]
