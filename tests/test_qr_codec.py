"""QR payloads: Base45 (RFC 9285), bounded zlib, the S4C1 format, and real PNGs read back
by zxing-cpp, for both QR formats within their version limits."""
import io
import zlib

import pytest
from check_results import failed_checks
from PIL import Image
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
    unit_credential,
)

from issuer.qr_summary import compact_summary
from vc.qr import (
    PayloadCodec,
    QRPayloadError,
    base45_decode,
    base45_encode,
    decompress_bounded,
    qr_png,
    read_qr_codes,
)
from verifier.offline import TrustedKeyResolver
from verifier.qr_payload import (
    LINK_MAX_VERSION,
    S4C1,
    S4C1_DICTIONARY_SHA256,
    SELF_CONTAINED_MAX_VERSION,
    link_png,
    link_token,
    parse_image,
    parse_text,
    self_contained_png,
    self_contained_text,
)
from verifier.service import Verifier
from verifier.verdict import Verdict

SIX_LANGUAGES = [
    {"@value": "Smart City Project Manager", "@language": "en"},
    {"@value": "Мениджър на проекти за интелигентни градове", "@language": "bg"},
    {"@value": "Manager de proiecte pentru orașe inteligente", "@language": "ro"},
    {"@value": "Διαχειριστής έργων έξυπνων πόλεων", "@language": "el"},
    {"@value": "Gestor de proyectos de ciudades inteligentes", "@language": "es"},
    {"@value": "Projektmanager für Smart Cities", "@language": "de"},
]


@pytest.mark.parametrize(("raw", "text"), [
    (b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"), (b"", ""),
])
def test_base45_matches_rfc_9285_examples(raw: bytes, text: str):
    assert base45_encode(raw) == text
    assert base45_decode(text) == raw


@pytest.mark.parametrize(("text", "why"), [
    ("GGW", "above 65535"), ("BB8A", "truncated"), ("bb8", "not in the Base45 alphabet"),
    (":::", "above 65535"),
])
def test_base45_refuses_corrupt_text(text: str, why: str):
    with pytest.raises(QRPayloadError, match=why):
        base45_decode(text)


def test_a_decompression_bomb_is_refused_before_it_expands():
    bomb = zlib.compress(b"\0" * 50_000_000, 9)
    assert len(bomb) < 60_000
    with pytest.raises(QRPayloadError, match="compression bomb"):
        decompress_bounded(bomb, max_output=64 * 1024)
    codec = PayloadCodec("S4C1:")
    with pytest.raises(QRPayloadError, match="compression bomb"):
        codec.decode("S4C1:" + base45_encode(zlib.compress(b"{" + b" " * 200_000 + b"}")))


def test_truncated_and_foreign_payloads_are_clear_errors():
    credential = {"hello": "world", "n": 1}
    text = S4C1.encode(credential)
    assert S4C1.decode(text) == credential
    with pytest.raises(QRPayloadError):
        S4C1.decode(text[:-4])
    with pytest.raises(QRPayloadError, match="does not start with 'S4C1:'"):
        S4C1.decode("HC1:" + text[5:])
    with pytest.raises(QRPayloadError, match="does not start with 'S4C1:'"):
        parse_text("S4C9:" + text[5:])
    with pytest.raises(QRPayloadError, match="neither"):
        parse_text("hello there")
    with pytest.raises(QRPayloadError, match="not valid JSON"):
        parse_text('{"a": 1,')
    with pytest.raises(QRPayloadError, match="JSON document"):
        PayloadCodec("X:").decode("X:" + base45_encode(zlib.compress(b"not json")))


def test_the_s4c1_dictionary_is_frozen():
    # Changing the dictionary breaks every printed S4C1 code: a new one needs a new prefix.
    assert S4C1_DICTIONARY_SHA256 == (
        "ba8a703562e1c02d284b4bf3fdc7802552b31c456687d456a3fe0ad1d82497d7")


def test_share_links_are_recognised_only_with_a_long_token():
    assert link_token("https://verify.example.eu/v/AbCdEfGhIjKlMnOpQrStUv") == \
        "AbCdEfGhIjKlMnOpQrStUv"
    assert link_token("https://verify.example.eu/base/v/AbCdEfGhIjKlMnOpQrStUv") is not None
    for bad in ("https://x.eu/v/short", "ftp://x.eu/v/AbCdEfGhIjKlMnOpQrStUv",
                "https://x.eu/v/AbCdEfGhIjKlMnOpQrStUv?x=1", "https://x.eu/w/AbCdEfGhIjKlMnOpQ"):
        assert link_token(bad) is None


def test_a_link_qr_fits_version_6_and_reads_back_from_the_png():
    token = "Zm9vYmFyYmF6cXV4cXV1eA"  # 22 characters: 128 bits of base64url
    for public_url in ("http://127.0.0.1:8000", "https://verify.skills4cities.eu"):
        png, version = link_png(public_url, token)
        assert version <= LINK_MAX_VERSION
        assert read_qr_codes(png) == [f"{public_url}/v/{token}"]
        assert parse_image(png).token == token


def _verifier(issuer: DemoIssuer) -> Verifier:
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))])
    world = issuer_world(issuer)
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW, store=STORE)


def test_a_unit_credential_round_trips_self_contained_through_png_and_zxing():
    issuer = DemoIssuer()
    unit = issuer.sign(unit_credential(issuer, 3))
    png, version = self_contained_png(unit)
    assert version <= SELF_CONTAINED_MAX_VERSION
    scanned = parse_image(png)
    assert scanned.source == "self-contained" and scanned.credential == unit
    assert _verifier(issuer).verify_credential(scanned.credential).verdict is Verdict.VALID


def test_a_role_credential_self_contained_qr_fits_version_25_as_a_signed_summary():
    issuer = DemoIssuer()
    units = [issuer.sign(unit_credential(issuer, i)) for i in range(1, 7)]
    unsigned = role_credential(issuer, units=units)
    unsigned["name"] = unsigned["credentialSubject"]["achievement"]["name"] = SIX_LANGUAGES
    role = issuer.sign(unsigned)
    full_text = self_contained_text(role)
    assert len(full_text) > 1451  # above version 25-M's alphanumeric capacity: needs a summary
    summary = issuer.sign(compact_summary(role))
    png, version = self_contained_png(summary)
    assert version <= SELF_CONTAINED_MAX_VERSION
    scanned = parse_image(png)
    assert scanned.credential == summary
    verifier = _verifier(issuer)
    report = verifier.verify_credential(scanned.credential, lang="de")
    assert report.verdict is Verdict.VALID
    assert report.summary["achievement"]["name"] == "Projektmanager für Smart Cities"
    assert report.summary["achievement"]["eqfLevel"] == 6
    bound = verifier.verify_credential(scanned.credential, related=[role])
    assert {c.id: str(c.outcome) for c in bound.checks}["role-stack"] == "passed"
    other = issuer.sign(role_credential(issuer, n=2, units=units))
    unbound = verifier.verify_credential(scanned.credential, related=[{**other, "id": role["id"]}])
    # the summary's own signature is fine: the full credential it names is not confirmed,
    # the summary is not forged
    assert unbound.verdict is Verdict.NOT_VALID_NOW
    assert list(failed_checks(unbound.checks)) == ["role-stack"], unbound.to_json()


def test_the_summary_verifies_offline_with_keys_from_the_trust_source():
    issuer = DemoIssuer()
    role = issuer.sign(role_credential(issuer))
    summary = issuer.sign(compact_summary(role))
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))])
    from verifier.offline import OfflineStatusFetcher

    offline = Verifier(trust, TrustedKeyResolver(trust), OfflineStatusFetcher(),
                       clock=lambda: NOW, store=STORE)
    report = offline.verify_credential(parse_text(self_contained_text(summary)).credential)
    checks = {c.id: str(c.outcome) for c in report.checks}
    assert checks["proof"] == "passed" and checks["key-binding"] == "passed"
    assert checks["status.revocation"] == "unknown"  # no list given offline: never "fine"
    assert report.verdict is Verdict.COULD_NOT_CHECK


def test_qr_images_are_bounded_and_checked():
    with pytest.raises(QRPayloadError, match="not a readable PNG or JPEG"):
        read_qr_codes(b"GIF89a not an image")
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    with pytest.raises(QRPayloadError, match="no QR code"):
        parse_image(blank.getvalue())
    with pytest.raises(QRPayloadError, match="larger than"):
        read_qr_codes(b"\x89PNG" + b"\0" * 11 * 1024 * 1024)


def test_a_jpeg_photo_of_a_qr_code_is_read():
    png, _ = qr_png("S4C1:" + base45_encode(zlib.compress(b'{"a":1}')))
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").resize((600, 600)).save(jpeg, format="JPEG",
                                                                      quality=80)
    assert parse_image(jpeg.getvalue()).credential == {"a": 1}
