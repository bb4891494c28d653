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
"""
import uuid
from dataclasses import dataclass
from typing import Any, TypeGuard

from vc import api
from vc.checks import Outcome
from vc.contexts import ContextStore
from vc.cryptosuites import ALL_SUITES
from vc.json_input import as_list
from vc.multikey import Ed25519Multikey
from vc.resource_integrity import digest_multibase

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
class ReceiptCheck:
    """Whether a receipt is genuine; when it is, what it says."""

    genuine: bool
    reason: str
    verifier: str | None = None
    checked_at: str | None = None
    verdict: str | None = None
    state: str | None = None
    credential_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"genuine": self.genuine, "reason": self.reason, "verifier": self.verifier,
                "checkedAt": self.checked_at, "verdict": self.verdict, "state": self.state,
                "credentialId": self.credential_id}


def is_receipt(document: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(document, dict) and RECEIPT_TYPE in as_list(document.get("type"))


def check_receipt(document: object, resolver: api.VerificationMethodResolver,
                  store: ContextStore) -> ReceiptCheck:
    """Genuine when every proof verifies (terms, signature) with a key that the receipt's
    issuer lists for assertions; an altered receipt fails. Whether that verifier is one to
    trust is the reader's decision: the result names it."""
    if not is_receipt(document):
        return ReceiptCheck(False, f"this is not a verification receipt (type {RECEIPT_TYPE})")
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer, str):
        return ReceiptCheck(False, "the receipt names no verifier (issuer)")
    proofs = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
    if not proofs:
        return ReceiptCheck(False, "the receipt is not signed")
    for proof in proofs:
        vm = proof.get("verificationMethod")
        if not isinstance(vm, str) or vm.split("#", 1)[0] != issuer:
            return ReceiptCheck(False, f"it was signed with a key that is not {issuer}'s")
    result = api.verify(document, resolver=resolver, store=store, suites=ALL_SUITES)
    bad = next((c for c in result.checks if c.outcome is not Outcome.PASSED), None)
    if bad is not None:
        return ReceiptCheck(False, f"the receipt does not verify: {bad.reason}")
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    return ReceiptCheck(True, f"signed by the verifier {issuer}; unaltered", verifier=issuer,
                        checked_at=text(subject.get("checkedAt")),
                        verdict=text(subject.get("verdict")), state=text(subject.get("state")),
                        credential_id=text(subject.get("id")))
