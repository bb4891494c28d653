"""RFC 9457 problem details (`application/problem+json`) for errors on JSON routes."""
from http import HTTPStatus

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
# Config key: path prefixes whose errors are always problem details, whatever Accept says.
JSON_PATH_PREFIXES = "S4C_JSON_PATH_PREFIXES"
SERVER_ERROR_DETAIL = "The server could not complete the request; the error has been logged."


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


def register_problem_handlers(app: Flask, json_path_prefixes: tuple[str, ...]) -> None:
    """Errors (404, 405, 413, 500, ...) on JSON routes become problem details."""
    app.config[JSON_PATH_PREFIXES] = json_path_prefixes
    app.register_error_handler(HTTPException, _handle_http_exception)


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
