"""Users: creating them with their settings, finding them, checking their passwords, roles."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from studyapp.errors import Invalid
from studyapp.storage.models import User, UserSettings

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
MIN_PASSWORD_LENGTH = 8


class AccountError(Invalid):
    """A username or password that cannot be used, or a user that does not exist."""

    code = "invalid_account"


def create_user(
    session: Session, username: str, password: str, *, now: datetime, is_admin: bool = False
) -> User:
    """Add a user with default settings; the caller commits."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("A username is 3 to 64 letters, digits, dots, hyphens or underscores.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if find_user(session, username) is not None:
        raise AccountError(f"The username '{username}' is taken.")
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
        created_at=now,
        settings=UserSettings(),
    )
    session.add(user)
    session.flush()
    return user


def set_admin(session: Session, username: str, is_admin: bool) -> User:
    """Make the user an administrator or take the role away; the caller commits.

    :class:`AccountError` when there is no such user.
    """
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"There is no user named '{username.strip()}'.")
    user.is_admin = is_admin
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    # Usernames are matched case-insensitively so "Ada" cannot register beside "ada".
    return session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).one_or_none()


# Checked against when the username is unknown, so that a wrong username takes
# as long as a wrong password and response times do not reveal who has an account.
_DUMMY_PASSWORD_HASH = generate_password_hash("no such user")


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = find_user(session, username)
    if user is None:
        check_password_hash(_DUMMY_PASSWORD_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user
