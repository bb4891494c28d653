"""The QR payload reader (`verifier.qr_payload`) on generated input: any text, any bytes and
any image file give a ScannedInput or a QRPayloadError with the reason, nothing else; a
credential written as an `S4C1:` payload (text or PNG) reads back as the same document."""
import io
import zlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from vc.jcs import MAX_SAFE_INTEGER
from vc.qr import BASE45_ALPHABET, QRPayloadError, base45_encode
from verifier.qr_payload import (
    S4C1_DICTIONARY,
    ScannedInput,
    link_text,
    parse_image,
    parse_text,
    self_contained_png,
    self_contained_text,
)

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
DOUBLES = st.floats(allow_nan=False, allow_infinity=False)
SCALARS = (st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
           | DOUBLES | TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20)
# credential-shaped: the keys and values an s4c credential repeats (the dictionary's
# strings), next to anything else
CREDENTIALS = st.fixed_dictionaries(
    {"@context": st.just(["https://www.w3.org/ns/credentials/v2",
                          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]),
     "type": st.just(["VerifiableCredential", "OpenBadgeCredential"]),
     "issuer": st.builds(lambda h: {"id": f"did:web:{h}", "type": ["Profile"]},
                         st.from_regex(r"[a-z]{1,12}\.example", fullmatch=True)),
     "credentialSubject": st.dictionaries(TEXT, JSON, max_size=4)},
    optional={"name": TEXT, "validFrom": st.just("2026-01-01T00:00:00Z"), "extra": JSON})


def _zlib(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zdict=S4C1_DICTIONARY)
    return packer.compress(data) + packer.flush()


def _scanned_or_refused(read, value) -> ScannedInput | None:
    """`read(value)`: a ScannedInput, or None after a QRPayloadError with a message."""
    try:
        scanned = read(value)
    except QRPayloadError as e:
        assert str(e)
        return None
    assert isinstance(scanned, ScannedInput)
    assert (scanned.credential is None) != (scanned.token is None)
    return scanned


# what a paste or a QR code may hold: anything; JSON-looking text; S4C payloads that are not
# Base45, not zlib, not JSON or not an object; share links, well formed or not
TEXTS = st.one_of(
    st.text(max_size=200),
    st.builds(lambda t: "{" + t, st.text(max_size=60)),
    st.builds(lambda t: "S4C1:" + t, st.text(BASE45_ALPHABET, max_size=120)),
    st.builds(lambda t: "s4c1:" + t, st.text(BASE45_ALPHABET, max_size=30)),
    st.binary(max_size=90).map(lambda b: "S4C1:" + base45_encode(b)),
    st.binary(max_size=90).map(lambda b: "S4C1:" + base45_encode(_zlib(b))),
    JSON.map(lambda v: "S4C1:" + base45_encode(_zlib(repr(v).encode()))),
    st.builds(lambda host, token: f"https://{host}/v/{token}", TEXT, TEXT),
    st.from_regex(r"https?://[a-z.]{1,20}(/[a-z]{0,5})?/v/[A-Za-z0-9_-]{10,70}(\?x)?",
                  fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
@example("S4C1:" + base45_encode(_zlib(b"[1, 2]")))  # JSON, not an object
@example("S4C1:" + base45_encode(_zlib(b"{" * 200_000)))  # compresses to a few hundred bytes
@example("S4C1:" + base45_encode(_zlib(b'{"a":' * 70 + b"1" + b"}" * 70)))  # too deep
@example("S4C1:" + base45_encode(_zlib(b'{"a":1,"a":2}')))  # a repeated key
@example("S4C1:" + base45_encode(_zlib(b'{"a":NaN}')))
def test_any_text_is_a_scanned_input_or_a_qr_payload_error(text):
    scanned = _scanned_or_refused(parse_text, text)
    if scanned is not None and scanned.credential is not None:
        assert isinstance(scanned.credential, dict)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=60) | st.integers() | st.none() | st.lists(TEXT, max_size=2))
def test_anything_but_text_is_refused_as_such(value):
    with pytest.raises(QRPayloadError, match="expected text"):
        parse_text(value)


@settings(max_examples=120, deadline=None)
@given(CREDENTIALS)
def test_a_credential_round_trips_through_its_s4c1_text(credential):
    scanned = parse_text(self_contained_text(credential))
    assert scanned.source == "self-contained" and scanned.credential == credential


@settings(max_examples=50, deadline=None)
@given(st.from_regex(r"https://[a-z]{1,12}\.example(/[a-z]{1,8})?", fullmatch=True),
       st.from_regex(r"[A-Za-z0-9_-]{16,64}", fullmatch=True))
def test_a_share_link_round_trips_to_its_token(public_url, token):
    scanned = parse_text(link_text(public_url, token))
    assert (scanned.source, scanned.token) == ("link", token)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CREDENTIALS.map(lambda c: c | {"credentialSubject": dict(
    list(c["credentialSubject"].items())[:1])}).filter(  # QR version 25 holds ~1.4 KB
    lambda c: len(self_contained_text(c)) <= 1200))
def test_a_credential_round_trips_through_its_qr_image(credential):
    png, _version = self_contained_png(credential)
    assert parse_image(png).credential == credential


def _png_of_a_qr() -> bytes:
    return self_contained_png({"@context": ["https://www.w3.org/ns/credentials/v2"],
                               "type": ["VerifiableCredential"]})[0]


def _jpeg_of(png: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("L").save(out, format="JPEG")
    return out.getvalue()


QR_PNG = _png_of_a_qr()
QR_JPEG = _jpeg_of(QR_PNG)


@st.composite
def damaged(draw, image: bytes) -> bytes:
    """`image` with bytes overwritten, cut short or inserted."""
    data = bytearray(image)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | damaged(QR_PNG) | damaged(QR_JPEG))
def test_any_file_is_a_scanned_input_or_a_qr_payload_error(data):
    _scanned_or_refused(parse_image, data)
