"""did:web URL mapping and resolution (DID Web §3.2), and the DID resolver's key checks."""
import contextlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from vc.did_resolver import DIDResolver, VerificationKey
from vc.did_web import did_web_to_url, resolve_did_web
from vc.errors import DIDResolutionError
from vc.fetch import FetchPolicy, HttpFetcher, StaticFetcher
from vc.multibase import b58encode
from vc.multikey import Ed25519Multikey

DID = "did:web:example.com"
DOC_URL = "https://example.com/.well-known/did.json"
KEY = Ed25519Multikey.generate()
OTHER_KEY = Ed25519Multikey.generate()


def raw(key: Ed25519Multikey) -> bytes:
    return key.public_key.public_bytes_raw()


def did_document(did: str = DID, **overrides: object) -> dict:
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": KEY.public_key_multibase,
            },
            {
                "id": f"{did}#auth-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": OTHER_KEY.public_key_multibase,
            },
        ],
        "assertionMethod": ["#key-1"],
        "authentication": [f"{did}#auth-1"],
    }
    doc.update(overrides)
    return doc


def static_resolver(doc: dict | bytes, url: str = DOC_URL) -> DIDResolver:
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return DIDResolver(StaticFetcher({url: body}))


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user%20x", "https://w3c-ccg.github.io/user%20x/did.json"),
        ("did:web:issuer.example.eu%3a8080:a:b", "https://issuer.example.eu:8080/a/b/did.json"),
    ],
)
def test_maps_did_web_to_its_document_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


def test_maps_to_http_only_when_asked_for_a_loopback_test() -> None:
    assert did_web_to_url("did:web:127.0.0.1%3A8000", scheme="http") == (
        "http://127.0.0.1:8000/.well-known/did.json"
    )
    with pytest.raises(ValueError, match="scheme"):
        did_web_to_url(DID, scheme="ftp")


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("", "must start with 'did:web:'"),
        ("did:key:z6Mk", "must start with 'did:web:'"),
        ("did:web:", "empty segment"),
        ("did:web:example.com::alice", "empty segment"),
        ("did:web:example.com:..", "path segment '..' is not allowed"),
        ("did:web:example.com:%2E%2e", "path segment '%2E%2e' is not allowed"),
        ("did:web:example.com:a%2Fb", "path segment 'a%2Fb' is not allowed"),
        ("did:web:example.com/evil", "outside the DID grammar"),
        ("did:web:user@example.com", "outside the DID grammar"),
        ("did:web:example.com#frag", "outside the DID grammar"),
        ("did:web:exa_mple.com", "is not a domain name"),
        ("did:web:example..com", "is not a domain name"),
        ("did:web:%65xample.com", "only %3A"),
        ("did:web:example.com%3A99999", "port '99999'"),
        ("did:web:example.com%3A", "port ''"),
        ("did:web:" + "a" * 2100, "longer than 2048"),
    ],
)
def test_rejects_malformed_did_web(did: str, reason: str) -> None:
    with pytest.raises(DIDResolutionError, match="not a valid did:web DID") as caught:
        did_web_to_url(did)
    assert reason in str(caught.value)


@contextlib.contextmanager
def did_server(files: dict[str, bytes]) -> Iterator[SimpleNamespace]:
    hits: Counter[str] = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/did+json")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield SimpleNamespace(hits=hits, did=f"did:web:127.0.0.1%3A{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_resolves_a_did_web_document_from_a_loopback_server() -> None:
    files: dict[str, bytes] = {}
    with did_server(files) as server:
        alice = server.did + ":user:alice"
        files["/.well-known/did.json"] = json.dumps(did_document(server.did)).encode()
        files["/user/alice/did.json"] = json.dumps(did_document(alice)).encode()
        fetcher = HttpFetcher(FetchPolicy(unsafe_allow_http_loopback=True, timeout=2))
        doc = resolve_did_web(server.did, fetcher, scheme="http")
        assert doc.id == server.did
        assert doc.verification_method[0].public_key_multibase == KEY.public_key_multibase
        assert resolve_did_web(alice, fetcher, scheme="http").id == alice

        resolver = DIDResolver(fetcher, web_scheme="http")
        key = resolver.resolve_verification_method(server.did + "#key-1")
        assert key == VerificationKey(server.did + "#key-1", server.did, key.public_key)
        assert raw(KEY) == key.public_key.public_bytes_raw()
        resolver.resolve(server.did)
        assert server.hits["/.well-known/did.json"] == 2  # once direct, once for the resolver
        with pytest.raises(DIDResolutionError, match="HTTP status 404"):
            resolver.resolve(server.did + ":nobody")


def test_production_resolver_refuses_a_loopback_did_web() -> None:
    with pytest.raises(DIDResolutionError, match="address 127.0.0.1 is loopback"):
        DIDResolver(fetcher=HttpFetcher()).resolve("did:web:127.0.0.1%3A9")


def test_rejects_a_document_whose_id_is_not_the_did() -> None:
    resolver = static_resolver(did_document("did:web:attacker.example"))
    with pytest.raises(DIDResolutionError, match="has id 'did:web:attacker.example'"):
        resolver.resolve(DID)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "is not a JSON object"),
        (b"\xff\xfe", "is not valid JSON"),
        (b'{"id": "did:web:example.com", "id": "did:web:other.example"}', "duplicate object key 'id'"),
        (b'{"id": "did:web:example.com", "x": NaN}', "NaN is not valid JSON"),
        (b'{"id": "did:web:example.com", "x": ' + b"[" * 40 + b"]" * 40 + b"}", "deeper than 32"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"id": "did:web:example.com", "verificationMethod": "x"}', "is invalid"),
    ],
)
def test_rejects_documents_that_are_not_bounded_json_objects(body: bytes, reason: str) -> None:
    with pytest.raises(DIDResolutionError, match=reason):
        static_resolver(body).resolve(DID)


def test_accepts_absolute_and_relative_method_ids_for_their_relationship() -> None:
    resolver = static_resolver(did_document())
    assertion = resolver.resolve_verification_method(DID + "#key-1")
    assert assertion.public_key.public_bytes_raw() == raw(KEY)
    auth = resolver.resolve_verification_method(DID + "#auth-1", purpose="authentication")
    assert (auth.id, auth.controller) == (DID + "#auth-1", DID)
    assert auth.public_key.public_bytes_raw() == raw(OTHER_KEY)


def test_rejects_a_key_not_listed_under_the_requested_relationship() -> None:
    resolver = static_resolver(did_document())
    with pytest.raises(
        DIDResolutionError,
        match=f"key {DID}#auth-1 is not authorised for assertionMethod by DID {DID}",
    ):
        resolver.resolve_verification_method(DID + "#auth-1")
    with pytest.raises(DIDResolutionError, match="not authorised for authentication"):
        resolver.resolve_verification_method(DID + "#key-1", purpose="authentication")
    with pytest.raises(DIDResolutionError, match="has no verification method"):
        resolver.resolve_verification_method(DID + "#key-9")


def test_accepts_a_method_embedded_in_the_relationship() -> None:
    embedded = {
        "id": "#embedded",
        "type": "Ed25519VerificationKey2020",
        "controller": DID,
        "publicKeyMultibase": OTHER_KEY.public_key_multibase,
    }
    resolver = static_resolver(did_document(assertionMethod=["#key-1", embedded]))
    key = resolver.resolve_verification_method(DID + "#embedded")
    assert key.public_key.public_bytes_raw() == raw(OTHER_KEY)


def test_rejects_a_method_defined_twice() -> None:
    twice = {"id": "#key-1", "type": "Multikey", "controller": DID,
             "publicKeyMultibase": OTHER_KEY.public_key_multibase}
    for written in (twice, {**twice, "id": DID + "#key-1"}):
        resolver = static_resolver(did_document(assertionMethod=[written]))
        with pytest.raises(DIDResolutionError, match="#key-1 more than once, differently"):
            resolver.resolve_verification_method(DID + "#key-1")


def test_rejects_two_different_methods_with_one_id_in_the_method_list() -> None:
    doc = did_document()
    doc["verificationMethod"][1]["id"] = "#key-1"  # OTHER_KEY under key-1's id
    with pytest.raises(DIDResolutionError, match="more than once, differently"):
        static_resolver(doc).resolve_verification_method(DID + "#key-1")


@pytest.mark.parametrize("where", ["embedded", "listed twice", "absolute and relative"])
def test_accepts_the_same_method_listed_twice_identically(where) -> None:
    doc = did_document()
    same = dict(doc["verificationMethod"][0])
    if where == "embedded":
        doc["assertionMethod"] = [same]  # listed, and embedded in the relationship
    elif where == "listed twice":
        doc["verificationMethod"].append(same)
    else:
        doc["assertionMethod"] = [{**same, "id": DID + "#key-1"}]
    key = static_resolver(doc).resolve_verification_method(DID + "#key-1")
    assert key.public_key.public_bytes_raw() == raw(KEY)
    assert key.controller == DID


def test_rejects_a_method_with_another_controller() -> None:
    doc = did_document()
    doc["verificationMethod"][0]["controller"] = "did:web:attacker.example"
    with pytest.raises(DIDResolutionError, match="controller 'did:web:attacker.example'"):
        static_resolver(doc).resolve_verification_method(DID + "#key-1")


def test_reads_ed25519_2018_keys_in_base58() -> None:
    doc = did_document()
    doc["verificationMethod"][0] = {
        "id": "#key-1",
        "type": "Ed25519VerificationKey2018",
        "controller": DID,
        "publicKeyBase58": b58encode(raw(KEY)),
    }
    key = static_resolver(doc).resolve_verification_method(DID + "#key-1")
    assert key.public_key.public_bytes_raw() == raw(KEY)
    doc["verificationMethod"][0]["publicKeyBase58"] = b58encode(raw(KEY)[:31])
    with pytest.raises(DIDResolutionError, match="31 bytes, not 32"):
        static_resolver(doc).resolve_verification_method(DID + "#key-1")


def test_rejects_unsupported_key_types_and_bad_keys() -> None:
    doc = did_document()
    doc["verificationMethod"][0] = {
        "id": "#key-1",
        "type": "JsonWebKey2020",
        "controller": DID,
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
    }
    with pytest.raises(DIDResolutionError, match="type 'JsonWebKey2020'"):
        static_resolver(doc).resolve_verification_method(DID + "#key-1")
    doc = did_document()
    doc["verificationMethod"][0]["publicKeyMultibase"] = "z" + b58encode(b"\x12\x00" + raw(KEY))
    with pytest.raises(DIDResolutionError, match="unusable: publicKeyMultibase is not an Ed25519"):
        static_resolver(doc).resolve_verification_method(DID + "#key-1")


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:example:123", "DID method example is not supported"),
        ("did:ion:EiAbc", "DID method ion is not supported"),
        ("not-a-did", "is not a DID"),
        ("did:web:example.com/path", "is not a DID"),
    ],
)
def test_rejects_unsupported_methods_and_non_dids(did: str, reason: str) -> None:
    with pytest.raises(DIDResolutionError, match=reason):
        DIDResolver(StaticFetcher({})).resolve(did)


@pytest.mark.parametrize(
    ("vm_url", "reason"),
    [
        (DID, "not a verification method URL"),
        (DID + "#", "empty fragment"),
        (DID + "?service=x#key-1", "is not a DID"),
        ("did:example:1#key-1", "DID method example is not supported"),
    ],
)
def test_rejects_malformed_verification_method_urls(vm_url: str, reason: str) -> None:
    with pytest.raises(DIDResolutionError, match=reason):
        static_resolver(did_document()).resolve_verification_method(vm_url)


def test_caches_did_web_documents_for_the_ttl() -> None:
    calls: list[str] = []

    class Counting(StaticFetcher):
        def fetch(self, url: str, accept: str = "application/json", etag: str | None = None):
            calls.append(url)
            return super().fetch(url, accept, etag)

    now = [0.0]
    body = json.dumps(did_document()).encode()
    resolver = DIDResolver(Counting({DOC_URL: body}), cache_ttl=300, clock=lambda: now[0])
    resolver.resolve_verification_method(DID + "#key-1")
    resolver.resolve(DID)
    assert calls == [DOC_URL]
    now[0] = 301.0
    resolver.resolve(DID)
    assert calls == [DOC_URL, DOC_URL]


def test_resolves_did_key_without_network() -> None:
    did = "did:key:" + KEY.public_key_multibase
    key = DIDResolver(StaticFetcher({})).resolve_verification_method(
        f"{did}#{KEY.public_key_multibase}"
    )
    assert (key.controller, key.public_key.public_bytes_raw()) == (did, raw(KEY))
