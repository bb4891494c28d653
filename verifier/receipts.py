"""Verification receipts: what a verifier found, signed by the verifier's own key, so that
anyone can later check that this verifier reported this verdict at this time.

A receipt is a W3C Verifiable Credential (VC DM 2.0) whose issuer is the verifier (e.g.
`did:web:<host>:verifier`), never the certification body: its type is
`S4CVerificationReceipt`, not an Open Badges credential, and the key is not the issuer's. Its
subject is the checked credential (by id and by `digestMultibase`, VC DM 2.0 §5.3, over the
JCS of the credential as it was checked) with the full report as a JSON literal (`@json`,
JSON-LD 1.1 §4.2.2). It is signed with eddsa-jcs-2022 (VC Data Integrity EdDSA Cryptosuites
v1.0 §3.3): the report's JSON literal is signed as it is, byte for byte after JCS.

A receipt says what the verifier saw then; it is not a new verification of the credential.

Checking one (`check_receipt`) needs the verifier it should come from: anyone can make a
receipt-shaped document and sign it with a key of their own (a did:key costs nothing), so a
receipt signed by any other verifier is never "genuine", however good its signature; the
result names who signed it. `match_credential` then tells whether a given credential is the
one the receipt is about (its digest, computed as the receipt's was, and its id).
"""
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeGuard

from vc import api
from vc.checks import Outcome
from vc.contexts import ContextStore
from vc.cryptosuites import ALL_SUITES
from vc.errors import VCError
from vc.findings import Finding, finding
from vc.json_input import as_list
from vc.multikey import Ed25519Multikey
from vc.resource_integrity import digest_multibase
from verifier.checks.base import Category, ReportedCheck, failed, passed
from verifier.checks.proof import UnreachableAwareResolver, as_reported
from verifier.codes import ReceiptCode, StructureCode
from verifier.headline import headline_of
from verifier.verdict import Verdict, decide

V2 = "https://www.w3.org/ns/credentials/v2"
RECEIPT_CONTEXT = "https://w3id.org/skills4cities/verifier/v1"
RECEIPT_TYPE = "S4CVerificationReceipt"
REPORT_TYPE = "S4CVerificationReport"
SUITE = "eddsa-jcs-2022"


def credential_digest(credential: dict[str, Any]) -> str:
    """The digest a receipt names the checked credential by (sha2-256 multihash of its JCS)."""
    return digest_multibase(credential)


def receipt_document(*, verifier_did: str, report: dict[str, Any], checked_at: str,
                     checked_by: str, credential_id: str | None,
                     credential_digest: str | None) -> dict[str, Any]:
    """The unsigned receipt. `report`: the verification report as JSON
    (`VerificationReport.to_json`); `checked_by`: the verifier's web address."""
    subject: dict[str, Any] = {"type": REPORT_TYPE}
    if credential_id and ":" in credential_id:  # an absolute IRI (VC DM 2.0 §4.4)
        subject["id"] = credential_id
    if credential_digest:
        subject["digestMultibase"] = credential_digest
    subject |= {"checkedAt": checked_at, "checkedBy": checked_by,
                "verdict": report.get("verdict"),
                "state": (report.get("headline") or {}).get("state"),
                "report": report}
    return {"@context": [V2, RECEIPT_CONTEXT], "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential", RECEIPT_TYPE], "issuer": verifier_did,
            "validFrom": checked_at, "name": "Verification receipt",
            "credentialSubject": subject}


def sign_receipt(document: dict[str, Any], key: Ed25519Multikey, verification_method: str,
                 store: ContextStore) -> dict[str, Any]:
    return api.sign(document, key, store=store, suite=SUITE,
                    verification_method=verification_method)


@dataclass(frozen=True)
class ReceiptContent:
    """What a genuine receipt says: when its verifier checked which credential, and found
    what."""

    checked_at: str | None
    verdict: str | None
    state: str | None
    credential_id: str | None
    credential_digest: str | None

    def to_json(self) -> dict[str, Any]:
        return {"checkedAt": self.checked_at, "verdict": self.verdict, "state": self.state,
                "credentialId": self.credential_id, "credentialDigest": self.credential_digest}


@dataclass(frozen=True)
class ReceiptCheck:
    """Whether a receipt is genuine: signed, unaltered, by `expected_verifier`. `verdict` as
    for a credential (`verifier.verdict.decide` over `checks`): VALID only for a genuine
    receipt of the expected verifier; NOT_VALID_NOW for one genuinely signed by another
    verifier; FORGED_OR_MALFORMED when altered, unsigned, or signed with a key the verifier it
    names does not list. `content`: what it says, for a genuine receipt only."""

    verdict: Verdict
    checks: tuple[ReportedCheck, ...]
    expected_verifier: str
    verifier: str | None = None  # the verifier the receipt names (its issuer)
    signed_with: str | None = None  # the key its (first) proof names
    content: ReceiptContent | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def from_expected_verifier(self) -> bool:
        return self.verifier == self.expected_verifier

    @property
    def finding(self) -> Finding:
        """The first check that is not passed, else the last one (whose receipt it is)."""
        for check in self.checks:
            if check.outcome is not Outcome.PASSED:
                return check.check.finding
        return self.checks[-1].check.finding

    def to_json(self) -> dict[str, Any]:
        """The shape of a verification report (`verified`, `verdict`, `headline`, `checks`)
        with the receipt's own fields."""
        return {"verified": self.genuine, "verdict": str(self.verdict),
                "headline": headline_of(self.verdict, self.checks, {}, None).to_json(),
                "checks": [c.to_json() for c in self.checks],
                "receipt": {"genuine": self.genuine, **self.finding.to_json(),
                            "verifier": self.verifier, "signedWith": self.signed_with,
                            "expectedVerifier": self.expected_verifier,
                            "says": self.content.to_json() if self.content else None}}


def is_receipt(document: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(document, dict) and RECEIPT_TYPE in as_list(document.get("type"))


def _structure(document: object) -> tuple[ReportedCheck, str | None, str | None]:
    """(check, the verifier it names, the key that signed it), read without any network."""
    if not is_receipt(document):
        return failed("structure", Category.AUTHENTICITY,
                      finding(StructureCode.NOT_A_RECEIPT, type=RECEIPT_TYPE)), None, None
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer, str):
        return failed("structure", Category.AUTHENTICITY,
                      finding(StructureCode.RECEIPT_NO_VERIFIER)), None, None
    proofs = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
    if not proofs:
        return failed("structure", Category.AUTHENTICITY,
                      finding(StructureCode.RECEIPT_UNSIGNED)), issuer, None
    keys = [p.get("verificationMethod") for p in proofs]
    for vm in keys:
        if not isinstance(vm, str) or vm.split("#", 1)[0] != issuer:
            return failed("structure", Category.AUTHENTICITY,
                          finding(StructureCode.RECEIPT_OTHER_KEY, key=str(vm)[:200],
                                  verifier=issuer)), issuer, str(vm)[:200]
    return passed("structure", Category.AUTHENTICITY,
                  finding(StructureCode.RECEIPT, verifier=issuer)), issuer, keys[0]


def check_receipt(document: object, resolver: api.VerificationMethodResolver,
                  store: ContextStore, *, expected_verifier: str,
                  now: datetime | None = None) -> ReceiptCheck:
    """Genuine when it is signed, unaltered (terms, every proof), with a key that
    `expected_verifier` lists for assertions (DID Core §5.3.1). The receipt's verifier is
    compared first, so a receipt naming another verifier is refused even when its DID
    document cannot be fetched; its signature is still checked, to say whether it is
    really that verifier's."""
    structure, issuer, key = _structure(document)
    if structure.outcome is Outcome.FAILED:
        return ReceiptCheck(Verdict.FORGED_OR_MALFORMED, (structure,), expected_verifier,
                            issuer, key)
    if issuer == expected_verifier:
        signer = passed("receipt-verifier", Category.TRUST,
                        finding(ReceiptCode.EXPECTED_VERIFIER, verifier=expected_verifier,
                                key=str(key)))
    else:
        signer = failed("receipt-verifier", Category.TRUST,
                        finding(ReceiptCode.OTHER_VERIFIER, signer=str(issuer), key=str(key),
                                verifier=expected_verifier))
    result = api.verify(document, resolver=UnreachableAwareResolver(resolver), store=store,
                        suites=ALL_SUITES, purpose="assertionMethod", now=now)
    checks = (structure, *(as_reported(c) for c in result.checks), signer)
    verdict = decide(checks)
    content = _content(document) if verdict is Verdict.VALID else None
    return ReceiptCheck(verdict, checks, expected_verifier, issuer, key, content)


def _content(document: object) -> ReceiptContent:
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    subject = subject if isinstance(subject, dict) else {}

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    return ReceiptContent(checked_at=text(subject.get("checkedAt")),
                          verdict=text(subject.get("verdict")), state=text(subject.get("state")),
                          credential_id=text(subject.get("id")),
                          credential_digest=text(subject.get("digestMultibase")))


class CredentialMatch(StrEnum):
    SAME = "same"  # the digest (and the id, when the receipt names one) match
    OTHER_ID = "other-id"
    OTHER_DIGEST = "other-digest"
    NO_DIGEST = "no-digest"  # the receipt names no digest (an SD-JWT VC): nothing to match
    UNREADABLE = "unreadable"  # the credential has no JSON form to digest


def match_credential(content: ReceiptContent, credential: object) -> CredentialMatch:
    """Whether `credential` is the one the receipt is about: its digest, computed exactly as
    the receipt's was (`credential_digest`, over the JCS of the credential as checked), and its
    id when the receipt names one."""
    if content.credential_digest is None:
        return CredentialMatch.NO_DIGEST
    if not isinstance(credential, dict):
        return CredentialMatch.UNREADABLE
    if content.credential_id is not None and credential.get("id") != content.credential_id:
        return CredentialMatch.OTHER_ID
    try:
        digest = credential_digest(credential)
    except (VCError, ValueError):  # JCS refuses it (e.g. a number JSON cannot carry exactly)
        return CredentialMatch.UNREADABLE
    return CredentialMatch.SAME if digest == content.credential_digest \
        else CredentialMatch.OTHER_DIGEST
