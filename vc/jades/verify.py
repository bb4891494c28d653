"""Verify a JAdES seal (ETSI TS 119 182-1) in JWS JSON serialisation: what a European Digital
Credential carries. Each check returns an outcome with a finding (`vc.jades.codes`); the
kind of each check says how it counts (`Kind`, the verifier's categories):

- authenticity (failed: forged or altered): the JWS signature over
  BASE64URL(protected) || "." || payload (RFC 7515 §5.2, RFC 7797 §3), `x5t#S256` against the
  x5c certificate (RFC 7515 §4.1.8), `crit` (RFC 7515 §4.1.11), and every time-stamp token's
  own signature and imprint: sigTst over the ASCII of BASE64URL(JWS Signature) (TS 119 182-1
  §5.3.4.2), adoTst over the payload (§5.2.8.1), arcTst (§5.5.2: its signature only);
- currency (failed: authentic but not good): the certificate's validity at the time the
  signature time-stamp proves (not now: a seal outlives its certificate; without a
  time-stamp, now);
- trust (unknown when the CA is not among the anchors held: "issuer not confirmed", never
  "forged"): the path to the deployment's anchors at that time, and the TSA's;
- info: what the certificate's QcStatements claim (EN 319 412-5) and whether a trusted
  list confirms it (TS 119 612), and whether the list's own signature was checked.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cryptography import x509

from vc.checks import Outcome
from vc.findings import Finding, finding
from vc.instants import parse_instant
from vc.jades.algorithms import AlgorithmError, verify_jws_signature
from vc.jades.anchors import SealAnchors, TrustAnchor
from vc.jades.certs import (
    QcInfo,
    SealChainError,
    Sealer,
    certificate_digest,
    display_name,
    qc_info,
    sealer_of,
    verify_path,
)
from vc.jades.codes import SealCode
from vc.jades.jws import SealedDocument, SealFormatError, b64std, b64url, parse_seal
from vc.jades.tst import TimestampError, TimeStampToken, read_token
from vc.x509_chain import CertificateChainError, parse_x5c

MAX_TOKENS = 4  # per time-stamp property


class Kind(StrEnum):
    """How a check counts (the same words as `verifier.checks.base.Category`)."""

    AUTHENTICITY = "authenticity"
    CURRENCY = "currency"
    TRUST = "trust"
    INFO = "info"


@dataclass(frozen=True)
class SealCheck:
    id: str
    outcome: Outcome
    kind: Kind
    finding: Finding
    signature: bool = False  # it verified the signature over the content
    matters: bool = True  # an unknown outcome makes the verdict "could not check"


@dataclass(frozen=True)
class SealReport:
    checks: tuple[SealCheck, ...]
    seal: SealedDocument | None = None
    sealer: Sealer | None = None
    qc: QcInfo | None = None
    sealed_at: datetime | None = None  # the signature time-stamp's genTime
    claimed_at: datetime | None = None  # sigT: when the sealer says it sealed (signed)
    anchor: TrustAnchor | None = None

    @property
    def authentic(self) -> bool:
        """The signature verified and nothing of the seal is altered."""
        checks = [c for c in self.checks if c.kind is Kind.AUTHENTICITY]
        return not any(c.outcome is Outcome.FAILED for c in checks) and any(
            c.signature and c.outcome is Outcome.PASSED for c in checks)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Failed(Exception):
    def __init__(self, check: SealCheck) -> None:
        self.check = check


def _authenticity(check_id: str, code: SealCode, detail: str | None = None,
                  **params: Any) -> _Failed:
    return _Failed(SealCheck(check_id, Outcome.FAILED, Kind.AUTHENTICITY,
                             finding(code, detail, **params)))


def verify_seal(document: object, anchors: SealAnchors,
                clock: Callable[[], datetime] = _utc_now) -> SealReport:
    """Every check of the seal in `document` (bytes, text or parsed JWS JSON); never raises
    for a bad seal."""
    checks: list[SealCheck] = []
    try:
        seal = parse_seal(document)
    except SealFormatError as e:
        return SealReport((SealCheck("seal.format", Outcome.FAILED, Kind.AUTHENTICITY,
                                     e.finding),))
    try:
        chain = _certificates(seal)
        checks.append(_digest_check(seal, chain[0]))
        checks.append(_signature_check(seal, chain[0]))
        claimed = _claimed_time(seal)
        content_stamps = _tokens(seal.header.get("adoTst"), "adoTst")
        for token in content_stamps:
            checks.append(_imprint_check("seal.content-timestamp", token, seal.payload,
                                         SealCode.CONTENT_TIMESTAMP_VALID,
                                         SealCode.CONTENT_TIMESTAMP_IMPRINT_MISMATCH))
        stamps: list[TimeStampToken] = []
        for prop in seal.etsi_u:
            if "sigTst" in prop:
                for token in _tokens(prop["sigTst"], "sigTst"):
                    checks.append(_imprint_check(
                        "seal.timestamp", token, seal.signature_b64.encode("ascii"),
                        SealCode.TIMESTAMP_VALID, SealCode.TIMESTAMP_IMPRINT_MISMATCH))
                    stamps.append(token)
            elif "arcTst" in prop:
                for token in _tokens(prop["arcTst"], "arcTst"):
                    checks.append(SealCheck("seal.archive-timestamp", Outcome.PASSED, Kind.INFO,
                                            finding(SealCode.ARCHIVE_TIMESTAMP_SIGNED,
                                                    tsa=token.tsa_name, time=token.gen_time)))
    except _Failed as e:
        return SealReport((*checks, e.check), seal)
    if any(c.outcome is Outcome.FAILED for c in checks):
        return SealReport(tuple(checks), seal)
    leaf = chain[0]
    now = clock()
    sealed_at = min((t.gen_time for t in stamps), default=None)
    if sealed_at is None:
        checks.append(SealCheck("seal.timestamp", Outcome.UNKNOWN, Kind.INFO,
                                finding(SealCode.TIMESTAMP_MISSING), matters=False))
    checks.append(_validity_check(leaf, sealed_at, now))
    anchor, chain_check = _chain_check(chain, anchors, sealed_at or now)
    checks.append(chain_check)
    if stamps and anchors.anchors:
        checks.append(_tsa_check(stamps[0], anchors))
    qc = qc_info(leaf)
    checks.append(_qualified_check(qc, anchor))
    if anchors.list_signature_checked is False:
        checks.append(SealCheck("seal.trusted-list", Outcome.UNKNOWN, Kind.INFO,
                                finding(SealCode.TRUSTED_LIST_SIGNATURE_NOT_CHECKED),
                                matters=False))
    return SealReport(tuple(checks), seal, sealer_of(leaf), qc, sealed_at, claimed, anchor)


def _certificates(seal: SealedDocument) -> list[x509.Certificate]:
    x5c = seal.header.get("x5c", seal.unprotected.get("x5c"))
    try:
        return parse_x5c(x5c)
    except CertificateChainError as e:
        raise _authenticity("seal.format", SealCode.MALFORMED, str(e)) from None


def _digest_check(seal: SealedDocument, leaf: x509.Certificate) -> SealCheck:
    """TS 119 182-1 §5.2.2.2: x5t#S256 in the protected header binds the certificate."""
    expected = seal.header.get("x5t#S256")
    if expected is None:
        raise _authenticity("seal.format", SealCode.MALFORMED,
                            "the protected header has no x5t#S256 naming the certificate")
    try:
        matches = b64url(expected, "x5t#S256") == certificate_digest(leaf)
    except SealFormatError as e:
        raise _Failed(SealCheck("seal.format", Outcome.FAILED, Kind.AUTHENTICITY,
                                e.finding)) from None
    if not matches:
        raise _authenticity("seal.certificate-digest", SealCode.CERTIFICATE_DIGEST_MISMATCH)
    return SealCheck("seal.certificate-digest", Outcome.PASSED, Kind.AUTHENTICITY,
                     finding(SealCode.CERTIFICATE_DIGEST_VALID))


def _signature_check(seal: SealedDocument, leaf: x509.Certificate) -> SealCheck:
    alg = seal.header.get("alg")
    try:
        valid = verify_jws_signature(alg, leaf, seal.signature, seal.signing_input)
    except AlgorithmError as e:
        raise _authenticity("seal.signature", SealCode.ALGORITHM_REFUSED, str(e),
                            alg=str(alg)[:20]) from None
    if not valid:
        raise _Failed(SealCheck("seal.signature", Outcome.FAILED, Kind.AUTHENTICITY,
                                finding(SealCode.SIGNATURE_MISMATCH), signature=True))
    return SealCheck("seal.signature", Outcome.PASSED, Kind.AUTHENTICITY,
                     finding(SealCode.SIGNATURE_VALID, alg=str(alg)), signature=True)


def _claimed_time(seal: SealedDocument) -> datetime | None:
    """sigT (TS 119 182-1 §5.2.1): the claimed signing time, required in B-B."""
    value = seal.header.get("sigT")
    moment = parse_instant(value)
    if moment is None:
        raise _authenticity("seal.format", SealCode.MALFORMED,
                            "sigT (the claimed signing time) is missing or not a date-time")
    return moment


def _tokens(value: object, name: str) -> list[TimeStampToken]:
    """A time-stamp property (TS 119 182-1 §5.3.4: {"tstTokens": [{"val": base64}]}), each
    token's own signature verified (failed: altered)."""
    if value is None:
        return []
    tokens = value.get("tstTokens") if isinstance(value, dict) else None
    if not isinstance(tokens, list) or not 0 < len(tokens) <= MAX_TOKENS:
        raise _authenticity("seal.format", SealCode.MALFORMED, f"{name} has no tstTokens")
    out = []
    for entry in tokens:
        if not isinstance(entry, dict) or set(entry) - {"val", "encoding"} or \
                entry.get("encoding", "der") not in ("der", "DER",
                                                     "http://uri.etsi.org/ades/ASN.1/DER"):
            raise _authenticity("seal.format", SealCode.MALFORMED,
                                f"a {name} token is not a DER value")
        try:
            der = b64std(entry.get("val"), f"a {name} token")
            out.append(read_token(der))
        except SealFormatError as e:
            raise _Failed(SealCheck("seal.format", Outcome.FAILED, Kind.AUTHENTICITY,
                                    e.finding)) from None
        except TimestampError as e:
            check = "seal.content-timestamp" if name == "adoTst" else \
                "seal.archive-timestamp" if name == "arcTst" else "seal.timestamp"
            raise _authenticity(check, SealCode.TIMESTAMP_SIGNATURE_INVALID, str(e)) from None
    return out


def _imprint_check(check_id: str, token: TimeStampToken, data: bytes, valid: SealCode,
                   mismatch: SealCode) -> SealCheck:
    if not token.covers(data):
        return SealCheck(check_id, Outcome.FAILED, Kind.AUTHENTICITY, finding(mismatch))
    return SealCheck(check_id, Outcome.PASSED, Kind.AUTHENTICITY,
                     finding(valid, tsa=token.tsa_name, time=token.gen_time))


def _validity_check(leaf: x509.Certificate, sealed_at: datetime | None,
                    now: datetime) -> SealCheck:
    start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    if sealed_at is None:  # no proven time: the certificate must be valid now
        if start <= now <= end:
            return SealCheck("seal.certificate-validity", Outcome.PASSED, Kind.CURRENCY,
                             finding(SealCode.CERTIFICATE_VALID_NOW, until=end))
        return SealCheck("seal.certificate-validity", Outcome.FAILED, Kind.CURRENCY,
                         finding(SealCode.CERTIFICATE_EXPIRED_SINCE, until=end)
                         if now > end else
                         finding(SealCode.CERTIFICATE_NOT_YET_VALID_AT_SEAL, start=start,
                                 time=now))
    if sealed_at < start:
        return SealCheck("seal.certificate-validity", Outcome.FAILED, Kind.CURRENCY,
                         finding(SealCode.CERTIFICATE_NOT_YET_VALID_AT_SEAL, start=start,
                                 time=sealed_at))
    if sealed_at > end:
        return SealCheck("seal.certificate-validity", Outcome.FAILED, Kind.CURRENCY,
                         finding(SealCode.CERTIFICATE_EXPIRED_AT_SEAL, until=end,
                                 time=sealed_at))
    return SealCheck("seal.certificate-validity", Outcome.PASSED, Kind.CURRENCY,
                     finding(SealCode.CERTIFICATE_VALID_AT_SEAL, time=sealed_at, until=end))


def _chain_check(chain: list[x509.Certificate], anchors: SealAnchors,
                 at: datetime) -> tuple[TrustAnchor | None, SealCheck]:
    ca = _issuer_name(chain[-1])
    if not anchors.anchors:
        return None, SealCheck("seal.chain", Outcome.UNKNOWN, Kind.TRUST,
                               finding(SealCode.NO_ANCHORS, ca=ca))
    try:
        certificate = verify_path(chain, anchors.certificates, at)
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


def _tsa_check(token: TimeStampToken, anchors: SealAnchors) -> SealCheck:
    """The TSA is itself an anchor (a qualified time-stamping service of a trusted list) or
    its certificate leads to one, at the time it stamped."""
    if anchors.anchor_for(token.tsa_certificate) is not None:
        return SealCheck("seal.timestamp-authority", Outcome.PASSED, Kind.TRUST,
                         finding(SealCode.TIMESTAMP_TSA_ANCHORED, tsa=token.tsa_name))
    try:
        verify_path(list(token.certificates), anchors.certificates, token.gen_time)
    except SealChainError:
        return SealCheck("seal.timestamp-authority", Outcome.UNKNOWN, Kind.TRUST,
                         finding(SealCode.TIMESTAMP_TSA_NOT_ANCHORED, tsa=token.tsa_name))
    return SealCheck("seal.timestamp-authority", Outcome.PASSED, Kind.TRUST,
                     finding(SealCode.TIMESTAMP_TSA_ANCHORED, tsa=token.tsa_name))


def _qualified_check(qc: QcInfo, anchor: TrustAnchor | None) -> SealCheck:
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
