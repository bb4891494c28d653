"""The trust side of a seal check (`vc.jades.verify`): the path to the anchors held, the
time-stamping authority's, the revocation data the seal carries, and what the certificate
claims of itself (QcStatements) beside what a trusted list confirms."""
from datetime import datetime

from cryptography import x509

from vc.checks import Outcome
from vc.findings import finding
from vc.jades.anchors import SealAnchors, TrustAnchor
from vc.jades.certs import QcInfo, SealChainError, display_name, verify_path
from vc.jades.checks import Kind, SealCheck
from vc.jades.codes import SealCode
from vc.jades.jws import SealedDocument
from vc.jades.revocation import carried_revocation
from vc.jades.tst import TimeStampToken


def revocation_check(leaf: x509.Certificate, carried: list[x509.Certificate],
                     seal: SealedDocument, claimed: datetime, sealed_at: datetime
                     ) -> SealCheck:
    """What the seal's own revocation data says of its certificate (never fetched)."""
    r_vals = [prop["rVals"] for prop in seal.etsi_u if "rVals" in prop]
    found = carried_revocation(leaf, carried, r_vals, claimed) if r_vals else None
    if found is None:
        return SealCheck("seal.revocation", Outcome.UNKNOWN, Kind.INFO,
                         finding(SealCode.REVOCATION_NOT_CARRIED), matters=False)
    if found.status == "good":
        return SealCheck("seal.revocation", Outcome.PASSED, Kind.INFO,
                         finding(SealCode.NOT_REVOKED, source=found.source, time=found.said_at))
    revoked_at = found.revoked_at or found.said_at
    if revoked_at <= sealed_at:
        return SealCheck("seal.revocation", Outcome.FAILED, Kind.CURRENCY,
                         finding(SealCode.REVOKED_BEFORE_SEAL, source=found.source,
                                 time=revoked_at))
    return SealCheck("seal.revocation", Outcome.PASSED, Kind.INFO,
                     finding(SealCode.REVOKED_AFTER_SEAL, source=found.source, time=revoked_at))


def chain_check(chain: list[x509.Certificate], anchors: SealAnchors, at: datetime,
                carried: list[x509.Certificate]) -> tuple[TrustAnchor | None, SealCheck]:
    ca = _issuer_name(chain[-1])
    if not anchors.anchors:
        return None, SealCheck("seal.chain", Outcome.UNKNOWN, Kind.TRUST,
                               finding(SealCode.NO_ANCHORS, ca=ca))
    try:
        certificate = verify_path(chain, anchors, at, carried)
    except SealChainError as e:
        if not e.anchored:
            return None, SealCheck("seal.chain", Outcome.UNKNOWN, Kind.TRUST,
                                   finding(SealCode.CHAIN_NOT_ANCHORED, ca=ca))
        return None, SealCheck("seal.chain", Outcome.FAILED, Kind.TRUST,
                               finding(SealCode.CHAIN_INVALID, str(e), ca=ca))
    anchor = anchors.anchor_for(certificate)
    return anchor, SealCheck("seal.chain", Outcome.PASSED, Kind.TRUST,
                             finding(SealCode.CHAIN_ANCHORED, anchor=display_name(certificate),
                                     source=anchor.source if anchor else ""))


def _issuer_name(certificate: x509.Certificate) -> str:
    names = certificate.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.issuer.rfc4514_string()


def tsa_check(token: TimeStampToken, anchors: SealAnchors, needed: bool) -> SealCheck:
    """The TSA is itself an anchor (a qualified time-stamping service of a trusted list) or
    its certificate leads to one, at the time it stamped. `needed`: the verdict rests on the
    time it states (else a TSA not anchored is said, but changes nothing)."""
    if anchors.anchor_for(token.tsa_certificate) is not None:
        return SealCheck("seal.timestamp-authority", Outcome.PASSED, Kind.TRUST,
                         finding(SealCode.TIMESTAMP_TSA_ANCHORED, tsa=token.tsa_name))
    try:
        verify_path(list(token.certificates), anchors, token.gen_time)
    except SealChainError:
        return SealCheck("seal.timestamp-authority", Outcome.UNKNOWN,
                         Kind.TRUST if needed else Kind.INFO,
                         finding(SealCode.TIMESTAMP_TSA_NOT_ANCHORED, tsa=token.tsa_name),
                         matters=needed)
    return SealCheck("seal.timestamp-authority", Outcome.PASSED, Kind.TRUST,
                     finding(SealCode.TIMESTAMP_TSA_ANCHORED, tsa=token.tsa_name))


def qualified_check(qc: QcInfo, anchor: TrustAnchor | None) -> SealCheck:
    if not qc.compliance:
        return SealCheck("seal.qualified", Outcome.PASSED, Kind.INFO,
                         finding(SealCode.NOT_QUALIFIED))
    if "eseal" not in qc.types:
        return SealCheck("seal.qualified", Outcome.PASSED, Kind.INFO,
                         finding(SealCode.QUALIFIED_NOT_ESEAL, types=", ".join(sorted(qc.types))))
    if anchor is not None and "eseal" in anchor.qualified_for:
        return SealCheck("seal.qualified", Outcome.PASSED, Kind.INFO,
                         finding(SealCode.QUALIFIED_ESEAL_CONFIRMED,
                                 territory=anchor.territory or "?"))
    return SealCheck("seal.qualified", Outcome.UNKNOWN, Kind.INFO,
                     finding(SealCode.QUALIFIED_ESEAL_CLAIMED), matters=False)
