"""Roles on the pages: what only administrators (``User.is_admin``) may do.

:func:`require_admin` is for a view that allows an action to administrators
only, possibly just one option of a form (e.g. importing a deck as public
rather than private); :func:`admin_required` guards a whole view. A user who
is not an administrator gets the 403 page with a message saying what they
tried; someone not logged in is sent to the login page first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

View = TypeVar("View", bound=Callable[..., Any])


def admin_message(action: str) -> str:
    """The sentence a refused user reads: "Only administrators may import a public deck."."""
    return f"Only administrators may {action}."


def require_admin(action: str = "do that") -> None:
    """Abort with 403 (the error page saying "Only administrators may <action>.") unless the
    logged-in user is an administrator. Call it after ``login_required`` has run."""
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(403, description=admin_message(action))


def admin_required(action: str = "open this page") -> Callable[[View], View]:
    """Decorate a view so that only logged-in administrators reach it."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            require_admin(action)
            return view(*args, **kwargs)

        return login_required(guarded)  # type: ignore[return-value]

    return decorate
