"""The plural helper every page and flash message uses (issue 15, item 15): "1 answer",
never "1 answers" or "answer(s)"."""

from __future__ import annotations

from flask import Flask, render_template_string

from consult.wording import noun, plural


def test_a_count_takes_the_noun_in_the_right_number():
    assert plural(1, "answer") == "1 answer"
    assert plural(0, "answer") == "0 answers"
    assert plural(2, "theme") == "2 themes"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"
    assert plural(2, "box") == "2 boxes" and plural(2, "match") == "2 matches"
    assert plural(12_500, "response") == "12,500 responses"
    assert noun(1, "was", "were") == "was" and noun(4, "was", "were") == "were"


def test_templates_have_the_filters(app: Flask):
    with app.test_request_context():
        html = render_template_string(
            "{{ 1|plural('resident') }} {{ 1|noun('was', 'were') }} emailed; "
            "{{ 2|plural('person', 'people') }}"
        )
    assert html == "1 resident was emailed; 2 people"
