"""Which redirect URIs a wallet may be registered with, and when a request's matches one.

The browser of a signed-in holder is sent to the redirect URI with an authorization code, so
a redirect URI is where a holder's credential goes. Accepted (RFC 6749 §3.1.2, RFC 9700
§4.1.3, RFC 8252 §7 for native apps):
- `https://host/...`: absolute, with a host and no user information (`https://a@b` names
  host `b` while reading as `a`);
- `http://127.0.0.1:port/...` or `http://[::1]:port/...`: a loopback interface (RFC 8252
  §7.3); `localhost` is not (§8.3: it may resolve elsewhere);
- a private-use scheme of a native app (RFC 8252 §7.1): reverse domain name style, a period
  in the scheme (`com.example.wallet:/callback`).
Never `javascript:`, `data:`, `file:`, `vbscript:`, `blob:` or another scheme a browser runs
or reads locally, never a fragment (RFC 6749 §3.1.2), no spaces or control characters.

A request's redirect URI must equal a registered one character for character (RFC 9700
§4.1.1, simple string comparison of RFC 3986 §6.2.1), with the single exception RFC 8252
§7.3 requires: a loopback redirect URI may name another port.
"""
import re
from urllib.parse import urlsplit

MAX_URI_CHARS = 2000
MAX_URIS = 10
# schemes a browser runs or reads from the device: never a place for a holder's code
_FORBIDDEN = {"javascript", "data", "file", "vbscript", "blob", "about", "filesystem",
              "view-source", "chrome", "ws", "wss", "ftp", "mailto", "tel", "sms"}
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
_LOOPBACK = ("127.0.0.1", "::1")
_BAD_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"`{}|^]")


class RedirectUriError(ValueError):
    """A redirect URI that may not be registered, in words."""


def check_redirect_uri(uri: object) -> str:
    """`uri` when it may be a wallet's redirect URI; raises RedirectUriError otherwise."""
    if not isinstance(uri, str) or not uri:
        raise RedirectUriError("a redirect URI must be a non-empty string")
    if len(uri) > MAX_URI_CHARS:
        raise RedirectUriError(f"a redirect URI is at most {MAX_URI_CHARS} characters")
    if _BAD_CHARACTERS.search(uri):
        raise RedirectUriError(f"{uri[:80]!r} contains spaces, control characters or "
                               "characters a URI may not hold")
    if "#" in uri:
        raise RedirectUriError(f"{uri[:80]!r} has a fragment (RFC 6749 §3.1.2 forbids it)")
    scheme, separator, _ = uri.partition(":")
    scheme = scheme.lower()
    if not separator or not _SCHEME.fullmatch(scheme):
        raise RedirectUriError(f"{uri[:80]!r} is not an absolute URI (no scheme)")
    if scheme in _FORBIDDEN:
        raise RedirectUriError(f"the scheme {scheme}: is never a redirect URI")
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        _ = parts.port  # a port that is not a number is refused here
    except ValueError as e:
        raise RedirectUriError(f"{uri[:80]!r} is not a valid URI: {e}") from None
    if scheme in ("https", "http"):
        if not parts.netloc or not host:
            raise RedirectUriError(f"{uri[:80]!r} names no host")
        if "@" in parts.netloc:
            raise RedirectUriError(f"{uri[:80]!r} has user information before its host")
        if scheme == "http" and host not in _LOOPBACK:
            raise RedirectUriError(f"{uri[:80]!r}: plain http only for a loopback address "
                                   "(127.0.0.1 or [::1], RFC 8252 §7.3); use https")
        return uri
    if "." not in scheme:
        raise RedirectUriError(f"the scheme {scheme}: is not a private-use scheme of an app "
                               "(RFC 8252 §7.1: reverse domain name, e.g. com.example.wallet:)")
    return uri


def is_loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in _LOOPBACK
    except ValueError:
        return False


def _without_port(uri: str) -> str:
    parts = urlsplit(uri)
    host = f"[{parts.hostname}]" if parts.hostname == "::1" else str(parts.hostname)
    return parts._replace(netloc=host).geturl()


def redirect_uri_matches(registered: list[str], requested: str) -> bool:
    """Whether `requested` equals one of `registered` (a loopback one on any port)."""
    if requested in registered:
        return True
    if not is_loopback(requested):
        return False
    try:
        bare = _without_port(requested)
        return any(is_loopback(r) and _without_port(r) == bare for r in registered)
    except ValueError:
        return False


def redirect_target(uri: str) -> str:
    """Where the browser goes, as a holder can recognise it: the host (and port) of an
    http(s) URI, else the app's scheme."""
    parts = urlsplit(uri)
    if parts.scheme.lower() in ("https", "http"):
        return parts.netloc
    return parts.scheme + ":"
