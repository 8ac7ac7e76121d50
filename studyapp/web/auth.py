"""Registering, logging in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from studyapp.accounts.users import AccountError, authenticate, create_user
from studyapp.storage.db import transaction
from studyapp.web.forms import LoginForm, PostForm, RegisterForm
from studyapp.web.runtime import db_session, now

blueprint = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site ("/study?deck=2"), else None.

    Refuses absolute and scheme-relative URLs ("//evil.example", "/\\evil"),
    anything with a scheme or host, and control characters.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _home() -> str:
    return url_for("decks.index")


@blueprint.route("/register", methods=["GET", "POST"])
def register() -> Response | str:
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            with transaction(session):
                user = create_user(session, form.username.data, form.password.data, now=now())
        except AccountError as error:
            field = form.password if "password" in str(error).lower() else form.username
            field.errors = [*field.errors, str(error)]
        except IntegrityError:
            # Someone took the name between our check and the insert.
            form.username.errors = [f"The username '{form.username.data}' is taken."]
        else:
            login_user(user)
            flash(f"Welcome, {user.username}! Pick a deck to start studying.", "success")
            return redirect(_home())
    return render_template("register.html", form=form)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or _home())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(db_session(), form.username.data, form.password.data)
        if user is None:
            error = "Wrong username or password."
        else:
            login_user(user, remember=bool(form.remember.data))
            flash(f"Welcome back, {user.username}.", "success")
            return redirect(next_url or _home())
    return render_template("login.html", form=form, error=error, next_url=next_url)


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    form = PostForm()
    # CSRFProtect has already refused a POST without a valid token (see decks.py).
    if form.validate_on_submit() and current_user.is_authenticated:
        logout_user()
        flash("You have logged out.", "info")
    return redirect(url_for("decks.index"))
