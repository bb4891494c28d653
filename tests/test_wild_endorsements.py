"""Issue 22 case 2: a node described again inside an embedded credential (an Open Badges 3.0
§B.1 endorsement with its own proof) is the endorser's claim. A genuine credential carrying
one is never "forged or malformed"; an endorsement that states a fact the verifier reads of
the credential's own nodes (the credential, its achievement) is refused, so a fact moved
there with the same RDF, and the same signature, never changes the verdict."""
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from same_rdf import rdf_of
from test_verifier_support import (
    NOW,
    OB3,
    STORE,
    V2,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
)

from verifier.service import Verifier
from verifier.verdict import Verdict

ISSUER = DemoIssuer()
ENDORSER = DemoIssuer(host="endorse.example.eu")
WORLD = issuer_world(ISSUER)
VERIFIER = Verifier(FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))], []),
                    resolver_for(WORLD), WORLD, clock=lambda: NOW, store=STORE)


def endorsement(subject: dict, n: int = 1, issuer_name: str = "Horse Accreditor") -> dict:
    """An EndorsementCredential by another body, signed on its own."""
    return ENDORSER.sign({
        "@context": [V2, OB3], "id": f"https://endorse.example.eu/e/{n}",
        "type": ["VerifiableCredential", "EndorsementCredential"], "name": "Endorsement",
        "issuer": {"id": ENDORSER.did, "type": ["Profile"], "name": issuer_name},
        "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject})


def reasons(report) -> str:
    return " | ".join(c.check.reason for c in report.checks if str(c.outcome) != "passed")


def test_the_issuer_described_again_in_an_endorsement_is_valid():
    doc = role_credential(ISSUER, n=301)
    doc["issuer"]["endorsement"] = [endorsement(
        {"id": ISSUER.did, "type": ["EndorsementSubject", "Profile"],
         "name": "Another Name", "endorsementComment": "ok"})]
    report = VERIFIER.verify_credential(ISSUER.sign(doc))

    assert report.verdict is Verdict.VALID, reasons(report)
    # the issuer's name is never read from the credential: the registry's is shown
    assert report.summary["issuer"]["name"] not in ("Another Name",
                                                    "Whatever The Credential Says")


def test_an_endorsed_achievement_is_valid():
    doc = role_credential(ISSUER, n=302)
    achievement = doc["credentialSubject"]["achievement"]
    achievement["endorsement"] = [endorsement(
        {"id": achievement["id"], "type": ["EndorsementSubject"], "endorsementComment": "ok"})]
    assert VERIFIER.verify_credential(ISSUER.sign(doc)).verdict is Verdict.VALID


def test_an_endorsement_that_disagrees_on_the_eqf_level_is_refused():
    doc = role_credential(ISSUER, n=303, eqf=6)
    achievement = doc["credentialSubject"]["achievement"]
    achievement["endorsement"] = [endorsement(
        {"id": achievement["id"], "type": ["EndorsementSubject"],
         "alignment": [{"type": ["Alignment"], "targetName": "EQF level 7",
                        "targetUrl": "http://data.europa.eu/snb/eqf/7"}]})]
    report = VERIFIER.verify_credential(ISSUER.sign(doc))

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "an embedded credential states 'alignment'" in reasons(report)


def test_an_endorsement_that_gives_the_credential_another_type_is_refused():
    doc = role_credential(ISSUER, n=304)
    doc["issuer"]["endorsement"] = [endorsement(
        {"id": doc["id"], "type": ["EndorsementSubject", "AchievementCredential"]})]
    report = VERIFIER.verify_credential(ISSUER.sign(doc))

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "an embedded credential states 'type'" in reasons(report)


def test_a_fact_moved_into_an_endorsement_with_the_same_rdf_is_refused():
    """The achievement's name moved from the achievement into the endorsement's description of
    it: the same RDF, so the outer signature holds; a reader of the achievement would miss
    it, so the verdict must not rest on either spelling."""
    doc = role_credential(ISSUER, n=305)
    achievement = doc["credentialSubject"]["achievement"]
    achievement["endorsement"] = [endorsement(
        {"id": achievement["id"], "type": ["EndorsementSubject"], "endorsementComment": "ok"})]
    signed = ISSUER.sign(doc)
    attack = copy.deepcopy(signed)
    moved = attack["credentialSubject"]["achievement"]
    moved["endorsement"][0]["credentialSubject"]["name"] = moved.pop("name")
    assert rdf_of(attack, STORE) == rdf_of(signed, STORE)
    report = VERIFIER.verify_credential(attack)

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "an embedded credential states 'name'" in reasons(report)


def test_the_node_split_in_the_document_itself_is_still_refused():
    doc = role_credential(ISSUER, n=306)
    doc["credentialSubject"]["achievement"]["creator"] = {"id": ISSUER.did, "name": "Again"}
    report = VERIFIER.verify_credential(_signed_leniently(doc))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "already described" in reasons(report)


def _signed_leniently(doc: dict) -> dict:
    from vc._internal.dataintegrity import add_proof
    return add_proof(doc, ISSUER.key, verification_method=ISSUER.vm,
                     proof_purpose="assertionMethod", created="2026-06-01T00:00:00Z",
                     cache=STORE.cache(compact_form=False))


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=20)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(extra=st.lists(st.tuples(st.integers(0, 10**6), texts), max_size=3),
       endorsements=st.lists(st.tuples(texts, texts), max_size=2))
def test_genuine_credentials_with_extra_nodes_and_endorsements_are_never_forged(
        extra, endorsements):
    doc = role_credential(ISSUER, n=400)
    doc["evidence"] += [{"id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                         "type": ["Evidence"], "name": name,
                         "narrative": name} for i, name in dict(extra).items()]
    doc["issuer"]["endorsement"] = [
        endorsement({"id": ISSUER.did, "type": ["EndorsementSubject"],
                     "endorsementComment": comment}, n=k, issuer_name=name)
        for k, (name, comment) in enumerate(endorsements)] or None
    if doc["issuer"]["endorsement"] is None:
        del doc["issuer"]["endorsement"]
    report = VERIFIER.verify_credential(ISSUER.sign(doc))

    assert report.verdict is Verdict.VALID, reasons(report)
