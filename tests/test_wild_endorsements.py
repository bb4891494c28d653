"""A node described again inside an embedded credential (an Open Badges 3.0
§B.1 endorsement with its own proof) is the endorser's claim. A genuine credential carrying
one is never "forged or malformed"; an endorsement that states a fact the verifier reads of
the credential's own nodes (the credential, its achievement) is refused, so a fact moved
there with the same RDF, and the same signature, never changes the verdict.

The property over random endorsements, drawn together with the other wild additions, is in
test_properties_wild_verdicts.py."""
import copy

from same_rdf import rdf_of
from test_verifier_support import STORE, role_credential
from wild_credentials import ISSUER, VERIFIER, endorsement, reasons

from verifier.verdict import Verdict


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
