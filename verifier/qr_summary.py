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

Only the issuer can make one (it is signed with an issuer key). Only terms of the W3C VC
2.0 and OB 3.0 contexts are used, so any conformant verifier can check it.
"""

from vc.resource_integrity import digest_multibase
from verifier.facts import as_list

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SUMMARY_SUFFIX = "#qr-summary"
_EQF_PREFIX = "http://data.europa.eu/snb/eqf/"


def compact_summary(credential: dict) -> dict:
    """The unsigned summary of a signed credential (see the module docstring)."""
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = next(s for s in as_list(credential.get("credentialSubject"))
                   if isinstance(s, dict))
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
        "issuer": issuer_id,
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


