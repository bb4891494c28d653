"""A document with the same RDF as a signed credential keeps the signature, so it
must never verify better than the original. Revoked, suspended, expired and wrong-holder
originals, and a QR role summary, are rewritten into every same-RDF spelling JSON-LD allows
(`same_rdf`): no variant may be valid, a variant that only changes JSON order keeps its
verdict exactly, and any other variant keeps its verdict or is refused as malformed."""
import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from same_rdf import MEANING_PRESERVING, SPELLING, rdf_of, rewrite, sites
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
)

from issuer.qr_summary import compact_summary
from vc._internal.dataintegrity import add_proof
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.presentation import verify_presentation
from verifier.service import Verifier
from verifier.verdict import Verdict

ISSUER = DemoIssuer()
WORLD = issuer_world(ISSUER, revoked=(7,), suspended=(9,))
VERIFIER = Verifier(FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))], []),
                    resolver_for(WORLD), WORLD, clock=lambda: NOW, store=STORE)
ALICE, MALLORY = Ed25519Multikey.generate(), Ed25519Multikey.generate()
ALICE_DID = did_key_from_public_key(ALICE.public_key)
MALLORY_DID = did_key_from_public_key(MALLORY.public_key)
CHALLENGE, DOMAIN = "c-7f3a9", "verifier.example.eu"


def _presentation(credential: dict, key: Ed25519Multikey, did: str) -> dict:
    """Signed as an attacker would: with a JSON-LD stack that does not insist on compact
    form (s4c's own signer refuses to sign anything it would refuse to read)."""
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "holder": did, "verifiableCredential": [credential]}
    return add_proof(vp, key, verification_method=f"{did}#{key.public_key_multibase}",
                     proof_purpose="authentication", created="2026-06-01T00:00:00Z",
                     extra={"challenge": CHALLENGE, "domain": DOMAIN},
                     cache=STORE.cache(compact_form=False))


def _originals() -> dict[str, tuple[dict, str]]:
    revoked = ISSUER.sign(role_credential(ISSUER, revocation_index=7))
    summary = ISSUER.sign(compact_summary(revoked))
    alice_cred = ISSUER.sign(role_credential(ISSUER, n=4, holder_did=ALICE_DID))
    return {
        "revoked": (revoked, "credential"),
        "suspended": (ISSUER.sign(role_credential(ISSUER, n=2, suspension_index=9)),
                      "credential"),
        "expired": (ISSUER.sign(role_credential(ISSUER, n=3, valid_from="2023-01-01T00:00:00Z",
                                                valid_until="2026-01-01T00:00:00Z")),
                    "credential"),
        "revoked-summary": (summary, "credential"),
        "wrong-holder": (_presentation(alice_cred, MALLORY, MALLORY_DID), "presentation"),
    }


ORIGINALS = _originals()


def verdict_of(document: dict, kind: str):
    if kind == "presentation":
        return verify_presentation(VERIFIER, document, challenge=CHALLENGE, domain=DOMAIN)
    return VERIFIER.verify_credential(document)


def _reasons(report) -> str:
    checks = list(report.checks)
    for inner in getattr(report, "credentials", ()):
        checks += list(inner.checks)
    return " | ".join(c.check.technical for c in checks if str(c.outcome) != "passed")


EXPECTED = {"revoked": Verdict.NOT_VALID_NOW, "suspended": Verdict.NOT_VALID_NOW,
            "expired": Verdict.NOT_VALID_NOW, "revoked-summary": Verdict.NOT_VALID_NOW,
            "wrong-holder": Verdict.FORGED_OR_MALFORMED}
BASELINE = {name: verdict_of(doc, kind).verdict for name, (doc, kind) in ORIGINALS.items()}


def test_the_originals_have_the_verdicts_the_attacks_start_from():
    assert BASELINE == EXPECTED


def _assert_not_better(name: str, variant: dict, kinds: list[str]) -> bool:
    """Asserts on `variant` if it has the original's RDF; True if it did."""
    original, doc_kind = ORIGINALS[name]
    if variant == original or rdf_of(variant, STORE) != rdf_of(original, STORE):
        return False
    report = verdict_of(variant, doc_kind)
    assert report.verdict is not Verdict.VALID, (name, kinds, variant)
    if report.verdict is BASELINE[name]:
        return True
    assert not set(kinds) <= MEANING_PRESERVING, (name, kinds, _reasons(report))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED, (name, kinds, _reasons(report))
    return True


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_every_single_rewrite_is_never_valid(name):
    original, _ = ORIGINALS[name]
    tried = 0
    for kind in SPELLING:
        for site_index in range(len(sites(original))):
            for key_index in range(4):
                variant = rewrite(original, kind, site_index, key_index, STORE)
                tried += _assert_not_better(name, variant, [kind])
    assert tried >= 60, f"only {tried} same-RDF variants of {name}"


def test_the_reproduction_from_issue_9_is_refused():
    """Moving credentialStatus and credentialSchema under their full IRIs."""
    revoked, _ = ORIGINALS["revoked"]
    attack = copy.deepcopy(revoked)
    cred = "https://www.w3.org/2018/credentials#"
    attack[cred + "credentialStatus"] = attack.pop("credentialStatus")
    attack[cred + "credentialSchema"] = attack.pop("credentialSchema")
    assert rdf_of(attack, STORE) == rdf_of(revoked, STORE)  # the signature still covers it
    report = VERIFIER.verify_credential(attack)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    terms = next(c for c in report.checks if c.id == "terms")
    assert "not in compact form" in terms.check.technical
    assert "https://www.w3.org/2018/credentials#credentialS" in terms.check.technical


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_expiry_hidden_in_a_typed_value_object_is_refused(suite):
    expired = ISSUER.sign(role_credential(ISSUER, n=5, valid_from="2023-01-01T00:00:00Z",
                                          valid_until="2026-01-01T00:00:00Z"), suite=suite)
    attack = copy.deepcopy(expired)
    attack["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": attack.pop("validUntil"),
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
    report = VERIFIER.verify_credential(attack)
    assert report.verdict is not Verdict.VALID
    if suite == "eddsa-rdfc-2022":  # same RDF: the signature holds, compact form refuses it
        assert rdf_of(attack, STORE) == rdf_of(expired, STORE)
        assert "not in compact form" in _reasons(report)


def test_jcs_document_not_in_compact_form_is_refused_even_when_signed_so():
    """eddsa-jcs-2022 signs the JSON: an issuer-signed full-IRI key is still refused."""
    doc = role_credential(ISSUER, n=6, revocation_index=7)
    doc["https://www.w3.org/2018/credentials#credentialStatus"] = doc.pop("credentialStatus")
    with pytest.raises(Exception, match="not in compact form"):
        ISSUER.sign(doc, suite="eddsa-jcs-2022")


def test_presenting_someone_else_s_credential_with_id_renamed_is_refused():
    vp, _ = ORIGINALS["wrong-holder"]
    credential = copy.deepcopy(vp["verifiableCredential"][0])
    subject = credential["credentialSubject"]
    subject["@id"] = subject.pop("id")
    attack = _presentation(credential, MALLORY, MALLORY_DID)
    report = verify_presentation(VERIFIER, attack, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "not in compact form" in _reasons(report)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(ORIGINALS)),
       steps=st.lists(st.tuples(st.sampled_from(SPELLING), st.integers(0, 200),
                                st.integers(0, 20)), min_size=1, max_size=3))
def test_composed_rewrites_are_never_valid(name, steps):
    variant, _ = ORIGINALS[name]
    for kind, site_index, key_index in steps:
        variant = rewrite(variant, kind, site_index, key_index, STORE)
    _assert_not_better(name, variant, [k for k, _, _ in steps])


def test_a_node_split_over_two_places_is_refused():
    """Same RDF: the issuer described twice, its name in the second place (a reader of the
    first place would miss it); refused whichever way the document is walked."""
    doc = role_credential(ISSUER, n=20)
    doc["issuer"] = {"id": ISSUER.did, "type": ["Profile"]}
    doc["credentialSubject"]["achievement"]["creator"] = {"id": ISSUER.did,
                                                          "name": "Demo Body"}
    with pytest.raises(Exception, match="already described"):
        ISSUER.sign(doc)
    original = role_credential(ISSUER, n=21)
    original["credentialSubject"]["achievement"]["creator"] = {"id": ISSUER.did}  # a reference
    signed = ISSUER.sign(original)
    assert VERIFIER.verify_credential(signed).verdict is Verdict.VALID
    for _ in range(2):  # the second time the verifier replays a compiled plan
        attack = copy.deepcopy(signed)
        attack["credentialSubject"]["achievement"]["creator"] = {"id": ISSUER.did,
                                                                 "url": ISSUER.base_url}
        del attack["issuer"]["url"]
        assert rdf_of(attack, STORE) == rdf_of(signed, STORE)
        report = VERIFIER.verify_credential(attack)
        assert report.verdict is Verdict.FORGED_OR_MALFORMED
        assert "already described" in _reasons(report)
