"""The compact signed summary, for a credential too large for a self-contained QR.

A role credential with its unit digests, six languages and an RDFC proof compresses to
about 1,000-1,200 bytes, more than QR version 25 at level M holds (967 bytes in Base45).
Its summary is itself a small Open Badges 3.0 credential by the same issuer, signed with
the same kind of key, and verified by the same checks as any credential:

- the same issuer, `validFrom`/`validUntil`, `credentialStatus` entries (revoking or
  suspending the full credential revokes or suspends the summary), the same subject
  identity (DID or hashed email) and the achievement's id, type, names and EQF alignment,
  so trust, recognition and status are decided exactly as for the full credential;
- `relatedResource[0]` binds it to the full credential: its `id` and `digestMultibase`
  (sha2-256 multihash of the JCS of the full signed credential). When the full credential is
  supplied too, the role-stack check compares the digest and verifies it.

Only the issuer can make one (it is signed with an issuer key, and leaves an audit row).
Only terms of the W3C VC 2.0 and OB 3.0 contexts are used, so any conformant verifier can
check it.
"""
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import AuditEvent, record_audit_event
from issuer.codes import IssuerCode
from issuer.credentials import OB3, V2
from issuer.errors import IssuerError
from issuer.models import IssuedCredential
from issuer.signing import IssuerSigner
from vc.jcs import canonicalize_parsed
from vc.json_input import as_list
from vc.resource_integrity import digest_multibase

SUMMARY_SUFFIX = "#qr-summary"
_EQF_PREFIX = "http://data.europa.eu/snb/eqf/"


def issuer_id(credential: dict[str, Any]) -> object:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def compact_summary(credential: dict[str, Any]) -> dict[str, Any]:
    """The unsigned summary of a signed credential (see the module docstring)."""
    subject = next((s for s in as_list(credential.get("credentialSubject"))
                    if isinstance(s, dict)), None)
    if subject is None:
        raise IssuerError(IssuerCode.SUMMARY_NO_SUBJECT)
    achievement = subject.get("achievement") or {}
    alignment = [a for a in as_list(achievement.get("alignment"))
                 if isinstance(a, dict) and str(a.get("targetUrl", "")).startswith(_EQF_PREFIX)]
    compact_achievement = {"id": achievement.get("id"), "type": ["Achievement"],
                           "achievementType": achievement.get("achievementType"),
                           "name": achievement.get("name"),
                           "criteria": {"narrative": "See the full credential."}}
    if alignment:
        compact_achievement["alignment"] = [{k: v for k, v in alignment[0].items()
                                             if k in ("type", "targetName", "targetUrl")}]
    compact_subject = {k: v for k, v in subject.items() if k in ("id", "type", "identifier")}
    compact_subject["achievement"] = compact_achievement
    summary = {
        "@context": [V2, OB3],
        "id": f"{credential.get('id')}{SUMMARY_SUFFIX}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_id(credential),
        "validFrom": credential.get("validFrom"),
    }
    if "validUntil" in credential:
        summary["validUntil"] = credential["validUntil"]
    summary["credentialSubject"] = compact_subject
    summary["relatedResource"] = [{"id": credential.get("id"),
                                   "digestMultibase": digest_multibase(credential)}]
    if "credentialStatus" in credential:
        summary["credentialStatus"] = credential["credentialStatus"]
    return summary


def sign_summary(s: Session, signer: IssuerSigner, credential: dict[str, Any],
                 actor: str, *, steady: bool = False) -> dict[str, Any]:
    """The compact summary of one of this issuer's credentials, signed with its active key;
    the audit row goes into the caller's transaction.

    `steady` (the holder's page, shown at every visit): the proof's `created` is the full
    credential's own, so that, RDFC and Ed25519 being deterministic, the same key gives the
    same summary each time, and only its first signing leaves an audit row."""
    issuer = issuer_id(credential)
    if issuer != signer.config.did:
        raise IssuerError(IssuerCode.SUMMARY_NOT_ITS_ISSUER, issuer=str(issuer))
    # the issuer vouches for what it issued, never for a file that merely names it: an
    # edited copy would otherwise get a genuine signature on its summary
    stored = s.scalar(select(IssuedCredential.document).where(
        IssuedCredential.id == str(credential.get("id"))))
    if stored is None or canonicalize_parsed(stored) != canonicalize_parsed(credential):
        raise IssuerError(IssuerCode.SUMMARY_NOT_AS_ISSUED, id=str(credential.get("id"))[:200])
    created = None
    if steady and isinstance(credential.get("proof"), dict):
        created = credential["proof"].get("created")
    summary = signer.sign(compact_summary(credential),
                          created=created if isinstance(created, str) else None)
    if steady and _signed_before(s, summary):
        return summary
    record_audit_event(s, actor, "credential.summary.signed", str(credential.get("id")),
                       {"summary": summary["id"],
                        "verificationMethod": summary["proof"]["verificationMethod"]})
    return summary


def _signed_before(s: Session, summary: dict[str, Any]) -> bool:
    """Whether this very summary (same credential, same key) was recorded already."""
    details = s.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "credential.summary.signed",
        AuditEvent.subject == summary["relatedResource"][0]["id"]))
    method = summary["proof"]["verificationMethod"]
    return any(isinstance(d, dict) and d.get("verificationMethod") == method for d in details)
