"""Never call a genuine credential forged: credentials from the wild whose every
signature verifies are judged on what they are, not refused as "forged or malformed".

- A status of a type s4c does not implement (1EdTech's `1EdTechRevocationList`, the VC Data
  Model 2.0 suite's `CredentialStatusList2017`) is "could not check" and names the type.
- Signed, but not by a key the issuer controls (the W3C vc-di-eddsa proof set and chain
  vectors, whose issuer is an https URL and whose signers are did:keys): "issuer not
  confirmed", never forged; a proof by another key beside the issuer's own takes nothing away.
- A changed signed value is still forged.
- A holder who is not the subject (VC DM 2.0 §4.13), when the request allows it
  (`options.holderMustBeSubject` false on `POST /presentations/verify`); strict by default.
"""
import copy
import json
import os
from pathlib import Path

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

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc._internal.dataintegrity import add_proof
from vc.contexts import ContextStore, PinnedContexts, standard_contexts
from vc.did_key import did_key_from_public_key
from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from vc.multikey import Ed25519Multikey
from verifier.headline import State
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.app import create_app
from web.plumbing.finding_words import reason_english
from web.wiring.datadir import prepare_data_dir
from web.wiring.services import replace_services
from web.wiring.settings import Settings

OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CHAIN = ("vc-di-eddsa", "proof-set-chain")


def outcomes(report) -> dict[str, str]:
    return {c.id: str(c.outcome) for c in report.checks}


def reason(report, check_id: str) -> str:
    """The check's English, as the CLI and the API say it (the catalogue, then the detail)."""
    return next(reason_english(c.check.finding) for c in report.checks if c.id == check_id)


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer()


@pytest.fixture
def registry_verifier(issuer) -> Verifier:
    world = issuer_world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW, store=STORE)


def offline_verifier(store: ContextStore = STORE) -> Verifier:
    fetcher = StaticFetcher({})
    return Verifier(None, DIDResolver(fetcher=fetcher), fetcher, clock=lambda: NOW,
                    store=store)


# --- case 1: a status type s4c does not implement ---------------------------------------------

def ob3_with_1edtech_revocation_list(issuer: DemoIssuer) -> dict:
    """An Open Badges 3.0 credential whose status is a 1EdTech Revocation List, as the OB 3.0
    specification's examples give it (extensions context, `1EdTechRevocationList`)."""
    doc = role_credential(issuer)
    doc["@context"] = [*doc["@context"], OB3_EXTENSIONS]
    doc["credentialStatus"] = {"id": f"{issuer.base_url}/credentials/3732/revocations",
                               "type": "1EdTechRevocationList"}
    del doc["credentialSchema"]  # s4c's own schema asks for its own status entries
    return doc


def test_an_unknown_status_type_is_could_not_check_naming_the_type(issuer, registry_verifier):
    report = registry_verifier.verify_credential(
        issuer.sign(ob3_with_1edtech_revocation_list(issuer)))

    found = outcomes(report)
    assert report.verdict is Verdict.COULD_NOT_CHECK, report.to_json()
    for check in ("structure", "terms", "proof", "key-binding", "validity", "issuer-trust"):
        assert found[check] == "passed", (check, reason(report, check))
    assert found["status.unsupported-type"] == "unknown"
    assert "1EdTechRevocationList" in reason(report, "status.unsupported-type")
    assert report.headline.state is State.COULD_NOT_CHECK
    assert report.headline.unreachable == ("status-method",)
    assert report.summary["status"] == "unknown"  # never "active"


def test_the_data_model_suites_credential_status_is_could_not_check(vectors):
    """`credential-status-ok.json` of the W3C VC Data Model 2.0 suite, issued (signed) by a
    did:key issuer as the suite asks an issuer to."""
    suite_input = vectors.parent / "conformance" / "vc-data-model-2.0-test-suite" / "tests" \
        / "input" / "credential-status-ok.json"
    if not suite_input.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this case: {suite_input} is missing")
        pytest.skip(f"the conformance suites are missing: {suite_input}")
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    document = {**json.loads(suite_input.read_text(encoding="utf-8")), "issuer": did}
    signed = add_proof(document, key, verification_method=f"{did}#{key.public_key_multibase}",
                       created="2026-06-01T00:00:00Z", cache=STORE.cache())

    report = offline_verifier().verify_credential(signed)
    assert report.verdict is Verdict.COULD_NOT_CHECK, report.to_json()
    assert outcomes(report)["proof"] == "passed"
    assert outcomes(report)["key-binding"] == "passed"
    assert "CredentialStatusList2017" in reason(report, "status.unsupported-type")
    signed["credentialStatus"]["id"] = "did:example:another-status"
    assert offline_verifier().verify_credential(signed).verdict is Verdict.FORGED_OR_MALFORMED


def test_a_bitstring_entry_without_a_purpose_is_still_malformed(issuer, registry_verifier):
    doc = role_credential(issuer)
    del doc["credentialStatus"][0]["statusPurpose"]
    del doc["credentialSchema"]
    report = registry_verifier.verify_credential(issuer.sign(doc))
    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "statusPurpose" in reason(report, "facts")


# --- case 3: signed, but not by a key the issuer controls ------------------------------------

def chain_vector(vectors: Path, name: str) -> dict:
    return json.loads((vectors.joinpath(*CHAIN) / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["signedProofSet1", "signedProofSet2", "signedProofChain1",
                                  "signedProofChain2"])
def test_a_w3c_vector_signed_by_keys_its_https_issuer_does_not_show_is_not_forged(
        vectors, examples_store, name):
    signed = chain_vector(vectors, name)
    report = offline_verifier(examples_store).verify_credential(signed)

    found = outcomes(report)
    assert report.verdict is Verdict.NOT_VALID_NOW, report.to_json()
    assert all(v == "passed" for k, v in found.items() if k.startswith("proof")), found
    assert found["key-binding"] == "failed"
    assert reason(report, "key-binding").startswith(
        "Signed, but not by a key the issuer https://vc.example/issuers/5678 controls. (")
    assert report.headline.state is State.ISSUER_NOT_CONFIRMED
    # the registry is not asked about a body that did not sign it
    assert "issuer-trust" not in found and report.summary["issuer"]["name"] is None

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    forged = offline_verifier(examples_store).verify_credential(tampered)
    assert forged.verdict is Verdict.FORGED_OR_MALFORMED
    assert forged.headline.state is State.FORGED


def vector_keys(vectors: Path) -> dict[str, Ed25519Multikey]:
    pairs = chain_vector(vectors, "multiKeyPairs")
    return {name: Ed25519Multikey.from_json(pair) for name, pair in pairs.items()}


@pytest.mark.parametrize("chained", [False, True])
def test_a_proof_by_another_key_beside_the_issuers_own_takes_nothing_away(
        vectors, examples_store, chained):
    """The vc-di-eddsa suite's case: the issuer is keyPair2's did:key, and keyPair1 (not the
    issuer's) signs first; with a proof set or a chain, every proof verifies."""
    keys = vector_keys(vectors)
    other, own = keys["keyPair1"], keys["keyPair2"]
    issuer = did_key_from_public_key(own.public_key)
    document = {**chain_vector(vectors, "unsigned"), "issuer": issuer}
    cache = examples_store.cache()
    other_vm = f"{did_key_from_public_key(other.public_key)}#{other.public_key_multibase}"
    first = add_proof(document, other, verification_method=other_vm,
                      created="2023-02-24T23:36:38Z", extra={"id": "urn:uuid:first"},
                      cache=cache)
    base = first if chained else document
    extra = {"previousProof": "urn:uuid:first"} if chained else None
    second = add_proof(base, own, verification_method=f"{issuer}#{own.public_key_multibase}",
                       created="2023-02-24T23:36:38Z", extra=extra, cache=cache)
    if not chained:
        second["proof"] = [first["proof"], second["proof"]]

    report = offline_verifier(examples_store).verify_credential(second)
    found = outcomes(report)
    assert found["key-binding"] == "passed", report.to_json()
    assert report.verdict is Verdict.COULD_NOT_CHECK  # only the registry was missing
    assert found["issuer-trust"] == "unknown"


# --- over HTTP: cases 1 and 3 with options.checks, case 5 (holder is not the subject) ---------

@pytest.fixture
def app(tmp_path: Path, issuer: DemoIssuer, vectors: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "DATABASE_URL", "S4C_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(tmp_path / "data", environ={})
    prepare_data_dir(settings)
    app = create_app(settings)
    world = issuer_world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))], [])
    # the project's contexts (s4c's own included) and the W3C examples context the vectors use
    store = ContextStore({EXAMPLES_V2: vectors / "contexts" / "credentials-examples-v2.jsonld"},
                         pinned=[standard_contexts(), PinnedContexts(CONTEXTS_DIR)])
    replace_services(app, verifier=Verifier(trust, resolver_for(world), world,
                                            clock=lambda: NOW, store=store))
    return app


def post(client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.get_json()


def test_over_http_an_unknown_status_type_is_not_a_400_forged(app, issuer):
    client = app.test_client()
    credential = issuer.sign(ob3_with_1edtech_revocation_list(issuer))
    status, body = post(client, "/credentials/verify", {"verifiableCredential": credential,
                                                         "options": {"checks": ["proof"]}})
    assert status == 200 and body["verified"] is True, body
    assert body["verdict"] == "could-not-check"
    status, body = post(client, "/credentials/verify", {"verifiableCredential": credential})
    assert status == 400 and body["verdict"] == "could-not-check"
    assert body["type"].endswith("/problems/could-not-check")
    assert "1EdTechRevocationList" in body["detail"]


def test_over_http_a_vector_signed_by_a_key_the_issuer_does_not_control(app, vectors):
    client = app.test_client()
    signed = chain_vector(vectors, "signedProofChain2")
    status, body = post(client, "/credentials/verify", {"verifiableCredential": signed})
    assert status == 400 and body["verdict"] == "not-valid-now", body
    assert body["type"] == "https://w3id.org/skills4cities/problems/issuer-not-confirmed"
    assert body["title"] == "Signed, but not by a key the issuer controls"
    assert body["headline"]["state"] == "issuer-not-confirmed"
    assert body["detail"].startswith("key-binding: Signed, but not by a key the issuer")
    assert body["finding"]["code"] == "key-binding.not-issuer-key"
    # VC-API "proof" asks whether the proofs verify: they do
    status, body = post(client, "/credentials/verify", {"verifiableCredential": signed,
                                                         "options": {"checks": ["proof"]}})
    assert status == 200 and body["verified"] is True
    status, body = post(client, "/credentials/verify", {
        "verifiableCredential": signed, "options": {"checks": ["proof", "issuer"]}})
    assert status == 400 and body["verified"] is False


def suite_presentation(vectors: Path, credential: dict, holder: Ed25519Multikey,
                       challenge: str, domain: str) -> dict:
    """The VC Data Model 2.0 suite's `presentation-vc-ok.json`: a holder presents a credential
    about someone else (its subject is did:example:subject)."""
    source = vectors.parent / "conformance" / "vc-data-model-2.0-test-suite" / "tests" / \
        "input" / "presentation-vc-ok.json"
    if not source.is_file():
        pytest.skip(f"the conformance suites are missing: {source}")
    vp = json.loads(source.read_text(encoding="utf-8"))
    did = did_key_from_public_key(holder.public_key)
    vp["holder"] = did
    vp["verifiableCredential"] = [credential]
    return add_proof(vp, holder, verification_method=f"{did}#{holder.public_key_multibase}",
                     proof_purpose="authentication",
                     extra={"challenge": challenge, "domain": domain}, cache=STORE.cache())


def new_challenge(client) -> tuple[str, str]:
    response = client.post("/presentations/challenges")
    assert response.status_code == 201
    return response.get_json()["challenge"], response.get_json()["domain"]


def test_a_holder_who_is_not_the_subject_is_accepted_when_the_request_allows_it(
        app, issuer, vectors):
    client = app.test_client()
    subject = "did:example:subject"
    credential = issuer.sign(role_credential(issuer, holder_did=subject))
    holder = Ed25519Multikey.generate()

    challenge, domain = new_challenge(client)
    vp = suite_presentation(vectors, credential, holder, challenge, domain)
    status, body = post(client, "/presentations/verify", {
        "verifiablePresentation": vp,
        "options": {"challenge": challenge, "domain": domain, "holderMustBeSubject": False}})
    assert status == 200 and body["verified"] is True, body
    assert body["holderMustBeSubject"] is False
    binding = next(c for c in body["checks"] if c["id"] == "holder-binding")
    assert binding["outcome"] == "unknown" and binding["category"] == "info"
    assert f"who is not the subject {subject}" in binding["reason"]

    # the default stays strict: the same kind of presentation is refused
    challenge, domain = new_challenge(client)
    vp = suite_presentation(vectors, credential, holder, challenge, domain)
    status, body = post(client, "/presentations/verify", {
        "verifiablePresentation": vp, "options": {"challenge": challenge, "domain": domain}})
    assert status == 400 and body["verdict"] == "forged-or-malformed"
    assert body["holderMustBeSubject"] is True
    assert {c["id"]: c["outcome"] for c in body["checks"]}["holder-binding"] == "failed"


@pytest.mark.parametrize("value", ["false", 0, None, []])
def test_the_holder_option_must_be_true_or_false(app, value):
    status, body = post(app.test_client(), "/presentations/verify", {
        "verifiablePresentation": {}, "options": {"holderMustBeSubject": value}})
    assert status == 400 and "holderMustBeSubject must be true or false" in body["detail"]
