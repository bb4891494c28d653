"""European Digital Credentials built from what s4c issued ("Issue EDCs"): every
role and unit credential becomes an EDC in the generic profile that conforms to the EU's
EDC-generic-no-cv.ttl (0 SHACL violations), offline, from the packaged copies."""
import base64
import io
import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from issuer.edc.sealing import sealed_payload
from issuer.edc.service import EdcRefused
from issuer.service import NotFound
from vc.elm.shacl import validate
from web.cli.context import issuer_service
from web.wiring.settings import Settings

TODAY = datetime.now(UTC).date()
ELM = "http://data.europa.eu/snb/model/elm/"
LANGS = {"en", "bg", "ro", "el", "es", "de"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("building or checking an EDC tried to reach the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """One candidate who passed every unit of the framework: 12 unit and 3 role credentials."""
    service = issuer_service(Settings.from_environment(
        tmp_path_factory.mktemp("edc") / "data", environ={
            "S4C_PUBLIC_URL": "https://certify.example.eu",
            "S4C_KEY_PASSPHRASE": "test passphrase 1234",
            "S4C_ISSUER_NAME": "Skills Certification Body Ltd",
            "S4C_ISSUER_COUNTRY": "ro", "S4C_ISSUER_LEGAL_ID": "VATRO-12345678"}))
    fw = service.framework()
    ref = service.add_candidate("Ελένη Παπαδοπούλου", "eleni@example.org", None, "olga")
    for unit in fw.units:
        service.record_assessment(ref, unit.code, 81, 100, TODAY - timedelta(days=3),
                                  "Exam Centre", "A. Assessor", "olga")
    docs = service.certify_and_issue(ref, "olga").issued
    by_code = {d["credentialSubject"]["achievement"]["humanCode"]: d["id"] for d in docs}
    assert len(by_code) == len(fw.units) + len(fw.roles) == 15
    return service, by_code


def _edc(service, credential_id: str) -> dict:
    """The EDC inside the sealed file the holder gets."""
    sealed = service.edc(credential_id)
    assert sealed["signatures"][0]["protected"]  # JAdES, JWS JSON serialisation
    return sealed_payload(sealed)


def _codes(service):
    fw = service.framework()
    return [("role", r.code) for r in fw.roles] + [("unit", u.code) for u in fw.units]


@pytest.mark.parametrize("kind,code", [("role", c) for c in ("SCPD", "SCPM", "SCPMC")] +
                         [("unit", f"U{n:02d}") for n in range(1, 13)])
def test_every_role_and_unit_edc_conforms_to_the_generic_profile(issued, kind, code):
    service, by_code = issued
    assert (kind, code) in _codes(service)
    edc = _edc(service, by_code[code])
    assert validate(edc, "edc-generic") == []


def test_the_edc_envelope_is_vc_1_1_with_the_edc_ap_context(issued):
    service, by_code = issued
    edc = _edc(service, by_code["SCPM"])
    assert edc["@context"] == ["https://www.w3.org/2018/credentials/v1",
                               "http://data.europa.eu/snb/model/context/edc-ap"]
    assert edc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert edc["credentialProfiles"]["prefLabel"] == {"en": "Generic"}
    assert edc["credentialSchema"]["type"] == "ShaclValidator2017"
    signed = service.credential(by_code["SCPM"]).document
    assert edc["validFrom"] == signed["validFrom"]
    assert edc["validUntil"] == signed["validUntil"]
    assert edc["issued"].endswith("Z")
    assert edc["identifier"]["notation"] == by_code["SCPM"]


def test_the_role_claim_names_holder_body_eqf_level_outcomes_and_unit_parts(issued):
    service, by_code = issued
    fw = service.framework()
    role = fw.role("SCPM")
    edc = _edc(service, by_code["SCPM"])
    person = edc["credentialSubject"]
    assert person["type"] == "Person"
    assert person["fullName"] == {"en": "Ελένη Παπαδοπούλου"}
    claim = person["hasClaim"]
    assert claim["type"] == "LearningAchievement"
    assert set(claim["title"]) == LANGS and claim["title"]["de"] == role.name["de"]
    body = claim["awardedBy"]["awardingBody"]
    assert claim["awardedBy"]["type"] == "AwardingProcess"
    assert body["legalName"] == {"en": "Skills Certification Body Ltd"}
    assert body["eIDASIdentifier"]["notation"] == "VATRO-12345678"
    assert body["location"]["address"]["countryCode"]["id"].endswith("/country/ROU")
    assert body == edc["issuer"]
    qualification = claim["specifiedBy"]
    assert qualification["type"] == "Qualification"
    assert qualification["eqfLevel"]["id"] == f"http://data.europa.eu/snb/eqf/{role.eqf_level}"
    elements = {f"{u.id}#{e.code}" for u in fw.units_of("SCPM") for e in u.elements}
    assert {o["id"] for o in qualification["learningOutcome"]} == elements
    assert [p["specifiedBy"]["id"] for p in claim["hasPart"]] == \
        [u.id for u in fw.units_of("SCPM")]
    esco = {link.uri for u in fw.units_of("SCPM") for link in u.esco}
    found = {s["id"] for o in qualification["learningOutcome"]
             for s in o.get("relatedESCOSkill", [])}
    assert found and found <= esco


def test_the_display_image_is_a_png_of_the_certificate_page(issued):
    service, by_code = issued
    edc = _edc(service, by_code["U03"])
    image = edc["displayParameter"]["individualDisplay"]["displayDetail"]["image"]
    assert image["contentType"]["prefLabel"] == {"en": "PNG"}
    picture = Image.open(io.BytesIO(base64.b64decode(image["content"])))
    assert picture.format == "PNG" and picture.size[1] > picture.size[0] > 500
    # a unit EDC carries the assessment result
    assert edc["credentialSubject"]["hasClaim"]["provenBy"]["grade"]["noteLiteral"] == \
        {"en": "81/100"}


def test_the_same_credential_always_gives_the_same_edc(issued):
    service, by_code = issued
    assert _edc(service, by_code["SCPD"]) == _edc(service, by_code["SCPD"])


def test_the_edc_leaves_sealed_by_the_bodys_seal_over_exactly_that_edc(issued):
    service, by_code = issued
    sealed = service.edc(by_code["U05"])
    [signature] = sealed["signatures"]
    header = json.loads(base64.urlsafe_b64decode(signature["protected"] + "=="))
    assert header["b64"] is False and header["x5c"] and "sigT" in header
    assert signature["header"]["etsiU"]  # a signature time-stamp: baseline B-T
    assert sealed_payload(sealed)["identifier"]["notation"] == by_code["U05"]


def test_a_revoked_or_suspended_credential_gets_no_edc(issued):
    service, by_code = issued
    service.suspend(by_code["U01"], "checking a complaint", "olga")
    with pytest.raises(EdcRefused) as refused:
        _edc(service, by_code["U01"])
    assert refused.value.finding.code == "issuer.edc-not-counting"
    assert refused.value.finding.params["state"] == "suspended"
    service.reinstate(by_code["U01"], "complaint unfounded", "olga")
    assert validate(_edc(service, by_code["U01"]), "edc-generic") == []
    service.revoke(by_code["U02"], "issued in error", "olga")
    with pytest.raises(EdcRefused) as refused:
        _edc(service, by_code["U02"])
    assert refused.value.finding.params["state"] == "revoked"


def test_an_unknown_credential_is_not_found(issued):
    service, _ = issued
    with pytest.raises(NotFound):
        _edc(service, "urn:uuid:00000000-0000-0000-0000-000000000000")


def test_a_country_outside_the_eu_table_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="S4C_ISSUER_COUNTRY"):
        Settings.from_environment(tmp_path, environ={"S4C_ISSUER_COUNTRY": "ZZ"})
