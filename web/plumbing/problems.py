"""RFC 9457 problem details (`application/problem+json`) for errors on JSON routes, and the
one answer of every route while the database cannot be reached: 503 with `Retry-After`."""
from http import HTTPStatus

from flask import Flask, Response, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.wrappers import Response as BaseResponse

PROBLEM_JSON = "application/problem+json"
# Config key: path prefixes whose errors are always problem details, whatever Accept says.
JSON_PATH_PREFIXES = "S4C_JSON_PATH_PREFIXES"
SERVER_ERROR_DETAIL = "The server could not complete the request; the error has been logged."
DATABASE_DOWN_DETAIL = "The database cannot be reached right now. Try again shortly."
RETRY_AFTER_SECONDS = 30  # RFC 9110 §10.2.3: a client (or a proxy) may try again then


def problem(status: int, detail: str | None = None, title: str | None = None,
            type_: str = "about:blank") -> Response:
    """A problem details response (RFC 9457 §3.1)."""
    body: dict[str, object] = {
        "type": type_, "title": title or HTTPStatus(status).phrase, "status": status,
    }
    if detail:
        body["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def with_members(response: Response, members: dict[str, object]) -> Response:
    """`response` (a problem) with more members (RFC 9457 §3.2 extension members)."""
    replacement = jsonify({**response.get_json(), **members})
    replacement.status_code = response.status_code
    replacement.mimetype = PROBLEM_JSON
    return replacement


def register_problem_handlers(app: Flask, json_path_prefixes: tuple[str, ...]) -> None:
    """Errors (404, 405, 413, 500, ...) on JSON routes become problem details."""
    app.config[JSON_PATH_PREFIXES] = json_path_prefixes
    app.register_error_handler(HTTPException, _handle_http_exception)
    # the database went away (server down or restarting, connection dropped, pool exhausted):
    # one handler for every route, not a try/except per view
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(PoolTimeoutError, _database_unavailable)
    app.register_error_handler(InterfaceError, _dropped_connection)


def _wants_json() -> bool:
    if request.path.startswith(current_app.config[JSON_PATH_PREFIXES]):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best in ("application/json", PROBLEM_JSON)


def _handle_http_exception(error: HTTPException) -> Response | HTTPException:
    if not _wants_json():
        return error  # Werkzeug's HTML error page
    status = error.code or 500
    # A 5xx description may carry internals; the exception itself was already logged.
    response = problem(status, SERVER_ERROR_DETAIL if status >= 500 else error.description)
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _database_unavailable(error: Exception) -> BaseResponse:
    """503 with Retry-After (RFC 9110 §15.6.4): a transaction that failed this way was rolled
    back, so the client may simply send the request again."""
    original = getattr(error, "orig", None) or error
    # the driver's message only: SQLAlchemy's own adds the statement and its parameters
    current_app.logger.error("the database cannot be reached (%s: %s); answered 503",
                             type(original).__name__, next(iter(str(original).splitlines()), ""))
    response: BaseResponse
    if _wants_json():
        response = problem(503, DATABASE_DOWN_DETAIL, title="Database unavailable")
    else:
        response = ServiceUnavailable(description=_(
            "The database cannot be reached right now. Try again in a minute.")).get_response()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _dropped_connection(error: InterfaceError) -> BaseResponse:
    """An interface error on a connection SQLAlchemy found dead (a disconnect: "connection
    already closed") is the database going away; any other (a value the driver cannot bind)
    is a bug, left to the 500 handler and its log."""
    if error.connection_invalidated:
        return _database_unavailable(error)
    raise error
