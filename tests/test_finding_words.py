"""What the employer reads is what was checked. Every finding code has its sentence
in each of the six catalogues (none missing, fuzzy or left over), and for every way a verdict
is reached (ldp_vc rdfc, jcs and Ed25519Signature2020, SD-JWT VC with and without key binding,
a presentation, the QR summary, a status list kept by another DID, a receipt, offline, and
the failures of the same-RDF and tamper suites), no passed check is said with a failure's
sentence and no failed or unknown one with a pass's, in every language, on the page with its
outcome's mark."""
import copy
import importlib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from employer_world import credentials_by_state
from employer_world import world as employer_world
from flask import Flask
from flask_babel import force_locale
from same_rdf import SPELLING, rdf_of, rewrite, sites
from test_same_rdf_mutations import (
    CHALLENGE,
    DOMAIN,
    MALLORY,
    MALLORY_DID,
    ORIGINALS,
    verdict_of,
)
from test_same_rdf_mutations import _presentation as signed_presentation
from test_sd_jwt_vc import HOLDER, issue
from test_sd_jwt_vc import verifier as sd_jwt_verifier
from test_status_list_issuer import KEEPER_HOST, credential_with_kept_list, world_with_kept_list
from test_status_list_issuer import verify as verify_with_kept_list
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    recognition,
    resolver_for,
    role_credential,
    trusted,
)
from test_wild_credentials import offline_verifier, wild

from vc.fetch import StaticFetcher
from vc.findings import Finding, all_codes
from vc.jose import JwsSigner
from vc.sd_jwt import present_sd_jwt
from vc.sd_jwt_kb import KeyBindingRequirement
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy, metadata_url
from verifier.presentation import verify_presentation
from verifier.receipts import check_receipt, receipt_document, sign_receipt
from verifier.service import Verifier
from web.employer.view import check_rows
from web.employer.words import id_words
from web.plumbing.finding_words import say_in
from web.plumbing.i18n import LANGUAGES, init_i18n, po_path

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# every package's codes, whichever exist (`vc.findings.all_codes` lists what is imported)
for package in ("vc", "verifier", "issuer", "registry"):
    if (ROOT / package / "codes.py").exists():
        importlib.import_module(f"{package}.codes")
CODES = all_codes()

# The codes a passed check may carry; every other code says a failure or an unknown. This is
# the specification the catalogue's sentences are held to.
PASSING = frozenset({
    "proof.valid", "terms.defined", "structure.credential", "structure.sd-jwt-vc",
    "structure.presentation", "structure.receipt", "schema.none-named", "schema.matches",
    "key-binding.issuer-key", "key-binding.holder-present", "key-binding.holder-signed",
    "proof.sd-jwt-issuer-metadata", "proof.sd-jwt-x509", "disclosures.match",
    "role-stack.all-verify", "validity.no-expiry", "validity.until", "status.none",
    "status.not-revoked", "status.not-suspended", "status.not-revoked-by-list-keeper",
    "status.not-suspended-by-list-keeper", "status.token-valid",
    "issuer-trust.accredited-at-level", "issuer-trust.accredited", "recognition.recognised",
    "challenge.accepted", "domain.matches", "holder.signed",
    "holder-binding.subject-presented", "holder-binding.presenter",
    "receipt-verifier.expected", "legacy.passed"})
VERIFICATION_PREFIXES = ("proof.", "terms.", "structure.", "schema.", "facts.", "key-binding.",
                         "disclosures.", "role-stack.", "validity.", "status.",
                         "issuer-trust.", "recognition.", "challenge.", "domain.", "holder.",
                         "holder-binding.", "receipt-verifier.", "legacy.", "document.")


def _catalogue(lang: str):
    with po_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


CATALOGUES = {lang: _catalogue(lang) for lang in LANGUAGES}


def _sentence(code: str, lang: str) -> str:
    message = CATALOGUES[lang].get(code)
    return message.string if message is not None and not message.fuzzy else ""


# --- the catalogue -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_code_has_one_sentence_in_every_language_and_none_is_left_over(lang):
    catalogue = CATALOGUES[lang]
    problems = []
    for code in sorted(CODES):
        message = catalogue.get(code)
        if message is None:
            problems.append(f"{code}: missing")
        elif message.fuzzy:
            problems.append(f"{code}: fuzzy")
        elif not message.string or message.string == code:
            problems.append(f"{code}: no sentence")
        elif set(PLACEHOLDER.findall(message.string)) != \
                set(PLACEHOLDER.findall(_sentence(code, "en"))):
            problems.append(f"{code}: other placeholders than the English")
    problems += [f"{m.id}: no code of any enum has this id (unused)" for m in catalogue
                 if isinstance(m.id, str) and CODE.match(m.id) and m.id not in CODES]
    assert problems == []


def test_no_pass_shares_its_sentence_with_a_failure():
    for lang in LANGUAGES:
        passes = {_sentence(c, lang) for c in CODES & PASSING}
        others = {_sentence(c, lang) for c in CODES - PASSING}
        assert passes & others == set(), lang


# --- every way to a verdict ---------------------------------------------------------------------

ISSUER = DemoIssuer()


def _accredited_verifier(world) -> Verifier:
    trust = FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))],
                            [recognition("BG", nqf="НКР 6")])
    return Verifier(trust, resolver_for(world), world, clock=lambda: NOW, store=STORE)


def _employer_states():
    world = employer_world(ISSUER)
    verifier = _accredited_verifier(world)
    for state, credential in credentials_by_state(ISSUER).items():
        for country in (None, "BG", "RO"):
            yield f"employer:{state}:{country}", verifier.verify_credential(
                credential, country=country)
    for suite in ("eddsa-jcs-2022", "Ed25519Signature2020"):
        signed = ISSUER.sign(role_credential(ISSUER), suite=suite)
        yield f"suite:{suite}", verifier.verify_credential(signed)
        altered = copy.deepcopy(signed)
        altered["credentialSubject"]["achievement"]["name"] = "Something else"
        yield f"suite:{suite}:altered", verifier.verify_credential(altered)


def _sd_jwt():
    yield "sd-jwt:issued", sd_jwt_verifier().verify(issue())
    text = present_sd_jwt(issue(), disclose=["given_name"], holder=HOLDER, nonce="n-1",
                          audience="https://verifier.example")
    yield "sd-jwt:key-binding", sd_jwt_verifier().verify(
        text, key_binding=KeyBindingRequirement("n-1", "https://verifier.example"))
    yield "sd-jwt:stale-nonce", sd_jwt_verifier().verify(
        text, key_binding=KeyBindingRequirement("n-2", "https://verifier.example"))
    parts = issue().split("~")
    yield "sd-jwt:tampered", sd_jwt_verifier().verify("~".join([parts[0], parts[1][:-4] + "AAAA",
                                                                *parts[2:]]))


def _presentations():
    for name in ("wrong-holder",):
        document, kind = ORIGINALS[name]
        yield f"presentation:{name}", verdict_of(document, kind)
    from test_same_rdf_mutations import ISSUER as SAME_RDF_ISSUER
    own = SAME_RDF_ISSUER.sign(role_credential(SAME_RDF_ISSUER, n=4, holder_did=MALLORY_DID))
    vp = signed_presentation(own, MALLORY, MALLORY_DID)
    yield "presentation:own", verify_presentation(
        _same_rdf_verifier(), vp, challenge=CHALLENGE, domain=DOMAIN)
    yield "presentation:other-domain", verify_presentation(
        _same_rdf_verifier(), vp, challenge=CHALLENGE, domain="elsewhere.example")
    yield "presentation:no-challenge", verify_presentation(
        _same_rdf_verifier(), vp, challenge=None)


def _same_rdf_verifier():
    from test_same_rdf_mutations import VERIFIER
    return VERIFIER


def _same_rdf_failures(limit: int = 40):
    """The failures the same-RDF suite produces, a bounded sample of each kind."""
    for name, (original, kind) in sorted(ORIGINALS.items()):
        yield f"same-rdf:{name}", verdict_of(original, kind)
        tried = 0
        for spelling in SPELLING:
            for site_index in range(len(sites(original))):
                variant = rewrite(original, spelling, site_index, 0, STORE)
                if variant != original and tried < limit and \
                        rdf_of(variant, STORE) == rdf_of(original, STORE):
                    tried += 1
                    yield f"same-rdf:{name}:{spelling}:{site_index}", verdict_of(variant, kind)


def _kept_list():
    keeper = DemoIssuer(host=KEEPER_HOST)
    for revoked in ((), (4821,)):
        world = world_with_kept_list(ISSUER, keeper, revoked=revoked)
        yield f"kept-list:{revoked}", verify_with_kept_list(
            ISSUER, world, credential_with_kept_list(ISSUER, keeper))


def _receipts():
    verifier = _accredited_verifier(employer_world(ISSUER))
    report = verifier.verify_credential(ISSUER.sign(role_credential(ISSUER)))
    document = receipt_document(verifier_did=ISSUER.did, report=report.to_json(),
                                checked_at="2026-06-01T00:00:00Z",
                                checked_by="https://example.org/verify",
                                credential_id=None, credential_digest=None)
    signed = sign_receipt(document, ISSUER.key, ISSUER.vm, STORE)
    yield "receipt:genuine", check_receipt(signed, verifier.resolver, STORE,
                                           expected_verifier=ISSUER.did)
    yield "receipt:other-verifier", check_receipt(signed, verifier.resolver, STORE,
                                                  expected_verifier="did:web:other.example")
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["verdict"] = "forged-or-malformed"
    yield "receipt:altered", check_receipt(altered, verifier.resolver, STORE,
                                           expected_verifier=ISSUER.did)


def _offline():
    for name in ("v1-ob302-ed25519signature2020.json", "v1-ob303-eddsa-rdfc-2022.json",
                 "v1-ob301-ed25519signature2020-revoked.json"):
        yield f"offline:{name}", offline_verifier().verify_credential(wild(name))


def _tampered():
    verifier = _accredited_verifier(employer_world(ISSUER))
    signed = ISSUER.sign(role_credential(ISSUER))
    changes = {
        "no-proof": lambda d: d.pop("proof"),
        "bad-proof-value": lambda d: d["proof"].update(proofValue="z" + "1" * 86),
        "undefined-term": lambda d: d["credentialSubject"].update(surprise=1),
        "unknown-context": lambda d: d["@context"].append("https://example.org/unknown"),
        "no-issuer": lambda d: d.pop("issuer"),
        "expiry-before-start": lambda d: d.update(validUntil="2020-01-01T00:00:00Z"),
    }
    for name, change in changes.items():
        document = copy.deepcopy(signed)
        change(document)
        yield f"tamper:{name}", verifier.verify_credential(document)
    yield "tamper:not-an-object", verifier.verify_credential(["not", "a", "credential"])


def _scenarios():
    for source in (_employer_states, _sd_jwt, _presentations, _kept_list, _receipts,
                   _offline, _tampered, _same_rdf_failures):
        yield from source()


def _checks(report):
    yield from report.checks
    for inner in getattr(report, "credentials", ()):
        yield from inner.checks


SCENARIOS = list(_scenarios())


def test_the_scenarios_reach_every_verification_check_and_outcome():
    seen = {(c.id.split("[", 1)[0], str(c.outcome)) for _, r in SCENARIOS for c in _checks(r)}
    ids = {i for i, _ in seen}
    assert {"structure", "schema", "terms", "proof", "key-binding", "role-stack", "validity",
            "status", "status.revocation", "status.suspension", "issuer-trust", "recognition",
            "disclosures", "challenge", "domain", "holder", "holder-binding",
            "receipt-verifier", "facts"} <= ids
    assert {o for _, o in seen} == {"passed", "failed", "unknown"}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_pass_is_said_as_a_failure_nor_a_failure_as_a_pass(lang):
    app = Flask(__name__)
    init_i18n(app)
    problems = []
    with app.test_request_context(), force_locale(lang):
        marks = id_words()
        for name, report in SCENARIOS:
            checks = list(_checks(report))
            for check in checks:
                found: Finding = check.check.finding
                passed = str(check.outcome) == "passed"
                if passed != (found.code in PASSING):
                    problems.append((name, check.id, str(check.outcome), found.code))
                said = say_in(found, lang)
                if not said or said == found.code:
                    problems.append((name, check.id, "no words", found.code))
                other_side = CODES - PASSING if passed else CODES & PASSING
                if said in {_sentence(c, lang) for c in other_side}:
                    problems.append((name, check.id, str(check.outcome), said))
            # the page: each row shows its check's sentence beside its outcome's mark
            for shown in (report, *getattr(report, "credentials", ())):
                rows = check_rows({"verdict": str(shown.verdict),
                                   "checks": [c.to_json() for c in shown.checks]})
                for row in rows:
                    check = next(c for c in shown.checks if c.id == row["id"])
                    assert row["text"] == say_in(check.check.finding, lang), (name, row)
                    mark = marks["outcome.info"] if row["tone"] == "info" else \
                        marks[f"outcome.{check.outcome}"]
                    assert row["outcome_word"] == mark, (name, row)
    assert problems == []


def test_a_passed_sd_jwt_signature_never_reads_as_invalid_in_german():
    """The probe: a passed SD-JWT VC signature, its key established by the JWT VC
    Issuer Metadata, read "Die Signatur ist nicht gültig." in German."""
    signer = JwsSigner(JwsSigner.generate().key, kid="k-2026")
    iss = "https://cert.example.org"
    metadata = {"issuer": iss, "jwks": {"keys": [{**signer.public_jwk(), "kid": "k-2026"}]}}
    keys = IssuerKeyPolicy(metadata_fetcher=StaticFetcher(
        {metadata_url(iss): __import__("json").dumps(metadata).encode()}))
    report = sd_jwt_verifier(keys=keys).verify(issue(signer))
    proof = next(c for c in report.checks if c.id == "proof")
    assert str(proof.outcome) == "passed"
    said = say_in(proof.check.finding, "de")
    assert said == f"Mit dem Schlüssel des Ausstellers signiert, wie in den Aussteller-" \
                   f"Metadaten von {iss} veröffentlicht."
    assert "nicht gültig" not in said


def test_a_result_kept_before_findings_were_codes_still_shows_in_every_language():
    """A report kept (or signed into a receipt) before findings were codes has English reasons and no
    codes: each check shows its outcome's general sentence, the old reason as its detail."""
    old = {"verdict": "not-valid-now", "checks": [
        {"id": "proof", "outcome": "passed", "reason": "valid eddsa-rdfc-2022 signature by x",
         "category": "authenticity"},
        {"id": "validity", "outcome": "failed", "reason": "expired on 2027-01-31 00:00 UTC",
         "category": "currency"},
        {"id": "status.revocation", "outcome": "unknown", "category": "currency",
         "reason": "could not check whether it is revoked: timeout"}]}
    app = Flask(__name__)
    init_i18n(app)
    for lang in LANGUAGES:
        with app.test_request_context(), force_locale(lang):
            rows = check_rows(old)
        assert [r["text"] for r in rows] == [
            _sentence("legacy.passed", lang), _sentence("legacy.failed", lang),
            _sentence("legacy.unknown", lang)]
        assert [r["detail"] for r in rows] == [c["reason"] for c in old["checks"]]


def test_a_schema_id_written_as_an_array_is_malformed_never_a_crash():
    """Found while sampling the same-RDF rewrites for the scenarios above: a credentialSchema
    id given as a one-element array reached the schema cache as a list (TypeError, a 500)."""
    verifier = _accredited_verifier(employer_world(ISSUER))
    credential = ISSUER.sign(role_credential(ISSUER))
    schema = credential["credentialSchema"]
    schema = schema[0] if isinstance(schema, list) else schema
    credential["credentialSchema"] = {**schema, "id": [schema["id"]]}
    report = verifier.verify_credential(credential)
    assert str(report.verdict) == "forged-or-malformed"
    assert all(c.check.finding.code for c in report.checks)



def test_a_number_babel_cannot_round_is_still_said():
    """A cohort row with score 1e30 made the dry run's page a 500: Babel cannot round it."""
    from vc.findings import finding
    from web.plumbing.finding_words import say_in

    for value, written in ((1e30, "1e+30"), (-1e300, "-1e+300"), (float("inf"), "∞")):
        said = say_in(finding("cohort.score-not-finite", score=value, max=100), "de")
        assert f"'{written}'" in said, said
