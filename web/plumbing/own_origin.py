"""The server answers for its own issuer and verifier in process (ARCHITECTURE.md,
Deployment).

A credential this server issued names its DID document and status lists by URLs under the
server's own public URL. Fetching them over HTTP from inside a request would tie up a
worker waiting for another (with cold caches, two sync workers wait for each other until
the fetch times out), and a cached copy would hide a revocation made a moment ago. So
those URLs are answered by the very views that serve them, in this process, never cached
(`max_age` 0); every other URL goes to the strict fetcher.
"""
import time
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from vc.errors import FetchError
from vc.fetch import Fetcher, FetchResult, static_etag
from web.wiring.services import services_of

# the only views answered in process: public documents a verifier reads (the verifier's own
# DID document too: a receipt this server signed is checked against it)
OWN_DOCUMENTS = frozenset({"wellknown.did_document", "status_lists.status_list",
                           "oid4vci.token_status_list", "oid4vci.vct_type_metadata",
                           "verify_page.verifier_did_json"})
MAX_KEPT = 64


VERSIONS_FOR_SECONDS = 1.0


class _ListVersions:
    """The versions of this server's status lists, read with one query and reused for at
    most a second; a change made in this process is seen at once (the issuer service
    counts them), a change by another worker or instance within that second."""

    def __init__(self) -> None:
        self._read: tuple[float, int, dict] | None = None

    def __call__(self, app: Flask, args: dict) -> str | None:
        issuer = services_of(app).issuer
        read = self._read
        now = time.monotonic()
        if read is None or now - read[0] > VERSIONS_FOR_SECONDS \
                or read[1] != issuer.status_changes:
            generation = issuer.status_changes
            read = self._read = (now, generation, issuer.status_list_versions())
        return read[2].get((args["purpose"], args["number"]))


class InProcessOrigin:
    def __init__(self, app: Flask, public_url: str, fallback: Fetcher) -> None:
        self._app = app
        self._fallback = fallback
        self._kept: dict[str, tuple[str, FetchResult]] = {}  # url -> (version, answer)
        self._adapter = app.url_map.bind("localhost")
        self._routes: dict[str, tuple] = {}  # path -> (endpoint, args)
        # a cheap version of a document: the answer is rebuilt only when it changes
        self._versions = {"status_lists.status_list": _ListVersions()}
        host = urlsplit(public_url).netloc
        # did:web names https; the demo serves http: both name this server
        self._prefixes = (f"https://{host}/", f"http://{host}/") if host else ()

    def _own_path(self, url: str) -> str | None:
        for prefix in self._prefixes:
            if url.startswith(prefix):
                return "/" + url[len(prefix):].split("#", 1)[0]
        return None

    def fetch(self, url: str, accept: str = "application/json",
              etag: str | None = None) -> FetchResult:
        path = self._own_path(url) if isinstance(url, str) else None
        if path is None:
            return self._fallback.fetch(url, accept, etag)
        route = self._routes.get(path)
        if route is None:
            try:
                route = self._adapter.match(path, method="GET")
            except (HTTPException, RoutingException):  # not found, wrong method, redirect
                route = (None, {})
            if len(self._routes) >= MAX_KEPT:
                self._routes.clear()
            self._routes[path] = route
        endpoint, args = route
        if endpoint not in OWN_DOCUMENTS:
            raise FetchError(f"this server publishes nothing at {url[:200]}")
        versioned = self._versions.get(endpoint)
        version = versioned(self._app, args) if versioned is not None else None
        kept = self._kept.get(url)
        if version is not None and kept is not None and kept[0] == version:
            answer = kept[1]
        else:
            with self._app.test_request_context(path, headers={"Accept": accept}):
                answer = self._render(url, endpoint, args)
            if version is not None:
                if len(self._kept) >= MAX_KEPT:
                    self._kept.clear()
                self._kept[url] = (version, answer)
        if etag is not None and etag == answer.etag:
            return FetchResult(url, 304, b"", answer.content_type, answer.etag, True,
                               max_age=0)
        return answer

    def _render(self, url: str, endpoint: str, args: dict) -> FetchResult:
        # as Flask dispatches a request (Flask.dispatch_request): the view, made synchronous
        view = self._app.ensure_sync(self._app.view_functions[endpoint])
        response = self._app.make_response(view(**args))
        if response.status_code != 200:
            raise FetchError(f"this server has nothing at {url[:200]} "
                             f"(HTTP status {response.status_code})")
        body = response.get_data()
        return FetchResult(url, 200, body, response.mimetype, static_etag(body), max_age=0)
