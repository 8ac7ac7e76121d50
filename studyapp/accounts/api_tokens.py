"""Bearer tokens for the API: issuing one, and finding the user a token belongs to.

Only a token's SHA-256 is stored, so a token is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from studyapp.storage.models import ApiToken, User

LAST_USE_PRECISION = timedelta(minutes=1)


def issue_api_token(session: Session, user: User, *, now: datetime) -> str:
    """A new bearer token for ``user``; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), created_at=now))
    session.flush()
    return token


_TOKEN_USER = (
    select(User, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_sha256 == bindparam("digest"))
)
_TOKENS = ApiToken.__table__
_TOUCH = (
    update(_TOKENS)
    .where(_TOKENS.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("used_at", type_=_TOKENS.c.last_used_at.type))
)


@dataclass(frozen=True)
class TokenUse:
    """Whose token it is, and whether its last use was written now (the caller commits)."""

    user: User
    recorded: bool


def user_for_api_token(session: Session, token: str, *, now: datetime) -> TokenUse | None:
    """The token's user, or None; the token's last use is recorded to the minute."""
    row = session.execute(_TOKEN_USER, {"digest": _digest(token)}).one_or_none()
    if row is None:
        return None
    user, token_id, last_used_at = row
    # A write per API call would make every read a write transaction; a last-use time
    # to the minute is as good for the learner and costs one write a minute.
    if last_used_at is None or now - last_used_at >= LAST_USE_PRECISION:
        session.execute(_TOUCH, {"token_id": token_id, "used_at": now})
        return TokenUse(user, recorded=True)
    return TokenUse(user, recorded=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
