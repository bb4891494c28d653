"""Whose key signed an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.5 Issuer Verification Key
Discovery and Validation, §4 JWT VC Issuer Metadata).

Two mechanisms, each only when the verifier's policy permits it:
- `x5c` (HAIP 1.0 §6.1.1): the chain must lead to a configured trust anchor. s4c's rule tying
  the certificate to `iss` (the draft's earlier text, kept because the registry identifies
  bodies by domain): `iss` must equal a URI SAN of the leaf, or be an https URL whose host is
  a dNSName SAN of the leaf.
- JWT VC Issuer Metadata: `https://host/.well-known/jwt-vc-issuer[/path]` for an https `iss`,
  fetched through the injected `vc.fetch.Fetcher` (none by default: no network unless the
  caller passes one); `issuer` must equal `iss`; the key is picked by `kid`.

A fetch that fails is `IssuerKeyUnavailable` (could not check), never a forgery.
"""
import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from vc.errors import FetchError, MalformedInputError
from vc.fetch import Fetcher
from vc.jose import CompactJws, JwsError, PublicKey, public_key_from_jwk
from vc.json_input import loads_bounded
from vc.sd_jwt_errors import IssuerKeyError, IssuerKeyUnavailable
from vc.x509_chain import CertificateChainError, VerifiedChain, verify_x5c

WELL_KNOWN = "/.well-known/jwt-vc-issuer"
MAX_METADATA_BYTES = 100_000
MAX_KEYS = 32


@dataclass(frozen=True)
class IssuerKeyPolicy:
    """What a verifier accepts as proof that a key is the issuer's. Empty: nothing."""

    trust_anchors: Sequence[x509.Certificate] = ()  # x5c roots (the demo CA, a national PKI)
    metadata_fetcher: Fetcher | None = None  # JWT VC Issuer Metadata; None: never fetched
    now: dt.datetime | None = None  # certificate validity time; None: now


@dataclass(frozen=True)
class IssuerKey:
    key: PublicKey
    method: str  # "x5c" or "jwt-vc-issuer"
    issuer: str  # `iss`, or the leaf certificate's subject when there is no `iss`
    chain: VerifiedChain | None = None


def resolve_issuer_key(jws: CompactJws, policy: IssuerKeyPolicy) -> IssuerKey:
    """The key that must have verified `jws` (not yet verified: the caller verifies the
    signature with it, so every claim used here ends up covered by that signature)."""
    iss = jws.payload.get("iss")
    if iss is not None and (not isinstance(iss, str) or not iss or len(iss) > 2048):
        raise IssuerKeyError("iss is not a non-empty string")
    if "x5c" in jws.header and policy.trust_anchors:
        return _from_x5c(jws.header["x5c"], iss, policy)
    if isinstance(iss, str) and iss.startswith("https://") and policy.metadata_fetcher:
        return _from_metadata(jws, iss, policy.metadata_fetcher)
    if "x5c" in jws.header:
        raise IssuerKeyError("the credential carries an x5c chain, but no X.509 trust anchor "
                             "is configured to validate it")
    raise IssuerKeyError("no permitted way to find the issuer's key: neither an x5c chain to "
                         "a trust anchor nor JWT VC Issuer Metadata for an https iss")


def _from_x5c(x5c: object, iss: str | None, policy: IssuerKeyPolicy) -> IssuerKey:
    try:
        chain = verify_x5c(x5c, policy.trust_anchors, policy.now)
    except CertificateChainError as e:
        raise IssuerKeyError(str(e)) from None
    if iss is None:
        return IssuerKey(chain.public_key, "x5c", chain.leaf.subject.rfc4514_string(), chain)
    host = urlsplit(iss).hostname if iss.startswith("https://") else None
    if iss in chain.uris or (host is not None and _names_host(chain, host)):
        return IssuerKey(chain.public_key, "x5c", iss, chain)
    raise IssuerKeyError(f"the x5c certificate (SAN DNS {list(chain.dns_names)}, URI "
                         f"{list(chain.uris)}) is not for the issuer {iss!r}")


def _names_host(chain: VerifiedChain, host: str) -> bool:
    """An IP literal matches an iPAddress SAN, a name a dNSName SAN (RFC 6125 §6.2.1)."""
    try:
        return str(ipaddress.ip_address(host)) in chain.ip_addresses
    except ValueError:
        return host in chain.dns_names


def metadata_url(iss: str) -> str:
    """§4: the well-known string between the host and the path (a trailing `/` removed)."""
    parts = urlsplit(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment \
            or "@" in parts.netloc:
        raise IssuerKeyError(f"iss {iss[:100]!r} is not an https URL without query or "
                             "fragment (§4)")
    return f"https://{parts.netloc}{WELL_KNOWN}{parts.path.rstrip('/')}"


def _fetch_json(fetcher: Fetcher, url: str, what: str) -> Any:
    try:
        result = fetcher.fetch(url, "application/json")
    except FetchError as e:
        raise IssuerKeyUnavailable(f"could not fetch {what}: {e}") from None
    try:
        return loads_bounded(result.body, what, max_bytes=MAX_METADATA_BYTES, max_depth=8)
    except MalformedInputError as e:
        raise IssuerKeyError(str(e)) from None


def _from_metadata(jws: CompactJws, iss: str, fetcher: Fetcher) -> IssuerKey:
    metadata = _fetch_json(fetcher, metadata_url(iss), "the JWT VC Issuer Metadata")
    if not isinstance(metadata, dict) or metadata.get("issuer") != iss:
        raise IssuerKeyError("the JWT VC Issuer Metadata names another issuer than iss "
                             "(§4.3: it must not be used)")
    has_jwks, has_uri = "jwks" in metadata, "jwks_uri" in metadata
    if has_jwks == has_uri:
        raise IssuerKeyError("the JWT VC Issuer Metadata must have exactly one of jwks and "
                             "jwks_uri (§4.2)")
    if has_uri:
        uri = metadata["jwks_uri"]
        if not isinstance(uri, str) or not uri.startswith("https://"):
            raise IssuerKeyError("jwks_uri is not an https URL")
        jwks = _fetch_json(fetcher, uri, "the issuer's JWK Set")
    else:
        jwks = metadata["jwks"]
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys or len(keys) > MAX_KEYS:
        raise IssuerKeyError("the issuer's JWK Set has no usable keys array")
    kid = jws.header.get("kid")
    if kid is not None:
        keys = [k for k in keys if isinstance(k, dict) and k.get("kid") == kid]
        if len(keys) != 1:
            raise IssuerKeyError(f"the issuer's JWK Set has {len(keys)} keys with kid "
                                 f"{str(kid)[:60]!r}; exactly one is needed")
    elif len(keys) != 1:
        raise IssuerKeyError("the credential has no kid and the issuer publishes several keys")
    try:
        key = public_key_from_jwk(keys[0], "the issuer's key")
    except JwsError as e:
        raise IssuerKeyError(str(e)) from None
    return IssuerKey(key, "jwt-vc-issuer", iss)


def resolve_status_list_key(jws: CompactJws, issuer: IssuerKey,
                            policy: IssuerKeyPolicy) -> PublicKey:
    """The key of a Status List Token that speaks for `issuer` (draft-ietf-oauth-status-list
    §11.3, same Issuer and Status Issuer): its own x5c chain to a trust anchor with a leaf for
    the same issuer (HAIP 1.0 §6.1), or the key with its `kid` in the same issuer's JWT VC
    Issuer Metadata, or else the very key that signed the credential."""
    if "x5c" in jws.header and policy.trust_anchors:
        if issuer.method == "x5c" and issuer.chain is not None \
                and not issuer.issuer.startswith(("https://", "http://")):
            chain = _from_x5c(jws.header["x5c"], None, policy)
            if chain.issuer != issuer.issuer:
                raise IssuerKeyError("the Status List Token's certificate names another "
                                     "subject than the credential's")
            return chain.key
        return _from_x5c(jws.header["x5c"], issuer.issuer, policy).key
    if issuer.issuer.startswith("https://") and policy.metadata_fetcher is not None \
            and "kid" in jws.header:
        return _from_metadata(jws, issuer.issuer, policy.metadata_fetcher).key
    return issuer.key
