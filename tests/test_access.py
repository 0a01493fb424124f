"""The role matrix: every registered route, requested as each kind of person, lets in
exactly the people its access declaration names, and none of them gets a server error
(errors.py turns any exception into a 500, so "not refused" alone would pass a route that
crashes for everyone). A route that declares nothing fails."""

from __future__ import annotations

import secrets
import tempfile
from typing import Any

import pytest
from werkzeug.routing import IntegerConverter, Rule

from consult import create_app
from consult.extensions import db
from consult.models import SignInSession

PEOPLE = ("anonymous", "juror", "facilitator", "officer", "admin")
PLACEHOLDERS: dict[str, Any] = {
    "slug": "matrix",
    "jury_slug": "matrix",
    "reference": "RSP-0000-0000",
}


def _routes() -> list[Rule]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SOCKETIO_ASYNC_MODE": "threading",
            }
        )
        rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
        with app.app_context():
            db.engine.dispose()
    return sorted(rules, key=lambda rule: rule.rule)


ROUTES = _routes()


def _url(rule: Rule) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        values[argument] = (
            1 if isinstance(converter, IntegerConverter) else (PLACEHOLDERS.get(argument, "matrix"))
        )
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<{name}>", str(value))
        for prefix in ("int:", "string:", "path:", "uuid:"):
            url = url.replace(f"<{prefix}{name}>", str(value))
    return url


def _allowed(access: tuple[str, ...], person: str) -> bool:
    if "public" in access:
        return True
    return person in access


@pytest.fixture
def people(app, make_user, make_panel_member, make_consultation, make_jury):
    """A signed-in test client per kind of person, and one of each object routes name."""
    make_consultation(slug="matrix")
    jury_id = make_jury()
    with app.app_context():
        from consult.models import Jury

        db.session.get(Jury, jury_id).slug = "matrix"
        db.session.commit()
    member_id, _ = make_panel_member(jury_id=jury_id)
    identities = {
        "juror": f"member:{member_id}:0",
        **{role: f"user:{make_user(role)}" for role in ("facilitator", "officer", "admin")},
    }
    tokens = {person: secrets.token_urlsafe(16) for person in identities}
    with app.app_context():
        for person, identity in identities.items():
            kind, person_id = identity.split(":")[:2]
            db.session.add(
                SignInSession(
                    token_hash=SignInSession.hash(tokens[person]),
                    user_id=int(person_id) if kind == "user" else None,
                    member_id=int(person_id) if kind == "member" else None,
                )
            )
        db.session.commit()

    def client_for(person: str):  # type: ignore[no-untyped-def]
        client = app.test_client()
        if person != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = identities[person]
                session["_fresh"] = True
                session["sid"] = tokens[person]  # an open sign-in kept on the server
        return client

    return client_for


@pytest.mark.parametrize(
    "rule",
    ROUTES,
    ids=lambda rule: f"{rule.rule}[{','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}]",
)
def test_route_lets_in_exactly_the_roles_it_declares(app, people, rule):
    view = app.view_functions[rule.endpoint]
    access = getattr(view, "access", None)
    assert access, f"{rule.endpoint} declares no access (use public, staff_required, ...)"
    url = _url(rule)
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    method = "GET" if "GET" in methods else methods[0]
    for person in PEOPLE:
        response = people(person).open(url, method=method)
        status = response.status_code
        response.close()
        if _allowed(access, person):
            assert status not in (401, 403), f"{person} refused {method} {url} ({status})"
            assert status < 500, f"{person} got a server error at {method} {url} ({status})"
            if person != "anonymous" and status == 302:
                location = response.headers["Location"]
                assert "/sign-in" not in location and "/join" not in location, (
                    f"{person} sent to sign in at {method} {url}"
                )
        elif person == "anonymous":
            if url.startswith("/api/"):
                assert status == 401, f"anonymous got {status} at {method} {url}"
            else:
                assert status == 302, f"anonymous got {status} at {method} {url}"
                location = response.headers["Location"]
                assert "/sign-in" in location or "/join" in location
        else:
            assert status == 403, f"{person} got {status} at {method} {url}, expected 403"
