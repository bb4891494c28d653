"""What the verifier reads off a verified SD-JWT VC, as the same `CredentialFacts` a W3C
credential gives, so the validity, trust and recognition checks and the summary are shared.

Issuer identity (how an SD-JWT VC maps to the registry entry of a body):
- the registry knows bodies by DID; s4c bodies use did:web. The SD-JWT VC's `iss` is the
  body's https URL, and `did:web:<host>[:<path segments>]` (did:web method §3.2, a port as
  `%3A`) is the registry key: `https://cert.example.org` ↔ `did:web:cert.example.org`.
- the issuer key is tied to that URL by the x5c leaf's SAN (URI = `iss`, or dNSName = its
  host) or by the body's JWT VC Issuer Metadata at that URL (see
  `vc.sd_jwt_vc_issuer_key`), so the name the registry shows is for the domain that signed.
- an anchor that narrows a body's keys (`Accreditation.accepted_keys`) sees the SD-JWT key as
  its RFC 9278 JWK thumbprint URI: a narrowed accreditation accepts it only if it lists it.

Claims read (`S4cClaims`, s4c's vocabulary next to the EU Learning Credential's): the
achievement's id (the role or unit URL, as in the W3C credential), its type, title, EQF level
(1-8 or the EQF URI), and the validity: `nbf` or else `iat` as valid-from, `exp` as
valid-until. Only claims in `VerifiedSdJwtVc.claims` are read: signed, or disclosed by a
Disclosure whose digest is signed.
"""
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from vc.jose import jwk_thumbprint_uri
from vc.language_maps import language_map
from vc.sd_jwt_vc import VerifiedSdJwtVc
from verifier.facts import EQF_URL, CredentialFacts

SD_JWT_VC_TYPE = "SdJwtVc"
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class S4cClaims:
    """Where s4c's facts are in the SD-JWT VC payload (paths of object keys)."""

    achievement_id: tuple[str, ...] = ("achievement", "id")
    achievement_type: tuple[str, ...] = ("achievement", "type")
    achievement_title: tuple[str, ...] = ("achievement", "title")  # string or {lang: text}
    eqf_level: tuple[str, ...] = ("achievement", "eqf_level")


S4C_CLAIMS = S4cClaims()
_LOOPBACK_HTTP = ("http://127.0.0.1:", "http://localhost:")


def did_web_for(iss: str | None) -> str | None:
    """`https://host[:port][/path]` → `did:web:host[%3Aport][:path:segments]`, or None when
    `iss` is not such a URL (no query, fragment or userinfo; DNS host names only). A loopback
    `http://127.0.0.1:port` or `http://localhost:port` (a demo on one machine, whose W3C
    credentials name `did:web:127.0.0.1%3Aport` too) maps the same way: the key must still
    chain to a trust anchor whose certificate names that URL."""
    if not iss or not (iss.startswith("https://") or iss.startswith(_LOOPBACK_HTTP)):
        return None
    try:
        parts = urlsplit(iss)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.query or parts.fragment or "@" in parts.netloc or not host \
            or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        return None
    did = "did:web:" + host + (f"%3A{port}" if port is not None else "")
    segments = [s for s in parts.path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return None
    return ":".join([did, *(quote(s, safe="") for s in segments)])


def _at(claims: dict[str, Any], path: tuple[str, ...]) -> object:
    node: object = claims
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _moment(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _eqf(value: object, problems: list[str]) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    if isinstance(value, str) and (match := EQF_URL.fullmatch(value)):
        return int(match.group(1))
    if value is not None:
        problems.append("eqf_level is not a level from 1 to 8")
    return None


def _titles(value: object) -> dict[str, str]:
    """A title as one string, JSON-LD language values, or a `{language: text}` object."""
    if isinstance(value, dict) and "@value" not in value:
        return {k.lower(): v for k, v in sorted(value.items())
                if isinstance(k, str) and isinstance(v, str)}
    return language_map(value)


def read_sd_jwt_facts(verified: VerifiedSdJwtVc,
                      names: S4cClaims | None = None) -> CredentialFacts:
    names = names or S4C_CLAIMS
    claims = verified.claims
    problems: list[str] = []
    achievement_id = _at(claims, names.achievement_id)
    achievement_type = _at(claims, names.achievement_type)
    signer = jwk_thumbprint_uri(verified.issuer.key)
    return CredentialFacts(
        types=(SD_JWT_VC_TYPE, verified.vct),
        issuer_did=did_web_for(verified.issuer.issuer),
        achievement_id=achievement_id if isinstance(achievement_id, str) else None,
        achievement_type=achievement_type if isinstance(achievement_type, str) else None,
        achievement_names=_titles(_at(claims, names.achievement_title)),
        eqf_level=_eqf(_at(claims, names.eqf_level), problems),
        holder_did=None,
        holder_hashed_email=False,
        # the holder's name when the holder disclosed it (a selectively disclosable claim)
        holder_name=claims["name"].strip() if isinstance(claims.get("name"), str)
        and claims["name"].strip() else None,
        valid_from=_moment(verified.not_before if verified.not_before is not None
                           else verified.issued_at),
        valid_until=_moment(verified.expires_at),
        status_entries=(),
        related=(),
        schema_ids=(),
        proofs=({"verificationMethod": signer},),
        problems=tuple(problems),
    )
