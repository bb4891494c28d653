"""The two QR formats of s4c credentials, and reading what a QR code (or a paste) holds.

1. Link QR: `<public_url>/v/<token>`, a holder's revocable share link (a token of at least
   128 bits, base64url); the verifier page looks the token up. Fits QR version <= 6 at M.
2. Self-contained QR: `S4C1:` + Base45(zlib(JCS(signed credential), preset dictionary
   S4C1_DICTIONARY)). JCS (RFC 8785) is what the holder's signed JSON becomes byte for
   byte; the proof is checked on the decoded document as on any other, so no new
   signature is involved. The dictionary (RFC 1950 FDICT) holds the strings every s4c
   credential repeats; it is frozen: a new dictionary needs a new prefix (`S4C2:`).
"""
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from vc.codes import InputCode
from vc.errors import MalformedInputError
from vc.json_input import loads_strict
from vc.qr import PayloadCodec, QRPayloadError, qr_png, read_qr_codes
from verifier.edc_input import sealed_document
from verifier.enveloped import sd_jwt_text

LINK_MAX_VERSION = 6
SELF_CONTAINED_MAX_VERSION = 25
MAX_TEXT_CHARS = 64 * 1024
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

# Least frequent first: deflate reaches the end of the dictionary with the shortest distances.
_DICTIONARY_PARTS = [
    ('Smart City Project Developer","Smart City Project Manager",'
    '"Smart City Project Management Consultant"'),
    ('"Holds every competency unit of the role\'s skills card, each passed at or above its '
    'threshold within '),
    '"Assessed against the unit\'s learning elements; passed at or above ',
    '"Competency unit assessment","narrative":"Assessed on ',
    '"Certification decision","narrative":"Decided on  (certification officer: ',
    '"targetType":"ceterms:Skill","targetUrl":"http://data.europa.eu/esco/skill/',
    '"targetFramework":"ESCO","targetName":"',
    '"targetType":"ceterms:Occupation","targetUrl":"http://data.europa.eu/esco/occupation/',
    '"targetFramework":"Skills4Cities competency framework v1","targetName":"',
    '"targetFramework":"European Qualifications Framework","targetName":"EQF level ',
    '"targetUrl":"http://data.europa.eu/snb/eqf/',
    '"type":["Alignment"]},{"targetCode":"',
    '"identifier":[{"hashed":true,"identityHash":"sha256$',
    '"identityType":"emailAddress","salt":"', '"type":["IdentityObject"]}]',
    '"type":["Achievement"]},', '"type":["AchievementSubject"]}',
    '"result":[{"status":"Completed","type":["Result"],"value":"',
    '"evidence":[{"id":"urn:uuid:', '"type":["Evidence"]}]',
    ('"credentialSchema":[{"id":"https://w3id.org/skills4cities/schemas/'
    'competency-credential-v1.json","type":"JsonSchema"}]'),
    ('"credentialSchema":[{"id":"https://w3id.org/skills4cities/schemas/'
    'role-credential-v1.json","type":"JsonSchema"}]'),
    '"relatedResource":[{"digestMultibase":"uEiB', '","id":"urn:uuid:',
    '"criteria":{"id":"https://w3id.org/skills4cities/framework/v1/roles/',
    '#criteria","narrative":"', '"description":"', '"humanCode":"',
    ('"credentialSubject":{"achievement":{"achievementType":"Certification","alignment":'
    '[{"targetCode":"'),
    ('"credentialSubject":{"achievement":{"achievementType":"Competency","alignment":'
    '[{"targetCode":"'),
    '"id":"https://w3id.org/skills4cities/framework/v1/units/',
    '"id":"https://w3id.org/skills4cities/framework/v1/roles/',
    '"issuer":{"id":"did:web:', '","name":"', '","type":["Profile"],"url":"https://',
    '"name":[{"@language":"bg","@value":"', '{"@language":"de","@value":"',
    '{"@language":"el","@value":"', '{"@language":"es","@value":"',
    '{"@language":"ro","@value":"', '{"@language":"en","@value":"',
    '"proof":{"created":"', ('"cryptosuite":"eddsa-rdfc-2022","proofPurpose":'
    '"assertionMethod","proofValue":"z'), ('"type":"DataIntegrityProof",'
    '"verificationMethod":"did:web:'), '#key-1"}',
    '"credentialStatus":[{"id":"https://', '/status/revocation/',
    '","statusListCredential":"https://', '","statusListIndex":"',
    '","statusPurpose":"revocation","type":"BitstringStatusListEntry"},{"id":"https://',
    '/status/suspension/',
    '","statusPurpose":"suspension","type":"BitstringStatusListEntry"}]',
    '"validFrom":"', 'T00:00:00Z","validUntil":"', 'T00:00:00Z"}',
    ('{"@context":["https://www.w3.org/ns/credentials/v2",'
    '"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",'
    '"https://w3id.org/skills4cities/v1"],'),
    '"type":["VerifiableCredential","OpenBadgeCredential","S4CCompetencyCredential"]',
    '"type":["VerifiableCredential","OpenBadgeCredential","S4CRoleCredential"]',
]
S4C1_DICTIONARY = "".join(_DICTIONARY_PARTS).encode("utf-8")
S4C1_DICTIONARY_SHA256 = hashlib.sha256(S4C1_DICTIONARY).hexdigest()
S4C1 = PayloadCodec("S4C1:", zdict=S4C1_DICTIONARY)


@dataclass(frozen=True)
class ScannedInput:
    """What a QR code or a paste held: a credential, or a share link's token."""

    credential: dict[str, Any] | None = None
    token: str | None = None
    source: str = "json"  # json | self-contained | link | sd-jwt
    sd_jwt: str | None = None  # an SD-JWT VC's compact text (`verifier.enveloped`)
    # the other credentials of a presentation: a role credential's unit credentials
    related: tuple[dict[str, Any], ...] = ()
    sealed: dict[str, Any] | None = None  # a JAdES-sealed EDC (`verifier.edc`), source "edc"
    # the PDF certificate the credential came in, when it carries a seal to check
    # (`verifier.pdf_seal`)
    sealed_pdf: bytes | None = None


def self_contained_text(credential: dict[str, Any]) -> str:
    return S4C1.encode(credential)


def link_text(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/v/{token}"


def self_contained_png(credential: dict[str, Any]) -> tuple[bytes, int]:
    """The self-contained QR (PNG bytes, version); QRPayloadError above version 25."""
    return qr_png(self_contained_text(credential), max_version=SELF_CONTAINED_MAX_VERSION)


def link_png(public_url: str, token: str) -> tuple[bytes, int]:
    return qr_png(link_text(public_url, token), max_version=LINK_MAX_VERSION)


def parse_text(text: str) -> ScannedInput:
    """A pasted or scanned text: JSON credential, `S4C1:` payload or a `/v/<token>` link."""
    if not isinstance(text, str):
        raise QRPayloadError("expected text", code=InputCode.EMPTY)
    text = text.strip()
    if not text:
        raise QRPayloadError("the input is empty", code=InputCode.EMPTY)
    sealed = sealed_document(text)  # an EDC is larger than any QR code's text
    if sealed is not None:
        return ScannedInput(sealed=sealed, source="edc")
    if len(text) > MAX_TEXT_CHARS:
        raise QRPayloadError(f"the input is longer than {MAX_TEXT_CHARS} characters",
                             code=InputCode.TOO_LONG, n=MAX_TEXT_CHARS)
    if text.startswith("{"):
        try:
            document = loads_strict(text)
        except MalformedInputError as e:
            raise QRPayloadError(f"the text is not valid JSON: {e}",
                                 code=InputCode.NOT_JSON) from None
        if not isinstance(document, dict):
            raise QRPayloadError("the JSON must be an object (a credential)",
                                 code=InputCode.NOT_AN_OBJECT)
        if _is_presentation(document):
            return _from_presentation(document)
        if not CREDENTIAL_MARKS & document.keys():
            # VC DM 2.0 §4.2/§4.5: no credential lacks all of these; saying "forged" of a
            # settings file or an order form would accuse its sender of fraud
            raise QRPayloadError("the JSON is not a credential: it has no @context, type, "
                                 "credentialSubject or proof", code=InputCode.NOT_A_CREDENTIAL)
        return ScannedInput(credential=document, source="json")
    if text.upper().startswith("S4C"):
        return ScannedInput(credential=S4C1.decode(text), source="self-contained")
    token = link_token(text)
    if token is not None:
        return ScannedInput(token=token, source="link")
    sd_jwt = sd_jwt_text(text)
    if sd_jwt is not None:
        return ScannedInput(sd_jwt=sd_jwt, source="sd-jwt")
    shown = text[:16] + ("..." if len(text) > 16 else "")
    raise QRPayloadError(f"{shown!r} is neither a credential (JSON or SD-JWT VC), an s4c QR "
                         "payload (S4C1:...) nor an s4c share link (.../v/<token>)",
                         code=InputCode.UNRECOGNISED)


CREDENTIAL_MARKS = frozenset({"@context", "type", "credentialSubject", "proof"})
MAX_PRESENTED = 32  # credentials read from one presentation (verifier.presentation)


def _is_presentation(document: dict[str, Any]) -> bool:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiablePresentation" in types


def _from_presentation(document: dict[str, Any]) -> ScannedInput:
    """A presentation file (VC DM 2.0 §4.13) shown to an employer: its role credential (else
    its first credential) is checked, the others supplied as the role's unit credentials.
    Its own proof binds it to a verifier's challenge, which a file never had: the page checks
    what it carries, as the holder's wallet would show it."""
    carried = document.get("verifiableCredential")
    carried = carried if isinstance(carried, list) else [carried]
    credentials = [c for c in carried[:MAX_PRESENTED] if isinstance(c, dict)]
    enveloped = [t for c in carried[:MAX_PRESENTED] if (t := sd_jwt_text(c)) is not None]
    if not credentials:
        if enveloped:
            return ScannedInput(sd_jwt=enveloped[0], source="sd-jwt")
        raise QRPayloadError("the presentation carries no credential",
                             code=InputCode.EMPTY_PRESENTATION)

    def is_role(c: dict[str, Any]) -> bool:
        types = c.get("type")
        return isinstance(types, list) and "S4CRoleCredential" in types

    first = next((c for c in credentials if is_role(c)), credentials[0])
    return ScannedInput(credential=first, source="json",
                        related=tuple(c for c in credentials if c is not first))


def link_token(text: str) -> str | None:
    """The token of an `http(s)://host[/prefix]/v/<token>` share link, or None."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        return None
    _head, sep, token = parts.path.rpartition("/v/")
    if not sep or "/" in token or not _TOKEN.fullmatch(token):
        return None
    return token


def parse_image(image: bytes) -> ScannedInput:
    """The first s4c QR code in a PNG or JPEG image."""
    texts = read_qr_codes(image)
    if not texts:
        raise QRPayloadError("no QR code was found in the image", code=InputCode.NO_QR_CODE)
    errors: list[QRPayloadError] = []
    for text in texts:
        try:
            return parse_text(text)
        except QRPayloadError as e:
            errors.append(e)
    raise errors[0]
