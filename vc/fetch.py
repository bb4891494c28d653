"""Bounded HTTPS GET for DID documents and status lists, safe against SSRF and DNS rebinding.

Why: a verifier fetches URLs chosen by whoever wrote the credential (did:web hosts, status list
URLs). Every URL is checked (https only, no userinfo), its host resolved once, every address must
be globally routable, and the connection goes to that exact address (no second DNS lookup).
Size, time and redirects are bounded (RFC 9110 §15.4 redirects, §13.1.2 If-None-Match).
"""
import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from vc.errors import FetchError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_URL_LENGTH = 4096
_CHUNK = 64 * 1024
_LOOPBACK_NAMES = frozenset({"localhost"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchPolicy:
    # development and tests only: permits http:// to 127.0.0.1/::1/localhost
    unsafe_allow_http_loopback: bool = False
    timeout: float = 5.0  # seconds, for connect and for the whole response
    max_bytes: int = 1_000_000
    max_redirects: int = 3


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    not_modified: bool = False
    # how long the publisher lets a cache keep it (Cache-Control max-age; 0 for no-cache or
    # no-store), None when it does not say (RFC 9111 §5.2.2)
    max_age: float | None = None


class Fetcher(Protocol):
    def fetch(
        self, url: str, accept: str = "application/json", etag: str | None = None
    ) -> FetchResult: ...


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    request_path: str
    addresses: tuple[tuple[Any, ...], ...]  # getaddrinfo rows, every one already checked


def _shown(url: str) -> str:
    """The URL as it may appear in an error message: bounded, without userinfo."""
    try:
        parts = urlsplit(url)
        if "@" in parts.netloc:
            url = parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()
    except ValueError:
        pass
    return url if len(url) <= 200 else url[:200] + "..."


def _refuse(url: str, why: str) -> FetchError:
    return FetchError(f"refused to fetch {_shown(url)}: {why}")


def _embedded_ipv4(addr: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 one (mapped, 6to4, Teredo) are checked too."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return []
    found = [addr.ipv4_mapped, addr.sixtofour, *(addr.teredo or ())]
    return [a for a in found if a is not None]


def _address_problem(addr: IPAddress) -> str | None:
    """Why this address must not be contacted, or None when it is globally routable."""
    for a in (addr, *_embedded_ipv4(addr)):
        for flag, label in (
            ("is_unspecified", "unspecified"),
            ("is_loopback", "loopback"),
            ("is_link_local", "link-local"),
            ("is_multicast", "multicast"),
            ("is_private", "private"),
            ("is_reserved", "reserved"),
        ):
            if getattr(a, flag):
                return label
        if not a.is_global:
            return "not globally routable"
    return None


def _check_address(url: str, addr: IPAddress, policy: FetchPolicy) -> None:
    problem = _address_problem(addr)
    if problem is None:
        return
    if problem == "loopback" and policy.unsafe_allow_http_loopback:
        return
    if problem == "loopback":
        raise _refuse(url, f"address {addr} is loopback (allowed only with unsafe_allow_http_loopback)")
    raise _refuse(url, f"address {addr} is {problem}")


def _parse(url: str, policy: FetchPolicy) -> tuple[str, str, int, str, IPAddress | None]:
    if not isinstance(url, str) or not url:
        raise FetchError("refused to fetch an empty URL")
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(url, f"URL is longer than {MAX_URL_LENGTH} characters")
    if any(c <= " " or c == "\x7f" for c in url):
        raise _refuse(url, "URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise _refuse(url, f"malformed URL ({e})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise _refuse(url, f"scheme {scheme or '(none)'!r} is not allowed, only https")
    if "@" in parts.netloc:
        raise _refuse(url, "URLs with user information (user:password@) are not allowed")
    host = parts.hostname
    if not host:
        raise _refuse(url, "URL has no host")
    try:
        ip: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        ip = None
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _refuse(url, f"host {host!r} is not a valid domain name") from None
    if ip is not None:  # an address literal: its own reason is the most useful message
        _check_address(url, ip, policy)
    if scheme == "http":
        if not policy.unsafe_allow_http_loopback:
            raise _refuse(url, "plain http is not allowed, only https")
        if (ip is None and host not in _LOOPBACK_NAMES) or (ip is not None and not ip.is_loopback):
            raise _refuse(url, "plain http is allowed only to loopback (tests)")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path, ip


def _resolve(url: str, host: str, port: int, scheme: str, policy: FetchPolicy) -> tuple[Any, ...]:
    try:
        rows = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as e:
        raise FetchError(f"failed to fetch {_shown(url)}: cannot resolve host {host}: {e}") from None
    if not rows:
        raise FetchError(f"failed to fetch {_shown(url)}: host {host} has no address")
    for row in rows:
        addr = ipaddress.ip_address(row[4][0])
        _check_address(url, addr, policy)  # every address, so DNS cannot smuggle one in
        if scheme == "http" and not addr.is_loopback:
            raise _refuse(url, f"plain http is allowed only to loopback, {host} is {addr}")
    return tuple(rows)


def _open_socket(row: tuple[Any, ...], timeout: float) -> socket.socket:
    """Connects to the exact resolved address: no second DNS lookup (DNS rebinding)."""
    family, socktype, proto, _, sockaddr = row
    sock = socket.socket(family, socktype, proto)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_any(rows: tuple[Any, ...], timeout: float) -> socket.socket:
    error: OSError | None = None
    for row in rows:
        try:
            return _open_socket(row, timeout)
        except OSError as e:
            error = e
    raise error or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._rows = target.addresses
        self._timeout = timeout

    def connect(self) -> None:
        self.sock = _connect_any(self._rows, self._timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: _Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._rows = target.addresses
        self._tls = context
        self._timeout = timeout

    def connect(self) -> None:
        # The certificate is checked against the host name, the socket goes to the pinned IP.
        sock = _connect_any(self._rows, self._timeout)
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class HttpFetcher:
    """GET over HTTPS with the limits of a FetchPolicy. One connection per request."""

    def __init__(
        self, policy: FetchPolicy | None = None, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._ssl_context = ssl_context or ssl.create_default_context()

    def _target(self, url: str) -> _Target:
        """Applies every rule to one URL (scheme, userinfo, host, addresses) before connecting."""
        scheme, host, port, path, ip = _parse(url, self.policy)
        if ip is not None:
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            sockaddr = (str(ip), port, 0, 0) if ip.version == 6 else (str(ip), port)
            rows: tuple[Any, ...] = ((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr),)
        else:
            rows = _resolve(url, host, port, scheme, self.policy)
        return _Target(url, scheme, host, port, path, rows)

    def fetch(
        self, url: str, accept: str = "application/json", etag: str | None = None
    ) -> FetchResult:
        current = url
        for _ in range(self.policy.max_redirects + 1):
            try:
                target = self._target(current)
            except FetchError as e:
                if current == url:
                    raise
                raise FetchError(f"{e} (redirected from {_shown(url)})") from None
            result, location = self._get(target, accept, etag)
            if location is None:
                return result
            current = urljoin(current, location)
        raise _refuse(url, f"more than {self.policy.max_redirects} redirects")

    def _get(
        self, target: _Target, accept: str, etag: str | None
    ) -> tuple[FetchResult, str | None]:
        deadline = time.monotonic() + self.policy.timeout
        if target.scheme == "https":
            conn: http.client.HTTPConnection = _PinnedHTTPSConnection(
                target, self.policy.timeout, self._ssl_context
            )
        else:
            conn = _PinnedHTTPConnection(target, self.policy.timeout)
        headers = {"Accept": accept, "User-Agent": "s4c-fetch/1"}
        if etag is not None:
            headers["If-None-Match"] = etag
        try:
            conn.request("GET", target.request_path, headers=headers)
            response = conn.getresponse()
            return self._read(target, response, conn, deadline, etag)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(
                f"failed to fetch {_shown(target.url)}: "
                f"no answer within {self.policy.timeout} s (timeout)"
            ) from None
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise FetchError(f"failed to fetch {_shown(target.url)}: {type(e).__name__}: {e}") from None
        finally:
            conn.close()

    def _read(
        self,
        target: _Target,
        response: http.client.HTTPResponse,
        conn: http.client.HTTPConnection,
        deadline: float,
        etag: str | None,
    ) -> tuple[FetchResult, str | None]:
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                raise FetchError(f"failed to fetch {_shown(target.url)}: {status} without Location")
            return FetchResult(target.url, status, b"", None, None), location
        result_etag = response.getheader("ETag")
        content_type = response.getheader("Content-Type")
        max_age = cache_max_age(response.getheader("Cache-Control"))
        if status == 304 and etag is not None:
            return FetchResult(target.url, 304, b"", content_type, result_etag or etag, True,
                               max_age), None
        if not 200 <= status < 300:
            raise FetchError(f"failed to fetch {_shown(target.url)}: HTTP status {status}")
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise _refuse(target.url, f"unexpected Content-Encoding {encoding!r}")
        body = self._read_body(target, response, conn, deadline)
        return FetchResult(target.url, status, body, content_type, result_etag,
                           max_age=max_age), None

    def _read_body(
        self,
        target: _Target,
        response: http.client.HTTPResponse,
        conn: http.client.HTTPConnection,
        deadline: float,
    ) -> bytes:
        limit = self.policy.max_bytes
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise _refuse(target.url, f"Content-Length {int(declared)} exceeds {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if conn.sock is not None:
                conn.sock.settimeout(remaining)  # bounds the whole body, not each read
            chunk = response.read1(min(_CHUNK, limit + 1 - size))  # what has arrived
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _refuse(target.url, f"response is larger than {limit} bytes")
        return b"".join(chunks)


def static_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class StaticFetcher:
    """Serves fixed bodies by URL, for offline verification and tests. No network."""

    def __init__(self, documents: dict[str, bytes], content_type: str = "application/json") -> None:
        self._documents = dict(documents)
        self._content_type = content_type

    def fetch(
        self, url: str, accept: str = "application/json", etag: str | None = None
    ) -> FetchResult:
        body = self._documents.get(url)
        if body is None:
            raise FetchError(f"refused to fetch {_shown(url)}: not among the offline documents")
        tag = static_etag(body)
        if etag == tag:
            return FetchResult(url, 304, b"", self._content_type, tag, True)
        return FetchResult(url, 200, body, self._content_type, tag)


def cache_max_age(header: str | None) -> float | None:
    """Seconds a cache may keep a response under its Cache-Control (RFC 9111 §5.2.2)."""
    if not header:
        return None
    found: float | None = None
    for directive in header.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("no-store", "no-cache"):
            return 0.0
        if name in ("max-age", "s-maxage"):
            value = value.strip().strip('"')
            if not value.isdigit():
                return 0.0  # unreadable: do not keep it
            found = float(value) if found is None else min(found, float(value))
    return found


class CachingFetcher:
    """A thread-safe TTL cache in front of another fetcher. Errors are never cached.

    An entry is kept for the TTL, or less when the publisher says so (`max-age`, or the
    caller's `max_age`, e.g. a status list's own `ttl`). After that an entry with an ETag is
    revalidated (If-None-Match); a 304 renews it.
    """

    def __init__(
        self,
        inner: Fetcher,
        ttl_seconds: float = 300,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, FetchResult]] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(
        self, url: str, accept: str = "application/json", etag: str | None = None,
        max_age: float | None = None,
    ) -> FetchResult:
        key = (url, accept)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and self._clock() - entry[0] < self._keep(entry[1], max_age):
            return _answer(entry[1], etag)
        if entry is not None and entry[1].etag:
            fresh = self._inner.fetch(url, accept, etag=entry[1].etag)
            result = entry[1] if fresh.not_modified else fresh
            if fresh.not_modified and fresh.max_age != result.max_age:
                result = replace(result, max_age=fresh.max_age)
        else:
            result = self._inner.fetch(url, accept)
        self._store(key, result)
        return _answer(result, etag)

    def _keep(self, result: FetchResult, max_age: float | None) -> float:
        keep = self._ttl
        for bound in (result.max_age, max_age):
            if bound is not None:
                keep = min(keep, bound)
        return keep

    def _store(self, key: tuple[str, str], result: FetchResult) -> None:
        with self._lock:
            self._entries[key] = (self._clock(), result)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _answer(result: FetchResult, etag: str | None) -> FetchResult:
    """The caller's own ETag gets a 304 when it matches what the cache holds."""
    if etag is not None and result.etag == etag:
        return replace(result, status=304, body=b"", not_modified=True)
    return result
