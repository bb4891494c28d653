"""A JAdES seal read from its JWS JSON serialisation (RFC 7515 §7.2, ETSI TS 119 182-1 §5.1),
strictly: one signature (a seal), an integrity-protected header that is I-JSON, the header
names of the two headers disjoint (RFC 7515 §7.2.1), every `crit` name one this verifier acts
on (RFC 7515 §4.1.11), and base64url in its one spelling (RFC 7515 §2: no padding; the unused
bits of the last character zero), so that no byte of the seal can change without changing
what is verified.

`b64: false` (RFC 7797, what the EDCs use): the payload is the JSON string's UTF-8 bytes,
signed as they are; otherwise the payload is base64url, as in plain JWS.
"""
import base64
import binascii
from dataclasses import dataclass
from typing import Any

from vc.errors import MalformedInputError
from vc.findings import FindingError, finding
from vc.jades.codes import SealCode
from vc.json_input import loads_bounded, loads_strict

MAX_SEAL_BYTES = 8 * 1024 * 1024  # an EDC with its rendered page is some 150 kB
MAX_HEADER_CHARS = 512 * 1024  # x5c, adoTst and the etsiU values (certificates, CRLs)
MAX_JSON_DEPTH = 64  # ELM documents nest deeply (claims, parts, specifications)
# TS 119 182-1 §5.1.11 / RFC 7515 §4.1.11: the header parameters we act on (b64, sigT,
# adoTst) or that only state a claim for people (srCms commitment, sigPl place, srAts
# roles); anything else listed as critical (sigD detached content, x5t#o, ...) is refused
UNDERSTOOD_CRITICAL = frozenset({"b64", "sigT", "adoTst", "srCms", "sigPl", "srAts"})
# RFC 7515 §4.1 names that must never be in crit (they are understood by definition)
_REGISTERED = frozenset({"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ",
                         "cty", "crit"})
UNPROTECTED_NAMES = frozenset({"etsiU", "kid", "x5c"})
# TS 119 182-1 §5.3, §5.5: the unsigned properties etsiU may hold; another name is refused,
# so that a changed name cannot hide a time-stamp (the seal would read as never stamped)
UNSIGNED_PROPERTIES = frozenset({
    "sigTst", "xRefs", "rRefs", "axRefs", "arRefs", "sigRTst", "rfsTst", "xVals", "rVals",
    "axVals", "arVals", "tstVD", "anyValData", "sigPSt", "arcTst", "cSig"})


class SealFormatError(FindingError):
    """The seal cannot be read unambiguously: malformed (forged or malformed verdict)."""

    def __init__(self, detail: str) -> None:
        super().__init__(finding(SealCode.MALFORMED, detail))


@dataclass(frozen=True)
class SealedDocument:
    """One seal as read: what its signature covers and what its unprotected header adds."""

    protected_b64: str  # BASE64URL(UTF8(JWS Protected Header)), as it was sent
    header: dict[str, Any]  # the protected header
    unprotected: dict[str, Any]
    payload_text: str  # the payload member as it appears in the JSON (b64 false: the content)
    payload: bytes  # the content the seal covers
    b64: bool
    signature_b64: str
    signature: bytes
    etsi_u: tuple[dict[str, Any], ...]  # each etsiU element, decoded

    @property
    def signing_input(self) -> bytes:
        """RFC 7515 §5.1 step 5 / RFC 7797 §3: ASCII(BASE64URL(protected)) || '.' || payload."""
        return self.protected_b64.encode("ascii") + b"." + (
            self.payload if not self.b64 else self.payload_text.encode("ascii"))


def b64url(text: object, what: str) -> bytes:
    """RFC 7515 §2 base64url: no padding, and the canonical spelling only (a last character
    whose unused bits are not zero decodes like another one: refused)."""
    if not isinstance(text, str) or not text.isascii() or "=" in text or "+" in text \
            or "/" in text:
        raise SealFormatError(f"{what} is not base64url without padding")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SealFormatError(f"{what} is not base64url") from None
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != text:
        raise SealFormatError(f"{what} is not base64url in its canonical spelling")
    return data


def b64std(text: object, what: str) -> bytes:
    """Base64 with padding (RFC 4648 §4: x5c and the time-stamp tokens), canonical only."""
    if not isinstance(text, str) or not text.isascii():
        raise SealFormatError(f"{what} is not base64")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SealFormatError(f"{what} is not base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise SealFormatError(f"{what} is not base64 in its canonical spelling")
    return data


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = loads_bounded(raw, what, max_bytes=MAX_HEADER_CHARS, max_depth=16)
    except MalformedInputError as e:
        raise SealFormatError(str(e)) from None
    if not isinstance(value, dict):
        raise SealFormatError(f"{what} is not a JSON object")
    return value


def looks_like_seal(document: object) -> bool:
    """A JWS JSON serialisation: a payload and signatures (general) or a signature
    (flattened); how the verifier tells an EDC from a W3C credential by content."""
    return isinstance(document, dict) and isinstance(document.get("payload"), str) and (
        isinstance(document.get("signatures"), list) or "signature" in document)


def parse_seal(document: object) -> SealedDocument:
    """The seal in `document` (bytes, text or parsed JSON); SealFormatError says why not."""
    if isinstance(document, bytes | str):
        try:
            document = loads_bounded(document.encode("utf-8") if isinstance(document, str)
                                     else document, "the sealed document",
                                     max_bytes=MAX_SEAL_BYTES, max_depth=MAX_JSON_DEPTH)
        except MalformedInputError as e:
            raise SealFormatError(str(e)) from None
    if not looks_like_seal(document) or not isinstance(document, dict):
        raise SealFormatError("not a JWS in JSON serialisation (payload and signatures)")
    if "signatures" in document:
        signatures = document["signatures"]
        if set(document) != {"payload", "signatures"}:
            raise SealFormatError("the JWS has members other than payload and signatures")
        if len(signatures) != 1 or not isinstance(signatures[0], dict):
            raise SealFormatError("a seal has exactly one signature")
        entry = signatures[0]
    else:
        entry = {k: v for k, v in document.items() if k != "payload"}
    if not set(entry) <= {"protected", "header", "signature"}:
        raise SealFormatError("the signature has members other than protected, header and "
                              "signature")
    return _read(document["payload"], entry)


def _read(payload_text: str, entry: dict[str, Any]) -> SealedDocument:
    protected_b64 = entry.get("protected")
    if not isinstance(protected_b64, str) or not protected_b64:
        raise SealFormatError("the seal has no protected header (JAdES signs its header)")
    header = _json_object(b64url(protected_b64, "the protected header"), "the protected header")
    unprotected = entry.get("header", {})
    if not isinstance(unprotected, dict):
        raise SealFormatError("the unprotected header is not a JSON object")
    if set(header) & set(unprotected):
        raise SealFormatError("a header parameter is both protected and unprotected")
    if not set(unprotected) <= UNPROTECTED_NAMES:
        names = ", ".join(sorted(set(unprotected) - UNPROTECTED_NAMES))
        raise SealFormatError(f"unknown unprotected header parameter(s): {names}")
    _check_critical(header)
    b64 = header.get("b64", True)
    if not isinstance(b64, bool):
        raise SealFormatError("b64 is not a boolean")
    if not b64:
        # RFC 7797 §5.2: the content as sent; no '.' issue in the JSON serialisation
        try:
            payload = payload_text.encode("utf-8")
        except UnicodeEncodeError:
            raise SealFormatError("the payload is not valid Unicode") from None
    else:
        payload = b64url(payload_text, "the payload")
    signature_b64 = entry.get("signature")
    signature = b64url(signature_b64, "the signature")
    if not isinstance(signature_b64, str):  # b64url refused it already; for the type checker
        raise SealFormatError("the signature is not a string")
    return SealedDocument(protected_b64, header, unprotected, payload_text, payload, b64,
                          signature_b64, signature, _etsi_u(unprotected.get("etsiU")))


def _check_critical(header: dict[str, Any]) -> None:
    crit = header.get("crit")
    if crit is None:
        if header.get("b64") is False:  # RFC 7797 §6: b64 false must be critical
            raise SealFormatError("b64 is false but not listed in crit")
        return
    if not isinstance(crit, list) or not crit or not all(isinstance(n, str) for n in crit) \
            or len(set(crit)) != len(crit):
        raise SealFormatError("crit is not a non-empty list of distinct names")
    for name in crit:
        if name in _REGISTERED:
            raise SealFormatError(f"crit names the registered parameter {name}")
        if name not in header:
            raise SealFormatError(f"crit names {name}, which the protected header lacks")
        if name not in UNDERSTOOD_CRITICAL:
            raise SealFormatError(f"crit names {name}, which this verifier does not "
                                  "implement", )
    if header.get("b64") is False and "b64" not in crit:
        raise SealFormatError("b64 is false but not listed in crit")


def _etsi_u(value: object) -> tuple[dict[str, Any], ...]:
    """TS 119 182-1 §5.3.1: etsiU is an array of unsigned properties, each either a JSON
    object or the base64url of one (all in the same form)."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > 64:
        raise SealFormatError("etsiU is not an array of at most 64 properties")
    out = []
    for item in value:
        if isinstance(item, str):
            item = _json_object(b64url(item, "an etsiU property"), "an etsiU property")
        if not isinstance(item, dict) or len(item) != 1:
            raise SealFormatError("an etsiU property is not an object with one member")
        if not set(item) <= UNSIGNED_PROPERTIES:
            raise SealFormatError(f"etsiU holds an unknown property {next(iter(item))[:40]!r}")
        out.append(item)
    return tuple(out)


def payload_json(seal: SealedDocument) -> dict[str, Any]:
    """The content as a JSON object (an EDC), strictly parsed; SealFormatError if not."""
    try:
        value = loads_strict(seal.payload)
    except MalformedInputError as e:
        raise SealFormatError(f"the sealed content is not JSON: {e}") from None
    if not isinstance(value, dict):
        raise SealFormatError("the sealed content is not a JSON object")
    return value
