"""The issuer's did:web identifier and DID document (did:web method spec §3.1-3.2).

`did:web` names an HTTPS location: the host, a percent-encoded port (`%3A`) and
optional path segments joined by `:`. The DID document lives at
`https://<host>/.well-known/did.json`, or at `https://<host>/<path>/did.json`
when the DID has path segments.
"""
from urllib.parse import quote, unquote, urlsplit

from issuer.keys import StoredKey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
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


def issuer_did_document(did: str, keys: list[StoredKey]) -> dict:
    """The DID document listing every issuer key as a Multikey verification method."""
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        # Retired keys stay assertion methods: what they signed is valid until revoked/expired.
        "assertionMethod": [m["id"] for m in methods],
        "authentication": [f"{did}#{key.key_id}" for key in keys if key.is_active],
    }
