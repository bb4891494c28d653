"""VC DM 2.0 §5.3 Integrity of Related Resources, at signing and at verification: every entry
of `relatedResource` is an object with an id (a URL, unique in the list) and at least a
`digestSRI` or a `digestMultibase`. The role credentials' unit digests stay valid."""
import pytest
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

from vc import api
from vc._internal.dataintegrity import add_proof
from vc.datamodel import DataModelError, validate
from verifier.service import Verifier
from verifier.verdict import Verdict

DIGEST = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"  # a sha2-256 digestMultibase
SRI = "sha384-S57yJHNASZ/yHw9cMPwVHT2ESI4JrqHKnQTi/efIQbBJjQdVp31sW/u86DBDZhWW"


def related(*entries) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"},
            "relatedResource": list(entries)}


BREACHES = [
    (["urn:uuid:1"], "relatedResource[0]: must be an object with an id and a digest"),
    ([{"digestMultibase": DIGEST}], "relatedResource[0].id: missing"),
    ([{"id": "not a url", "digestMultibase": DIGEST}], "relatedResource[0].id: must be a URL"),
    ([{"id": "urn:uuid:1", "digestMultibase": DIGEST},
      {"id": "urn:uuid:1", "digestSRI": SRI}],
     "relatedResource[1].id: urn:uuid:1 is listed more than once"),
    ([{"id": "urn:uuid:1", "mediaType": "application/json"}],
     "relatedResource[0]: has no digestSRI or digestMultibase"),
    ([{"id": "urn:uuid:1", "digestSRI": "md5-abc"}], "relatedResource[0].digestSRI: must be"),
    ([{"id": "urn:uuid:1", "digestMultibase": 42}],
     "relatedResource[0].digestMultibase: must be"),
    ([], "relatedResource: must hold at least one object"),
]


@pytest.mark.parametrize(("entries", "problem"), BREACHES)
def test_the_data_model_refuses_each_breach_of_section_5_3(entries, problem):
    with pytest.raises(DataModelError) as raised:
        validate(related(*entries))
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(("entries", "problem"), BREACHES)
def test_signing_refuses_each_breach_of_section_5_3(entries, problem):
    issuer = DemoIssuer()
    with pytest.raises(DataModelError) as raised:
        api.sign(related(*entries), issuer.key, store=STORE, verification_method=issuer.vm)
    assert problem in str(raised.value)


@pytest.mark.parametrize("entries", [
    [{"id": "urn:uuid:1", "digestMultibase": DIGEST}],
    [{"id": "https://www.w3.org/ns/credentials/v2", "digestSRI": SRI,
      "mediaType": "application/ld+json"}],
    [{"id": "urn:uuid:1", "digestSRI": [SRI, SRI.replace("S57", "T57")]},
     {"id": "urn:uuid:2", "digestMultibase": DIGEST, "digestSRI": SRI}],
])
def test_well_formed_related_resources_are_accepted(entries):
    validate(related(*entries))


def verifier_for(issuer: DemoIssuer) -> Verifier:
    world = issuer_world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW, store=STORE)


def test_a_role_credential_with_its_unit_digests_is_still_valid():
    issuer = DemoIssuer()
    report = verifier_for(issuer).verify_credential(issuer.sign(role_credential(issuer)))
    assert report.verdict is Verdict.VALID
    assert next(c for c in report.checks if c.id == "structure").outcome.value == "passed"


@pytest.mark.parametrize("breach", ["a bare URL", "no digest"])
def test_a_signed_credential_that_breaks_section_5_3_is_malformed(breach):
    """Signed past `api.sign`'s check (as another signer could): the verifier refuses it.
    (A duplicated id cannot even be signed: the JSON-LD walk refuses a node described twice.)"""
    issuer = DemoIssuer()
    doc = role_credential(issuer)
    if breach == "a bare URL":
        doc["relatedResource"][1] = doc["relatedResource"][1]["id"]
    else:
        del doc["relatedResource"][2]["digestMultibase"]
    signed = add_proof(doc, issuer.key, verification_method=issuer.vm, cache=STORE.cache(),
                       created="2026-06-01T00:00:00Z")
    report = verifier_for(issuer).verify_credential(signed)
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    structure = next(c for c in report.checks if c.id == "structure")
    assert structure.outcome.value == "failed"
    assert "relatedResource[" in structure.check.technical
