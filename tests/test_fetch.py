"""The bounded fetcher refuses what it must before connecting, and bounds size, time, redirects.

Servers bind 127.0.0.1 only; addresses like 10.0.0.1 are refused before any socket opens.
"""
import contextlib
import datetime
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import vc.fetch
from vc.errors import FetchError
from vc.fetch import CachingFetcher, FetchPolicy, FetchResult, HttpFetcher, StaticFetcher

LOOPBACK = FetchPolicy(unsafe_allow_http_loopback=True, timeout=2.0)
Route = Callable[[BaseHTTPRequestHandler], None]


def reply(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    h.send_response(status)
    headers.setdefault("Content-Type", "application/json")
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@contextlib.contextmanager
def loopback_server(tls: ssl.SSLContext | None = None) -> Iterator[SimpleNamespace]:
    routes: dict[str, Route] = {}
    hits: Counter[str] = Counter()
    requests: list[tuple[str, dict[str, str]]] = []
    release = threading.Event()  # lets slow handlers finish at teardown

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hits[self.path] += 1
            requests.append((self.path, dict(self.headers)))
            route = routes.get(self.path, lambda h: reply(h, 404, b"{}"))
            with contextlib.suppress(OSError):  # the client may hang up on purpose
                route(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield SimpleNamespace(
            routes=routes, hits=hits, requests=requests, release=release, port=port,
            base=f"http://127.0.0.1:{port}",
        )
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[SimpleNamespace]:
    with loopback_server() as s:
        yield s


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if the fetcher looks up a name or opens a socket."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fetcher tried to use the network")

    monkeypatch.setattr(vc.fetch, "_open_socket", forbidden)
    monkeypatch.setattr(vc.fetch.socket, "getaddrinfo", forbidden)


def test_fetches_from_loopback_server_when_tests_allow_it(server: SimpleNamespace) -> None:
    server.routes["/doc"] = lambda h: reply(h, 200, b'{"a": 1}', ETag='"v1"')
    result = HttpFetcher(LOOPBACK).fetch(server.base + "/doc", accept="application/did+json")
    assert result == FetchResult(server.base + "/doc", 200, b'{"a": 1}', "application/json", '"v1"')
    path, headers = server.requests[0]
    assert path == "/doc"
    assert headers["Accept"] == "application/did+json"
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert "If-None-Match" not in headers


def test_refuses_loopback_and_plain_http_without_the_test_flag(server: SimpleNamespace) -> None:
    server.routes["/doc"] = lambda h: reply(h, 200, b"{}")
    fetcher = HttpFetcher(FetchPolicy())
    with pytest.raises(FetchError, match="address 127.0.0.1 is loopback"):
        fetcher.fetch(server.base + "/doc")
    with pytest.raises(FetchError, match="address 127.0.0.1 is loopback"):
        fetcher.fetch(f"https://127.0.0.1:{server.port}/doc")
    with pytest.raises(FetchError, match="plain http is not allowed"):
        fetcher.fetch(f"http://localhost:{server.port}/doc")
    assert server.hits["/doc"] == 0


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("policy", [FetchPolicy(), LOOPBACK])
def test_refuses_plain_http_to_a_public_host_before_any_lookup(policy: FetchPolicy) -> None:
    with pytest.raises(FetchError, match=r"refused to fetch http://example\.com/x: plain http"):
        HttpFetcher(policy).fetch("http://example.com/x")
    with pytest.raises(FetchError, match="plain http"):
        HttpFetcher(policy).fetch("http://8.8.8.8/x")


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/x", "address 10.0.0.1 is private"),
        ("https://10.0.0.1/x", "address 10.0.0.1 is private"),
        ("https://192.168.1.1/", "address 192.168.1.1 is private"),
        ("https://169.254.169.254/latest/meta-data", "address 169.254.169.254 is link-local"),
        ("https://[::1]/did.json", "address ::1 is loopback (allowed only with unsafe_allow_http_loopback)"),
        ("https://0.0.0.0/", "address 0.0.0.0 is unspecified"),
        ("https://[::ffff:10.0.0.1]/", "address ::ffff:10.0.0.1 is private"),
        ("https://100.64.0.1/", "address 100.64.0.1 is not globally routable"),
        ("https://224.0.0.1/", "address 224.0.0.1 is multicast"),
    ],
)
def test_refuses_non_public_addresses_before_connecting(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        HttpFetcher(FetchPolicy()).fetch(url)
    assert str(caught.value) == f"refused to fetch {url}: {reason}"


def test_refuses_a_name_when_any_of_its_addresses_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake_dns(host: str, port: int, *args: object, **kwargs: object) -> list:
        assert host == "mixed.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    def forbidden(*args: object) -> None:
        raise AssertionError("connected although an address was private")

    monkeypatch.setattr(vc.fetch.socket, "getaddrinfo", fake_dns)
    monkeypatch.setattr(vc.fetch, "_open_socket", forbidden)
    with pytest.raises(FetchError, match="address 10.1.2.3 is private"):
        HttpFetcher().fetch("https://mixed.example/did.json")


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://user:secret@example.com/x", "user information"),
        ("https://user@example.com/x", "user information"),
        ("ftp://example.com/x", "scheme 'ftp' is not allowed"),
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("gopher://example.com/", "scheme 'gopher' is not allowed"),
        ("example.com/x", r"scheme '\(none\)' is not allowed"),
        ("https:///x", "no host"),
        ("https://example.com:99999/", "malformed URL"),
        ("https://exa mple.com/", "whitespace"),
    ],
)
def test_refuses_malformed_urls(url: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason) as caught:
        HttpFetcher(LOOPBACK).fetch(url)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("declared", [True, False])
def test_refuses_a_response_larger_than_max_bytes(server: SimpleNamespace, declared: bool) -> None:
    big = b"x" * 5000

    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for i in range(0, len(big), 500):
            h.wfile.write(b"%x\r\n%s\r\n" % (500, big[i : i + 500]))
        h.wfile.write(b"0\r\n\r\n")

    def close_delimited(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + big)
        h.close_connection = True

    server.routes["/declared"] = lambda h: reply(h, 200, big)
    server.routes["/chunked"] = chunked
    server.routes["/close"] = close_delimited
    fetcher = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True, max_bytes=1000))
    if declared:
        with pytest.raises(FetchError, match="Content-Length 5000 exceeds 1000 bytes"):
            fetcher.fetch(server.base + "/declared")
        return
    for path in ("/chunked", "/close"):
        with pytest.raises(FetchError, match="response is larger than 1000 bytes"):
            fetcher.fetch(server.base + path)
    exact = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True, max_bytes=5000))
    assert exact.fetch(server.base + "/chunked").body == big
    assert exact.fetch(server.base + "/close").body == big


def test_a_server_that_does_not_answer_times_out_quickly(server: SimpleNamespace) -> None:
    def silent(h: BaseHTTPRequestHandler) -> None:
        server.release.wait(3)
        reply(h, 200, b"{}")

    def trickle(h: BaseHTTPRequestHandler) -> None:  # never idle long, never finished
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b" ")
            h.wfile.flush()
            if server.release.wait(0.05):
                return

    server.routes["/silent"] = silent
    server.routes["/trickle"] = trickle
    fetcher = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True, timeout=0.5))
    for path in ("/silent", "/trickle"):
        start = time.monotonic()
        with pytest.raises(FetchError, match="timeout"):
            fetcher.fetch(server.base + path)
        assert time.monotonic() - start < 1.2


def test_follows_redirects_and_rechecks_each_target(server: SimpleNamespace) -> None:
    server.routes["/doc"] = lambda h: reply(h, 200, b'{"ok": true}')
    server.routes["/moved"] = lambda h: reply(h, 301, Location="/doc")
    server.routes["/metadata"] = lambda h: reply(h, 302, Location="http://169.254.169.254/")
    server.routes["/metadata-tls"] = lambda h: reply(
        h, 307, Location="https://169.254.169.254/latest"
    )
    server.routes["/ftp"] = lambda h: reply(h, 308, Location="ftp://example.com/x")
    fetcher = HttpFetcher(LOOPBACK)
    result = fetcher.fetch(server.base + "/moved")
    assert (result.url, result.body) == (server.base + "/doc", b'{"ok": true}')
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.base + "/metadata")
    assert str(caught.value) == (
        "refused to fetch http://169.254.169.254/: address 169.254.169.254 is link-local"
        f" (redirected from {server.base}/metadata)"
    )
    assert server.hits["/metadata"] == 1
    with pytest.raises(FetchError, match="address 169.254.169.254 is link-local"):
        fetcher.fetch(server.base + "/metadata-tls")
    with pytest.raises(FetchError, match="scheme 'ftp' is not allowed"):
        fetcher.fetch(server.base + "/ftp")


def test_refuses_too_many_redirects(server: SimpleNamespace) -> None:
    server.routes["/loop"] = lambda h: reply(h, 302, Location="/loop")
    fetcher = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True, max_redirects=3))
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetcher.fetch(server.base + "/loop")
    assert server.hits["/loop"] == 4


def test_non_success_status_is_an_error_with_the_status(server: SimpleNamespace) -> None:
    server.routes["/gone"] = lambda h: reply(h, 410, b"{}")
    with pytest.raises(FetchError, match="HTTP status 410"):
        HttpFetcher(LOOPBACK).fetch(server.base + "/gone")
    with pytest.raises(FetchError, match="HTTP status 404"):
        HttpFetcher(LOOPBACK).fetch(server.base + "/missing")


def test_sends_if_none_match_and_reports_not_modified(server: SimpleNamespace) -> None:
    def conditional(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            reply(h, 304, ETag='"v1"')
        else:
            reply(h, 200, b"{}", ETag='"v1"')

    server.routes["/doc"] = conditional
    fetcher = HttpFetcher(LOOPBACK)
    assert fetcher.fetch(server.base + "/doc", etag='"old"').body == b"{}"
    result = fetcher.fetch(server.base + "/doc", etag='"v1"')
    assert (result.not_modified, result.status, result.body) == (True, 304, b"")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_caching_fetcher_revalidates_with_etag_after_ttl(server: SimpleNamespace) -> None:
    state = {"etag": '"v1"', "body": b'{"v": 1}'}

    def conditional(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == state["etag"]:
            reply(h, 304, ETag=state["etag"])
        else:
            reply(h, 200, state["body"], ETag=state["etag"])

    server.routes["/list"] = conditional
    clock = FakeClock()
    cache = CachingFetcher(HttpFetcher(LOOPBACK), ttl_seconds=60, clock=clock)
    url = server.base + "/list"
    assert cache.fetch(url).body == b'{"v": 1}'
    assert cache.fetch(url).body == b'{"v": 1}'
    assert server.hits["/list"] == 1  # fresh: served from memory
    clock.now += 61
    assert cache.fetch(url).body == b'{"v": 1}'  # 304: the cached body is kept
    assert server.hits["/list"] == 2
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    clock.now += 30
    cache.fetch(url)
    assert server.hits["/list"] == 2  # the 304 renewed the entry's time
    state.update(etag='"v2"', body=b'{"v": 2}')
    clock.now += 31
    assert cache.fetch(url).body == b'{"v": 2}'
    assert server.hits["/list"] == 3
    assert cache.fetch(url, etag='"v2"').not_modified


def test_caching_fetcher_never_caches_errors(server: SimpleNamespace) -> None:
    answers = iter([500, 200])
    server.routes["/flaky"] = lambda h: reply(h, next(answers), b"{}")
    cache = CachingFetcher(HttpFetcher(LOOPBACK), ttl_seconds=60)
    with pytest.raises(FetchError, match="HTTP status 500"):
        cache.fetch(server.base + "/flaky")
    assert cache.fetch(server.base + "/flaky").status == 200
    assert server.hits["/flaky"] == 2


def test_caching_fetcher_evicts_the_least_recently_used_entry() -> None:
    calls: Counter[str] = Counter()

    class Counting(StaticFetcher):
        def fetch(self, url: str, accept: str = "application/json", etag: str | None = None):
            calls[url] += 1
            return super().fetch(url, accept, etag)

    docs = {f"https://example.com/{i}": b"{}" for i in range(3)}
    cache = CachingFetcher(Counting(docs), max_entries=2)
    for url in ["https://example.com/0", "https://example.com/1", "https://example.com/0",
                "https://example.com/2", "https://example.com/0", "https://example.com/1"]:
        cache.fetch(url)
    assert calls == Counter({"https://example.com/0": 1, "https://example.com/1": 2,
                             "https://example.com/2": 1})


def test_static_fetcher_serves_known_urls_only() -> None:
    fetcher = StaticFetcher({"https://example.com/did.json": b'{"id": "x"}'})
    result = fetcher.fetch("https://example.com/did.json")
    assert (result.status, result.body, result.not_modified) == (200, b'{"id": "x"}', False)
    assert fetcher.fetch("https://example.com/did.json", etag=result.etag).not_modified
    with pytest.raises(FetchError, match="not among the offline documents"):
        fetcher.fetch("https://example.com/other.json")


def _self_signed(tmp_path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for `name`, and a client context trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server_ctx, ssl.create_default_context(cadata=pem.decode("ascii"))


def test_https_connects_to_the_pinned_address_and_checks_the_host_name(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_ctx, client_ctx = _self_signed(tmp_path, "did.test")
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_dns(host: str, port: int, *args: object, **kwargs: object) -> list:
        lookups.append(host)  # a second lookup would be answered with a private address
        address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"
        return real_getaddrinfo(address, port, *args, **kwargs)

    with loopback_server(tls=server_ctx) as s:
        s.routes["/did.json"] = lambda h: reply(h, 200, b'{"id": "did:web:did.test"}')
        monkeypatch.setattr(vc.fetch.socket, "getaddrinfo", rebinding_dns)
        fetcher = HttpFetcher(LOOPBACK, ssl_context=client_ctx)
        result = fetcher.fetch(f"https://did.test:{s.port}/did.json")
        assert result.body == b'{"id": "did:web:did.test"}'
        assert lookups == ["did.test"]
        assert s.requests[0][1]["Host"] == f"did.test:{s.port}"
        lookups.clear()
        with pytest.raises(FetchError, match="certificate|hostname|match"):
            fetcher.fetch(f"https://127.0.0.1:{s.port}/did.json")  # the name is not 127.0.0.1
