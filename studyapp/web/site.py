"""What every page shares: security headers and the template filters for dates and intervals."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from studyapp.scheduling.intervals import format_interval

blueprint = Blueprint("site", __name__)


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@blueprint.after_app_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        # Deck texts are user uploads: even if one slipped past autoescaping,
        # no inline script could run.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _user_zone() -> ZoneInfo:
    zone = "UTC"
    if current_user.is_authenticated and current_user.settings is not None:
        zone = current_user.settings.time_zone
    try:
        return ZoneInfo(zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@blueprint.app_template_filter("local_time")
def local_time(moment: datetime | None, style: str = "datetime") -> str:
    """A UTC moment in the user's time zone: "Mon 2 Mar 2026, 09:10" (``style`` "time":
    "09:10"; "date": "2 Mar 2026")."""
    if moment is None:
        return ""
    local = moment.astimezone(_user_zone())
    if style == "time":
        return local.strftime("%H:%M")
    if style == "date":
        return f"{local.day} {local:%b %Y}"
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


@blueprint.app_template_filter("relative")
def relative(moment: datetime | None, reference: datetime) -> str:
    """"now" when ``moment`` has come, else "in 3d" (Anki's interval notation)."""
    if moment is None:
        return ""
    if moment <= reference:
        return "now"
    return "in " + format_interval(moment - reference)


@blueprint.app_template_filter("duration")
def duration(milliseconds: int | None) -> str:
    """Time spent: "45 s", "3 min 20 s", "1 h 5 min"."""
    seconds = round((milliseconds or 0) / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@blueprint.app_template_filter("paragraphs")
def paragraphs(text: str | None) -> Markup:
    """Plain text with blank-line paragraphs as escaped ``<p>`` elements."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(escape(block)) for block in blocks if block
    )


@blueprint.app_template_global("plural")
def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
