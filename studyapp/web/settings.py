"""The user's study settings: retention, daily limits, study day and learning steps."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from studyapp.storage.db import transaction
from studyapp.web.forms import SettingsForm
from studyapp.web.runtime import db_session

blueprint = Blueprint("settings", __name__, url_prefix="/settings")

FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "max_reviews_per_day",
    "time_zone",
    "day_rollover_hour",
    "learning_steps",
    "relearning_steps",
)


@blueprint.route("", methods=["GET", "POST"])
@login_required
def edit() -> Response | tuple[str, int] | str:
    settings = current_user.settings
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        with transaction(db_session()):
            for name in FIELDS:
                value = getattr(form, name).data
                if name == "desired_retention":
                    value = round(value, 3)
                setattr(settings, name, value)
        flash("Settings saved.", "success")
        return redirect(url_for("settings.edit"), 303)
    if form.errors:
        flash("Nothing was saved: please correct the fields marked below.", "error")
        return render_template("settings.html", form=form), 400
    return render_template("settings.html", form=form)
