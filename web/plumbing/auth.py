"""Officer authentication: console sessions with CSRF tokens, Bearer tokens for the API.

The console keeps a random session id in Flask's signed session cookie; the session itself
lives on the server (`issuer.console_sessions`), so logging out ends it for every copy of
the cookie. Logins are throttled per account and per client address
(`issuer.login_throttle`). The key that signs the cookie is random per data directory (`<data_dir>/flask-secret`, mode 0600), so two data
directories never accept each other's cookies. Every POST form of a protected blueprint
carries a per-session CSRF token (OWASP "synchronizer token" pattern). The VC-API takes
`Authorization: Bearer <officer API token>` (RFC 6750) and no cookies, so it needs no CSRF.
"""
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from issuer import officers
from issuer.console_sessions import end_session, officer_for_session, start_session
from web.plumbing.problems import problem
from web.wiring.datadir import secret_key
from web.wiring.services import current_services
from web.wiring.settings import Settings

CSRF_FIELD = "csrf_token"
SESSION_LIFETIME = timedelta(hours=8)
_SESSION_ID = "sid"
_CSRF = "csrf"
LOGIN_ENDPOINT = "issuer_console.login"


class _SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its signer made once per key rather than on every
    request (most requests, the API's and the wallets', carry no session at all)."""

    _signer: tuple[object, URLSafeTimedSerializer | None] = (None, None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._signer[0] != key:
            self._signer = (key, super().get_signing_serializer(app))
        return self._signer[1]


def init_auth(app: Flask, settings: Settings) -> None:
    """Session key and cookie flags of the app (OWASP session management)."""
    app.secret_key = secret_key(settings.data_dir)
    app.session_interface = _SessionCookies()
    app.config.update(
        SESSION_COOKIE_NAME="s4c_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    app.jinja_env.globals["csrf_token"] = csrf_token


# -- console sessions ------------------------------------------------------------------------
def log_in(username: str, password: str) -> officers.LoginResult:
    """Checks the password; on success starts a fresh session (no fixation) for the officer."""
    sessions = current_services().issuer.sessions
    result = officers.login(sessions, username, password, request.remote_addr)
    if result.officer is None:
        current_app.logger.warning("console login refused for %r from %s%s", username,
                                   request.remote_addr,
                                   " (throttled)" if result.retry_after else "")
        return result
    current_app.logger.info("officer %r logged in to the console", result.officer)
    session.clear()
    session.permanent = True
    session[_SESSION_ID] = start_session(sessions, result.officer, SESSION_LIFETIME)
    session[_CSRF] = secrets.token_urlsafe(32)
    return result


def log_out() -> None:
    end_session(current_services().issuer.sessions, session.get(_SESSION_ID))
    session.clear()


def current_officer() -> str | None:
    if _SESSION_ID not in session:
        return None
    cached = g.get("s4c_officer_session")
    if cached is None:
        cached = g.s4c_officer_session = (officer_for_session(
            current_services().issuer.sessions, session.get(_SESSION_ID)),)
    return cached[0]


def login_required[F: Callable[..., Any]](view: F) -> F:
    """Console views: an anonymous visitor is sent to the login page, then back here."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        officer = current_officer()
        if officer is None:
            return redirect(url_for(LOGIN_ENDPOINT, next=request.full_path.rstrip("?")))
        g.officer = officer
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """A local path to return to after login; anything else (open redirect) is ignored."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


# -- CSRF ------------------------------------------------------------------------------------
def csrf_token() -> str:
    """The session's CSRF token for a hidden form field (created for anonymous visitors too,
    so that the login form is protected against login CSRF)."""
    token = session.get(_CSRF)
    if not isinstance(token, str):
        token = session[_CSRF] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Aborts with 400 unless a POST carries the session's CSRF token."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    expected = session.get(_CSRF)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not given or not hmac.compare_digest(
            given.encode(), expected.encode()):
        abort(400, description="The form's security token is missing or out of date. "
                               "Reload the page and submit it again.")


def protect_forms(blueprint: Blueprint) -> None:
    """Every unsafe request to the blueprint must carry the CSRF token."""
    blueprint.before_request(check_csrf)


# -- API tokens ------------------------------------------------------------------------------
def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_required[F: Callable[..., Any]](view: F) -> F:
    """API views: `Authorization: Bearer <officer API token>`, else a 401 problem."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _bearer_token()
        officer = officers.officer_for_token(current_services().issuer.sessions, token) \
            if token else None
        if officer is None:
            return _unauthorized("no API token was sent" if token is None
                                 else "the API token is not valid")
        g.officer = officer
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _unauthorized(detail: str) -> Response:
    response = problem(401, f"Send 'Authorization: Bearer <officer API token>': {detail}.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="s4c issuer"'
    return response
