"""The API blueprint itself, apart from its routes (which live in the sibling modules)."""

from __future__ import annotations

from flask import Blueprint

from studyapp.web.runtime import csrf

API_PREFIX = "/api/v1"

api_blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)

# Clients authenticate with bearer tokens, never with the session cookie, so a
# forged cross-site request carries no credentials and CSRF tokens do not apply.
csrf.exempt(api_blueprint)
