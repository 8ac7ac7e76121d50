"""JSON errors for everything under the API prefix.

Every error is ``{"error": {"code": ..., "message": ...}}`` with the fitting
HTTP status; ``code`` is a stable machine-readable name, ``message`` is for
people. Every domain refusal (:class:`studyapp.errors.StudyappError`) is
translated here, by its category, so views just let them propagate.

Unknown URLs and wrong methods under the prefix never reach the blueprint's
handlers (Flask hands routing errors to the application's), so a
``before_app_request`` hook answers those in JSON before any page handler sees
them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import RoutingException

from studyapp.api.blueprint import API_PREFIX, api_blueprint
from studyapp.errors import StudyappError

# Codes for statuses whose HTTP reason phrase would make an awkward name.
_STATUS_CODES = {
    413: "payload_too_large",
    500: "internal_error",
}


class ApiError(Exception):
    """Raise from a view to answer with a JSON error."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def invalid_request(message: str) -> ApiError:
    """A request body or parameter that is well-formed but wrong (422)."""
    return ApiError(422, "invalid_request", message)


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def code_for_status(status: int) -> str:
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    phrase = HTTP_STATUS_CODES.get(status, "error")
    return "_".join(phrase.lower().replace("-", " ").replace("'", "").split())


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = (
            f"The request body is larger than the {_megabytes(limit)} limit."
            if limit
            else "The request body is too large."
        )
    elif status == 405:
        message = f"{request.method} is not allowed on {request.path}."
    elif status == 404:
        message = f"There is no API endpoint at {request.path}."
    else:
        message = error.description or HTTP_STATUS_CODES.get(status, "Error")
    return error_response(status, code_for_status(status), message, headers=headers)


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size:,} bytes"


@api_blueprint.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(
        error.status, error.code, error.message, headers=error.headers, **error.extra
    )


@api_blueprint.errorhandler(StudyappError)
def _refused(error: StudyappError) -> Response:
    return error_response(error.status, error.code, error.message, **error.details())


@api_blueprint.errorhandler(HTTPException)
def _http_exception(error: HTTPException) -> Response:
    return _http_error(error)


@api_blueprint.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error_response(
        500, "internal_error", "Something went wrong on our side; the error has been logged."
    )


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


@api_blueprint.before_app_request
def _routing_error_as_json() -> Response | None:
    """Answer 404 and 405 under the prefix in JSON; the blueprint's handlers never see them."""
    error = request.routing_exception
    if (
        error is None
        or isinstance(error, RoutingException)  # redirects, e.g. a missing trailing slash
        or not isinstance(error, HTTPException)
        or not is_api_path(request.path)
    ):
        return None
    return _http_error(error)
