"""Bearer tokens for the API: issuing one, and finding the user a token belongs to.

Only a token's SHA-256 is stored, so a token is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.storage.models import ApiToken, User

LAST_USE_PRECISION = timedelta(minutes=1)


def issue_api_token(session: Session, user: User, *, now: datetime) -> str:
    """A new bearer token for ``user``; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), created_at=now))
    session.flush()
    return token


def user_for_api_token(session: Session, token: str, *, now: datetime) -> User | None:
    """The token's user, or None; the token's last use is recorded to the minute."""
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == _digest(token))
    ).one_or_none()
    if row is None:
        return None
    # A write per API call would make every read a write transaction; a last-use time
    # to the minute is as good for the learner and costs one write a minute.
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_PRECISION:
        row.last_used_at = now
    return session.get(User, row.user_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
