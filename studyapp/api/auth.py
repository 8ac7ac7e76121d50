"""Bearer tokens: issuing them, and requiring one on every other API call.

Authentication runs as the blueprint's ``before_request``, so a route is
protected unless its endpoint is listed in :data:`PUBLIC_ENDPOINTS`.
"""

from __future__ import annotations

from flask import Response, g, jsonify, request

from studyapp.accounts.api_tokens import issue_api_token, user_for_api_token
from studyapp.accounts.users import authenticate
from studyapp.api.blueprint import api_blueprint
from studyapp.api.errors import ApiError
from studyapp.api.parsing import json_object, str_field
from studyapp.storage.db import transaction
from studyapp.storage.models import User
from studyapp.web.runtime import db_session, now

REALM = "studyapp"
# Longer values are not credentials anyone was issued; refuse them without a lookup.
MAX_CREDENTIAL_LENGTH = 1024


# Endpoints that answer without a token (filled in by the ``@public`` decorator).
PUBLIC_ENDPOINTS: set[str] = set()


def public(view):
    """Mark an API view as needing no bearer token (put it below ``@api_blueprint.route``)."""
    PUBLIC_ENDPOINTS.add(f"{api_blueprint.name}.{view.__name__}")
    return view


def current_user() -> User:
    """The user whose token authenticated this request."""
    return g.api_user


def require_admin(action: str = "do that") -> User:
    """The calling user if they are an administrator; otherwise a 403 ``forbidden`` error
    saying "Only administrators may <action>." (e.g. "import a public deck")."""
    user = current_user()
    if not user.is_admin:
        raise ApiError(403, "forbidden", f"Only administrators may {action}.")
    return user


def _unauthorized(code: str, message: str, challenge: str) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


@api_blueprint.route("/tokens", methods=["POST"])
@public
def create_token() -> tuple[Response, int]:
    body = json_object()
    username = str_field(body, "username", required=True)
    password = str_field(body, "password", required=True)
    assert username is not None and password is not None
    session = db_session()
    user = None
    if _plausible(username):
        user = authenticate(session, username, password)
    if user is None:
        raise _unauthorized(
            "invalid_credentials",
            "The username or password is wrong.",
            f'Bearer realm="{REALM}"',
        )
    with transaction(session):
        token = issue_api_token(session, user, now=now())
    response = jsonify({"token": token})
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@api_blueprint.before_request
def _require_bearer_token() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized(
            "unauthorized",
            "This call needs an 'Authorization: Bearer <token>' header; "
            "get a token from POST /api/v1/tokens.",
            f'Bearer realm="{REALM}"',
        )
    session = db_session()
    user = user_for_api_token(session, token, now=now()) if _plausible(token) else None
    if user is None:
        session.rollback()
        raise _unauthorized(
            "invalid_token",
            "The bearer token is not valid.",
            f'Bearer realm="{REALM}", error="invalid_token"',
        )
    session.commit()  # records the token's last use
    g.api_user = user


def _plausible(credential: str) -> bool:
    """False for values no database should be asked about (NUL bytes, megabytes of text)."""
    return len(credential) <= MAX_CREDENTIAL_LENGTH and "\x00" not in credential
