"""Participatory budgeting kiosk pages (consult/pb/kiosk.py): staff start a kiosk on a
shared tablet; the tablet then waits for the next voter (staff PIN or a voting code),
shows an empty ballot, thanks the voter without showing what they chose, and waits again.
Every kiosk page is sent with `Cache-Control: no-store`, so the browser's Back button
cannot bring a previous voter's page back; static/js/pb-kiosk.js clears the page after
`kiosk.IDLE_SECONDS` without a touch."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from consult.auth import sessions
from consult.auth.access import public, staff_required
from consult.errors import ConsultError
from consult.extensions import db, limiter
from consult.models import PBRound, PBVoterCode
from consult.pb import ballots as ballot_kinds
from consult.pb import kiosk, services
from consult.pb.ballot_pages import ballot_page, submit_ballot
from consult.pb.blueprint import bp
from consult.pb.language import localised_round

KIOSK_KEY = "pb_kiosk"  # {"round": id, "token": device token, "slot": None | {...}}


def _no_store(body: Any, status: int = 200) -> ResponseReturnValue:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/manage/kiosk", methods=["GET", "POST"])
@staff_required("officer", "facilitator")
def kiosk_start(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action") == "end":
        for item in kiosk.open_kiosks(pb_round):
            if str(item.id) == request.form.get("kiosk_id"):
                kiosk.end_kiosk(item, actor=current_user)
                db.session.commit()
                name = item.label or str(item.id)
                flash(gettext("Kiosk %(name)s closed.", name=name), "success")
        return redirect(url_for("pb.kiosk_start", slug=slug))
    if request.method == "POST":
        try:
            started, token, pin = kiosk.start_kiosk(
                pb_round,
                mode=request.form.get("mode", ""),
                label=request.form.get("label", ""),
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            if error.status != 422:
                raise
            errors = error.fields or {"mode": error.message}
        else:
            sessions.end()  # this device is the kiosk now, not a signed-in staff member
            db.session.commit()
            session[KIOSK_KEY] = {"round": pb_round.id, "token": token, "slot": None}
            return _no_store(
                render_template(
                    "pb/kiosk/started.html",
                    pb_round=localised_round(pb_round),
                    pin=pin,
                    kiosk=started,
                )
            )
    return render_template(
        "pb/kiosk/start.html",
        pb_round=localised_round(pb_round),
        errors=errors,
        modes=kiosk.MODES,
        kiosks=kiosk.open_kiosks(pb_round),
    ), (400 if errors else 200)


def _device(pb_round: PBRound) -> tuple[Any, dict[str, Any]]:
    state = dict(session.get(KIOSK_KEY) or {})
    if state.get("round") != pb_round.id:
        state = {}
    return kiosk.kiosk_for(pb_round, state.get("token")), state


def _slot(state: dict[str, Any]) -> dict[str, Any] | None:
    slot = state.get("slot")
    if not isinstance(slot, dict):
        return None
    if time.time() - float(slot.get("opened", 0)) > kiosk.SLOT_SECONDS:
        return None
    return slot


def _set_slot(state: dict[str, Any], slot: dict[str, Any] | None) -> None:
    state["slot"] = slot
    session[KIOSK_KEY] = state


@bp.route("/<slug>/kiosk", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@public
def kiosk_ready(slug: str) -> ResponseReturnValue:
    """Waiting for the next voter: the staff PIN or a voting code opens one ballot."""
    pb_round = services.find_round(slug, public=True)
    device, state = _device(pb_round)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.require_voting_open(pb_round)
            if device.mode == "code":
                code: PBVoterCode = services.voter_code(pb_round, request.form.get("code", ""))
                slot: dict[str, Any] = {"opened": time.time(), "code": code.id}
            else:
                kiosk.check_pin(device, state["token"], request.form.get("pin", ""))
                slot = {"opened": time.time(), "code": None}
        except ConsultError as error:
            if error.status != 422:
                raise
            errors = error.fields or {"pin": error.message}
        else:
            _set_slot(state, slot)
            return redirect(url_for("pb.kiosk_ballot", slug=slug))
    else:
        _set_slot(state, None)  # back at the start: any slot left open is closed
    body = render_template(
        "pb/kiosk/ready.html", pb_round=localised_round(pb_round), device=device, errors=errors
    )
    return _no_store(body, 400 if errors else 200)


@bp.route("/<slug>/kiosk/ballot", methods=["GET", "POST"])
@public
def kiosk_ballot(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    device, state = _device(pb_round)
    slot = _slot(state)
    if slot is None:
        _set_slot(state, None)
        return redirect(url_for("pb.kiosk_ready", slug=slug))
    kind = ballot_kinds.kind_of(pb_round)
    values: Any = kind.form_values([], None)  # a kiosk never shows an earlier ballot
    errors: dict[str, str] = {}
    ward = age_band = ""
    if request.method == "POST":
        code = db.session.get(PBVoterCode, slot["code"]) if slot.get("code") else None
        cast, typed, errors, ward, age_band = submit_ballot(
            pb_round, partial(kiosk.cast_kiosk_ballot, pb_round, device, code=code)
        )
        if cast is not None:
            _set_slot(state, None)
            session["pb_kiosk_done"] = cast.reference
            return redirect(url_for("pb.kiosk_done", slug=slug))
        values = typed
    body = ballot_page(
        pb_round,
        template="pb/kiosk/ballot.html",
        values=values,
        errors=errors,
        changing=False,
        ward=ward,
        age_band=age_band,
        with_code=bool(slot.get("code")),
        idle_seconds=kiosk.IDLE_SECONDS,
    )
    return _no_store(body, 400 if errors else 200)


@bp.route("/<slug>/kiosk/done")
@public
def kiosk_done(slug: str) -> ResponseReturnValue:
    """The voter's confirmation: counted, with the ballot's reference, and not its choices."""
    pb_round = services.find_round(slug, public=True)
    _device(pb_round)
    reference = session.pop("pb_kiosk_done", None)
    if not reference:
        return redirect(url_for("pb.kiosk_ready", slug=slug))
    body = render_template(
        "pb/kiosk/done.html",
        pb_round=localised_round(pb_round),
        reference=reference,
        idle_seconds=15,
    )
    return _no_store(body)


@bp.route("/<slug>/kiosk/cancel", methods=["POST"])
@public
def kiosk_cancel(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    _, state = _device(pb_round)
    _set_slot(state, None)
    return redirect(url_for("pb.kiosk_ready", slug=slug))


@bp.route("/<slug>/kiosk/end", methods=["POST"])
@limiter.limit("10 per minute")
@public
def kiosk_end(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    device, state = _device(pb_round)
    try:
        kiosk.check_pin(device, state["token"], request.form.get("end_pin", ""))
    except ConsultError:
        body = render_template(
            "pb/kiosk/ready.html",
            pb_round=localised_round(pb_round),
            device=device,
            errors={"end_pin": "That PIN is not right"},
        )
        return _no_store(body, 400)
    kiosk.end_kiosk(device)
    db.session.commit()
    session.pop(KIOSK_KEY, None)
    flash(
        gettext("The kiosk is closed. Sign in again to use staff pages on this device."),
        "success",
    )
    return redirect(url_for("pb.show", slug=slug))
