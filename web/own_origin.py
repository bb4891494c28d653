"""The server answers for its own issuer in process (ARCHITECTURE.md, Deployment).

A credential this server issued names its DID document and status lists by URLs under the
server's own public URL. Fetching them over HTTP from inside a request would tie up a
worker waiting for another (with cold caches, two sync workers wait for each other until
the fetch times out), and a cached copy would hide a revocation made a moment ago. So
those URLs are answered by the very views that serve them, in this process, never cached
(`max_age` 0); every other URL goes to the strict fetcher.
"""
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from vc.errors import FetchError
from vc.fetch import Fetcher, FetchResult, static_etag

# the only views answered in process: public documents a verifier reads
OWN_DOCUMENTS = frozenset({"wellknown.did_document", "status_lists.status_list"})


class InProcessOrigin:
    def __init__(self, app: Flask, public_url: str, fallback: Fetcher) -> None:
        self._app = app
        self._fallback = fallback
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
        with self._app.test_request_context(path, headers={"Accept": accept}):
            adapter = self._app.url_map.bind("localhost")
            try:
                endpoint, args = adapter.match(path, method="GET")
            except (HTTPException, RoutingException):  # not found, wrong method, redirect
                endpoint, args = None, {}
            if endpoint not in OWN_DOCUMENTS:
                raise FetchError(f"this server publishes nothing at {url[:200]}")
            response = self._app.make_response(self._app.view_functions[endpoint](**args))
            if response.status_code != 200:
                raise FetchError(f"this server has nothing at {url[:200]} "
                                 f"(HTTP status {response.status_code})")
            body = response.get_data()
        tag = static_etag(body)
        if etag is not None and etag == tag:
            return FetchResult(url, 304, b"", response.mimetype, tag, True, max_age=0)
        return FetchResult(url, 200, body, response.mimetype, tag, max_age=0)
