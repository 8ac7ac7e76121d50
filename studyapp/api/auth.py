"""Bearer tokens: issuing them, and requiring one on every other API call.

Authentication runs as the blueprint's ``before_request``, so a route is
protected unless its view is registered with ``@endpoint(public=True)``.
"""

from __future__ import annotations

from flask import g, request

from studyapp.accounts.api_tokens import issue_api_token, user_for_api_token
from studyapp.accounts.users import authenticate
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint, is_public
from studyapp.api.errors import ApiError
from studyapp.api.schemas.auth import Token, TokenRequest
from studyapp.storage.db import transaction
from studyapp.storage.models import User
from studyapp.web.runtime import db_session, now

REALM = "studyapp"
# Longer values are not credentials anyone was issued; refuse them without a lookup.
MAX_CREDENTIAL_LENGTH = 1024


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
@endpoint(
    summary="Exchange a username and password for a bearer token.",
    tag="auth",
    public=True,
    body=TokenRequest,
    responses={201: (Token, "The new token (shown only once)."), 401: "Unauthorized"},
)
def create_token(body: TokenRequest) -> tuple[Token, int, dict[str, str]]:
    session = db_session()
    user = None
    if _plausible(body.username):
        user = authenticate(session, body.username, body.password)
    if user is None:
        raise _unauthorized(
            "invalid_credentials",
            "The username or password is wrong.",
            f'Bearer realm="{REALM}"',
        )
    with transaction(session):
        token = issue_api_token(session, user, now=now())
    return Token(token=token), 201, {"Cache-Control": "no-store"}


@api_blueprint.before_request
def _require_bearer_token() -> None:
    if is_public(request.endpoint) or request.method == "OPTIONS":
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
    use = user_for_api_token(session, token, now=now()) if _plausible(token) else None
    if use is None:
        session.rollback()
        raise _unauthorized(
            "invalid_token",
            "The bearer token is not valid.",
            f'Bearer realm="{REALM}", error="invalid_token"',
        )
    if use.recorded:
        session.commit()  # the token's last use, apart from whatever the call does
    g.api_user = use.user


def _plausible(credential: str) -> bool:
    """False for values no database should be asked about (NUL bytes, megabytes of text)."""
    return len(credential) <= MAX_CREDENTIAL_LENGTH and "\x00" not in credential
