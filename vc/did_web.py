"""did:web resolution (DID Web Method Specification §3.2 "Read (Resolve)").

did:web:example.com            -> https://example.com/.well-known/did.json
did:web:example.com:user:alice -> https://example.com/user/alice/did.json
did:web:localhost%3A8443       -> https://localhost:8443/.well-known/did.json
"""
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pydid
from pydid.doc.doc import IdentifiedResourceMismatch

from vc.errors import DIDResolutionError, FetchError, MalformedInputError
from vc.fetch import Fetcher
from vc.json_input import json_depth, loads_strict

PREFIX = "did:web:"
MAX_DID_LENGTH = 2048
MAX_JSON_DEPTH = 32
ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"

# DID Core §3.1: idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PORT = re.compile(r"[0-9]{1,5}")


def _bad(did: str, why: str) -> DIDResolutionError:
    shown = did if len(did) <= 200 else did[:200] + "..."
    return DIDResolutionError(f"{shown!r} is not a valid did:web DID: {why}")


def _host(did: str, segment: str) -> str:
    """The domain name, with an optional port written as %3A (§3.2 step 2)."""
    name, sep, port = segment, "", ""
    colon = re.search(r"%3[Aa]", segment)
    if colon:
        name, sep, port = segment[: colon.start()], ":", segment[colon.end() :]
    if "%" in name or "%" in port:
        raise _bad(did, "only %3A (before a port) may be percent-encoded in the domain name")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise _bad(did, f"{name!r} is not a domain name")
    if sep:
        if not _PORT.fullmatch(port) or not 0 < int(port) < 65536:
            raise _bad(did, f"port {port!r} is not a number from 1 to 65535")
        return f"{name}:{int(port)}"
    return name


def did_web_to_url(did: str, scheme: str = "https") -> str:
    """The URL of the DID document (§3.2). scheme="http" is only for loopback test servers."""
    if scheme not in ("https", "http"):
        raise ValueError(f"scheme must be 'https' (or 'http' in tests), not {scheme!r}")
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise _bad(str(did), "it must start with 'did:web:'")
    if len(did) > MAX_DID_LENGTH:
        raise _bad(did, f"longer than {MAX_DID_LENGTH} characters")
    segments = did[len(PREFIX):].split(":")
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            raise _bad(did, "empty segment or a character outside the DID grammar")
    host = _host(did, segments[0])
    path = segments[1:]
    for segment in path:
        decoded = re.sub(r"%[0-9A-Fa-f]{2}", lambda m: chr(int(m[0][1:], 16)), segment)
        if decoded in (".", "..") or any(c in decoded for c in "/\\?#"):
            raise _bad(did, f"path segment {segment!r} is not allowed")
    location = "/".join(path) if path else ".well-known"  # §3.2 steps 1 and 4
    return f"{scheme}://{host}/{location}/did.json"


def parse_did_document_json(did: str, body: bytes) -> dict[str, Any]:
    """A JSON object of bounded depth, strict I-JSON (the size is bounded by the fetch)."""
    try:
        data = loads_strict(body)
    except MalformedInputError as e:
        raise DIDResolutionError(f"DID document of {did} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise DIDResolutionError(f"DID document of {did} is not a JSON object")
    if json_depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise DIDResolutionError(
            f"DID document of {did} is nested deeper than {MAX_JSON_DEPTH} levels"
        )
    return data


def document_from_json(did: str, data: dict[str, Any]) -> pydid.DIDDocument:
    """Checks that the document is about this DID (§3.2) and models it with pydid."""
    if data.get("id") != did:
        raise DIDResolutionError(
            f"DID document fetched for {did} has id {str(data.get('id'))[:200]!r}: "
            "the id must equal the DID"
        )
    try:
        return pydid.DIDDocument.deserialize(_absolute_method_ids(data, did))
    except IdentifiedResourceMismatch as e:
        # DID Core §5.2: a verification method id is unique; the same id with two different
        # definitions makes the key ambiguous (the same definition twice is one method)
        shown = str(e).split(" already found", 1)[0].removeprefix("ID ")[:200]
        raise DIDResolutionError(f"DID document of {did} defines {shown} more than once, "
                                 "differently") from None
    except (ValueError, TypeError, AttributeError, KeyError,  # what pydid 0.5.3 raises
            pydid.DIDError, pydid.DIDDocumentError) as e:
        first = str(e).strip().splitlines()[:3]
        raise DIDResolutionError(f"DID document of {did} is invalid: {' '.join(first)}") from None


_METHOD_LISTS = ("verificationMethod", "authentication", "assertionMethod", "keyAgreement",
                 "capabilityInvocation", "capabilityDelegation")


def _absolute_method_ids(data: dict[str, Any], did: str) -> dict[str, Any]:
    """A copy whose verification methods have absolute ids (DID Core §3.2.2: "#key-1" is
    relative to the document's id), so that one method written twice, once with a relative
    and once with an absolute id, is seen as the same method."""
    out = dict(data)
    for name in _METHOD_LISTS:
        items = data.get(name)
        if isinstance(items, list):
            out[name] = [{**m, "id": did + m["id"]} if isinstance(m, dict)
                         and isinstance(m.get("id"), str) and m["id"].startswith("#") else m
                         for m in items]
    return out


def resolve_did_web(did: str, fetcher: Fetcher, scheme: str = "https") -> pydid.DIDDocument:
    url = did_web_to_url(did, scheme)
    try:
        result = fetcher.fetch(url, accept=ACCEPT)
    except FetchError as e:
        raise DIDResolutionError(f"cannot resolve {did}: {e}") from e
    return document_from_json(did, parse_did_document_json(did, result.body))


_DEFAULT_PORTS = {"https": 443, "http": 80}


def did_web_from_url(url: str) -> str:
    """`https://example.org:8443/issuers/a` -> `did:web:example.org%3A8443:issuers:a`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise ValueError(f"public URL {url!r} is not a valid URL: {e}") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"public URL {url!r} must be http(s)://host[:port][/path]")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"public URL {url!r} must not have credentials, a query or a fragment")
    if ":" in parts.hostname:
        raise ValueError(f"public URL {url!r}: did:web cannot name an IPv6 address")
    host = parts.hostname  # urlsplit lowercases it
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}%3A{port}"
    segments = [quote(unquote(s), safe="") for s in parts.path.split("/") if s]
    return ":".join(["did", "web", host, *segments])


def did_web_has_path(did: str) -> bool:
    """True when the DID document is at `<path>/did.json` instead of `/.well-known/did.json`."""
    return did.count(":") > 2
