"""The Digital Credentials Consortium's did:key test credentials
(`tests/wild_credentials/dcc/`, see its README) are judged right. Each one with a valid proof
is authentic: its verdict may be valid, not valid now (expired, revoked) or could not check
(no registry here, a status list that is not served at its own id), never "forged or
malformed", which accuses a person of fraud. Each one changed in one signed value, and the
fixture the DCC tampered itself, is forged.

The did:key issuers resolve offline; the fixtures' own status lists are served at the URLs
the credentials name."""
import copy
import json
from pathlib import Path

import pytest
from test_verifier_support import NOW, STORE

from vc.did_resolver import DIDResolver
from vc.fetch import StaticFetcher
from verifier.service import Verifier
from verifier.verdict import Verdict

DCC = Path(__file__).resolve().parent / "wild_credentials" / "dcc"
LISTS = DCC / "statusLists" / "didkey-ed25519Signature2020"
LISTS_URL = ("https://digitalcredentials.github.io/vc-test-fixtures/statusLists/"
             "didkey-ed25519Signature2020/")
# a copy of the DCC's list that some fixtures name; its own id is another URL (not used)
MOVED_LIST = ("https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/"
              "main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj")
TAMPERED = "verifiableCredentials/v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json"
FIXTURES = sorted(str(p.relative_to(DCC)) for p in (DCC / "verifiableCredentials").rglob("*.json"))
GENUINE = [f for f in FIXTURES if f != TAMPERED]


def fetcher() -> StaticFetcher:
    served = {LISTS_URL + p.name: p.read_bytes() for p in LISTS.iterdir()}
    served[MOVED_LIST] = (LISTS / "e5WK8CbZ1GjycuPombrj").read_bytes()
    return StaticFetcher(served)


VERIFIER = Verifier(None, DIDResolver(fetcher=fetcher()), fetcher(), clock=lambda: NOW,
                    store=STORE)


def fixture(name: str) -> dict:
    return json.loads((DCC / name).read_text(encoding="utf-8"))


def reasons(report) -> dict[str, str]:
    return {c.id: c.check.technical for c in report.checks if str(c.outcome) != "passed"}


def test_the_vendored_set_is_complete():
    assert len(GENUINE) == 60 and TAMPERED in FIXTURES


@pytest.mark.parametrize("name", GENUINE)
def test_a_genuine_dcc_credential_is_never_called_forged(name):
    report = VERIFIER.verify_credential(fixture(name))

    assert report.verdict is not Verdict.FORGED_OR_MALFORMED, reasons(report)
    proofs = [str(c.outcome) for c in report.checks if c.id.startswith("proof")]
    assert proofs and set(proofs) == {"passed"}, reasons(report)  # both, where signed twice
    assert "terms" not in reasons(report) and "structure" not in reasons(report)
    # no registry is given here: the issuer's accreditation is never confirmed
    assert report.verdict in (Verdict.NOT_VALID_NOW, Verdict.COULD_NOT_CHECK)


def tamper(credential: dict) -> dict:
    """One signed value changed: the credential's name, else its subject's, else a date."""
    altered = copy.deepcopy(credential)
    subject = altered["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    for node, key in ((altered, "name"), (subject, "name"), (altered, "validFrom"),
                      (altered, "issuanceDate")):
        value = node.get(key)
        if isinstance(value, str):
            node[key] = value.replace("20", "19", 1) if key != "name" else value + "!"
            return altered
    raise AssertionError("no value to change")


@pytest.mark.parametrize("name", GENUINE)
def test_a_dcc_credential_changed_in_one_signed_value_is_forged(name):
    report = VERIFIER.verify_credential(tamper(fixture(name)))

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "failed" in {str(c.outcome) for c in report.checks if c.id.startswith("proof")}


def test_the_fixture_the_dcc_tampered_is_forged():
    report = VERIFIER.verify_credential(fixture(TAMPERED))

    assert report.verdict is Verdict.FORGED_OR_MALFORMED
    assert "proof.signature-mismatch" in " ".join(reasons(report).values())


def test_the_complex_issuer_endorsed_by_itself_is_authentic():
    """The issuer is described as `issuer` and again, with another name, as
    the issuer and subject of its own embedded endorsement (OB 3.0 §B.1)."""
    name = "verifiableCredentials/v2/dataIntegrityProof/didKey/" \
           "oidf-noStatus-notExpired-complexIssuer.json"
    report = VERIFIER.verify_credential(fixture(name))

    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert set(reasons(report)) == {"issuer-trust", "recognition"}
    assert report.summary["issuer"]["id"] == \
        "did:key:z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS"


def test_an_old_dcc_credential_reads_with_the_pinned_dcc_context():
    """`https://w3id.org/dcc/v1` is pinned, never fetched."""
    name = "verifiableCredentials/v1/dataIntegrityProof/didKey/" \
           "legacyRegistry-noStatus-noExpiry-oldDCCExample.json"
    credential = fixture(name)
    assert "https://w3id.org/dcc/v1" in credential["@context"]
    report = VERIFIER.verify_credential(credential)
    assert report.verdict is Verdict.COULD_NOT_CHECK, reasons(report)
