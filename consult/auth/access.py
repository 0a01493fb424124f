"""Who may reach a view: every view declares it with one of these decorators, and the
role-matrix test fails for any route that declares nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])
STAFF_ROLES = ("admin", "officer", "facilitator")


def _mark(view: Any, access: tuple[str, ...]) -> None:
    view.access = access


def public(view: F) -> F:
    """Anyone, signed in or not."""
    _mark(view, ("public",))
    return view


def _refuse_anonymous() -> Any:
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def staff_required(*roles: str) -> Callable[[F], F]:
    """Signed-in staff with one of `roles` (admins always pass). No roles: any staff."""
    allowed = roles or STAFF_ROLES

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if not getattr(current_user, "is_staff", False) or not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        _mark(wrapper, tuple(sorted({*allowed, "admin"})))
        return wrapper  # type: ignore[return-value]

    return decorate


def juror_required(view: F) -> F:
    """A juror signed in with their join code."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.join", next=request.full_path.rstrip("?")))
        if getattr(current_user, "kind", None) != "member":
            abort(403)
        return view(*args, **kwargs)

    _mark(wrapper, ("juror",))
    return wrapper  # type: ignore[return-value]


def signed_in(view: F) -> F:
    """Anyone signed in: staff or juror."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    _mark(wrapper, ("juror", *STAFF_ROLES))
    return wrapper  # type: ignore[return-value]
