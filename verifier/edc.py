"""Verify a European Digital Credential (Europass, ELM 3.2): any body's, not only ours.

The seal first (`vc.jades.verify`: signature, certificate digest, time-stamps, the
certificate at the time the seal was made, the path to the anchors held, QcStatements),
then, only if the seal covers the content as it is, what the content says: that it is an
EDC, its dates, whether the issuer it names is the sealer, and (when asked) its format
against the EDC profile's SHACL shapes. The verdict keeps the same three cases apart as for
W3C credentials (`verifier.verdict`): an altered seal or content is "forged or altered"; a
seal by a certificate whose CA is not among the anchors held is "could not check: sealer not
confirmed", never "forged"; an authentic EDC that expired is "not valid now".
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vc.checks import Check, Outcome
from vc.findings import Finding, finding
from vc.instants import format_instant
from vc.jades.anchors import SealAnchors
from vc.jades.jws import SealFormatError, payload_json
from vc.jades.verify import SealCheck, SealReport, verify_seal
from verifier.checks.base import Category, ReportedCheck
from verifier.edc_codes import EdcCode
from verifier.edc_facts import EdcFacts, read_edc_facts
from verifier.verdict import Verdict, decide

# the format check: the findings of every SHACL violation (none: the content conforms)
FormatCheck = Callable[[dict[str, Any]], Sequence[Finding]]
MAX_FORMAT_FINDINGS = 50
# SHACL (through JSON-LD expansion) takes time in proportion to the content; anyone can seal
# a large document with a certificate of their own, so a larger one is not format-checked
# (the EU's samples, with their rendered page, are about 150 kB)
MAX_FORMAT_BYTES = 512 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _reported(check_id: str, outcome: Outcome, category: Category, found: Finding, *,
              signature: bool = False, matters: bool = True) -> ReportedCheck:
    # words come from the catalogue by the finding's code (web.plumbing.finding_words)
    return ReportedCheck(Check(check_id, outcome, found, signature), category, matters,
                         detail=found)


def _from_seal(check: SealCheck) -> ReportedCheck:
    return _reported(check.id, check.outcome, Category(str(check.kind)), check.finding,
                     signature=check.signature, matters=check.matters)


@dataclass(frozen=True)
class EdcReport:
    verdict: Verdict
    checks: tuple[ReportedCheck, ...]
    seal: SealReport
    facts: EdcFacts | None  # None unless the seal covers the content as it is
    checked_at: datetime

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def state(self) -> str:
        """The one state to show first (the words of `verifier.headline.State`, plus
        `sealer-not-confirmed`: the CA of the seal is not among the anchors held, and
        `sealing-time-not-confirmed`: the certificate has ended and the TSA whose time-stamp
        says it was valid when the seal was made is not among them)."""
        failed = {c.id for c in self.checks if c.outcome is Outcome.FAILED}
        if self.verdict is Verdict.VALID:
            return "valid"
        if self.verdict is Verdict.FORGED_OR_MALFORMED:
            return "forged"
        if self.verdict is Verdict.COULD_NOT_CHECK:
            unknown = {c.id for c in self.checks
                       if c.outcome is Outcome.UNKNOWN and c.unknown_matters}
            if "seal.chain" in unknown:
                return "sealer-not-confirmed"
            if "seal.timestamp-authority" in unknown:
                return "sealing-time-not-confirmed"
            return "could-not-check"
        if failed & {"seal.chain", "edc.issuer"}:
            return "issuer-not-confirmed"
        validity = next((c for c in self.checks if c.id == "edc.validity"), None)
        if validity is not None and validity.outcome is Outcome.FAILED:
            return "expired" if validity.check.finding.code == EdcCode.EXPIRED else "not-yet-valid"
        return "not-valid-now"

    def headline(self) -> dict[str, Any]:
        date = None
        if self.state == "expired" and self.facts and self.facts.valid_until:
            date = format_instant(self.facts.valid_until)
        elif self.state == "not-yet-valid" and self.facts and self.facts.valid_from:
            date = format_instant(self.facts.valid_from)
        return {"state": self.state, "date": date,
                "dateMeaning": {"expired": "valid-until", "not-yet-valid": "valid-from"}.get(
                    self.state), "unreachable": []}

    def summary(self) -> dict[str, Any]:
        """The sealer (from the certificate) and the content (from the sealed payload)."""
        seal = self.seal
        out: dict[str, Any] = {
            "sealer": seal.sealer.to_json() if seal.sealer else None,
            "qualified": None if seal.qc is None else {
                "compliance": seal.qc.compliance, "types": sorted(seal.qc.types),
                "sscd": seal.qc.sscd},
            "sealedAt": format_instant(seal.sealed_at) if seal.sealed_at else None,
            "claimedAt": format_instant(seal.claimed_at) if seal.claimed_at else None,
            "anchor": seal.anchor.source if seal.anchor else None,
        }
        if self.verdict is not Verdict.FORGED_OR_MALFORMED and self.facts is not None:
            out["credential"] = self.facts.to_json()
        return out

    def to_json(self) -> dict[str, Any]:
        forged = self.verdict is Verdict.FORGED_OR_MALFORMED
        return {"kind": "edc", "verified": self.verified, "verdict": str(self.verdict),
                "headline": self.headline(), "checkedAt": format_instant(self.checked_at),
                "checks": [{**c.to_json(), "finding": c.detail.to_json()}
                           for c in self.checks if isinstance(c.detail, Finding)],
                "summary": {} if forged else self.summary()}


class EdcVerifier:
    """`anchors`: the seal trust anchors held (`vc.jades.anchors.load_anchors`).
    `format_check`: SHACL against the EDC profile (slow: seconds), None to leave it out."""

    def __init__(self, anchors: SealAnchors, *, format_check: FormatCheck | None = None,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.anchors = anchors
        self.format_check = format_check
        self.clock = clock

    def verify(self, document: object, *, check_format: bool = True) -> EdcReport:
        """Every check of the EDC in `document` (bytes, text or the parsed JWS JSON)."""
        now = self.clock()
        seal = verify_seal(document, self.anchors, lambda: now)
        checks = [_from_seal(c) for c in seal.checks]
        if not seal.authentic or seal.seal is None:
            return EdcReport(decide(checks), tuple(checks), seal, None, now)
        try:
            content = payload_json(seal.seal)
        except SealFormatError as e:
            checks.append(_reported("edc.type", Outcome.FAILED, Category.AUTHENTICITY,
                                    e.finding))
            return EdcReport(Verdict.FORGED_OR_MALFORMED, tuple(checks), seal, None, now)
        facts = read_edc_facts(content)
        if not facts.is_edc:
            checks.append(_reported("edc.type", Outcome.FAILED, Category.AUTHENTICITY,
                                    finding(EdcCode.NOT_AN_EDC)))
            return EdcReport(Verdict.FORGED_OR_MALFORMED, tuple(checks), seal, None, now)
        checks.append(_reported("edc.type", Outcome.PASSED, Category.INFO,
                                finding(EdcCode.IS_EDC)))
        checks.append(_validity(facts, now))
        checks.append(_issuer_is_sealer(facts, seal))
        too_large = len(seal.seal.payload) > MAX_FORMAT_BYTES
        checks.extend(self._format(content, check_format and not too_large,
                                   f"the content is larger than {MAX_FORMAT_BYTES} bytes"
                                   if too_large else None))
        return EdcReport(decide(checks), tuple(checks), seal, facts, now)

    def _format(self, content: dict[str, Any], check_format: bool,
                why_not: str | None = None) -> list[ReportedCheck]:
        if self.format_check is None or not check_format:
            return [_reported("edc.format", Outcome.UNKNOWN, Category.INFO,
                              finding(EdcCode.FORMAT_NOT_CHECKED, why_not), matters=False)]
        violations = list(self.format_check(content))
        if not violations:
            return [_reported("edc.format", Outcome.PASSED, Category.TRUST,
                              finding(EdcCode.FORMAT_CONFORMS))]
        # an authentic credential its profile does not describe: "not good", never "forged"
        return [_reported(f"edc.format[{i}]", Outcome.FAILED, Category.TRUST, violation)
                for i, violation in enumerate(violations[:MAX_FORMAT_FINDINGS])]


def _validity(facts: EdcFacts, now: datetime) -> ReportedCheck:
    if facts.valid_until is not None and now > facts.valid_until:
        return _reported("edc.validity", Outcome.FAILED, Category.CURRENCY,
                         finding(EdcCode.EXPIRED, until=facts.valid_until))
    if facts.valid_from is not None and now < facts.valid_from:
        return _reported("edc.validity", Outcome.FAILED, Category.CURRENCY,
                         finding(EdcCode.NOT_YET_VALID, start=facts.valid_from))
    return _reported("edc.validity", Outcome.PASSED, Category.CURRENCY,
                     finding(EdcCode.VALID_UNTIL, until=facts.valid_until)
                     if facts.valid_until else finding(EdcCode.VALIDITY_CURRENT))


def _issuer_is_sealer(facts: EdcFacts, seal: SealReport) -> ReportedCheck:
    """ELM: the issuer's eIDAS identifier is the organizationIdentifier of its seal
    certificate (EN 319 412-1 §5.1.4); another sealer is not the issuer it names."""
    named = facts.issuer.eidas_identifier if facts.issuer else None
    sealer = seal.sealer.organization_identifier if seal.sealer else None
    if not named:
        return _reported("edc.issuer", Outcome.UNKNOWN, Category.INFO,
                         finding(EdcCode.ISSUER_IDENTIFIER_ABSENT), matters=False)
    if named == sealer:
        return _reported("edc.issuer", Outcome.PASSED, Category.TRUST,
                         finding(EdcCode.ISSUER_IS_SEALER, identifier=named))
    return _reported("edc.issuer", Outcome.FAILED, Category.TRUST,
                     finding(EdcCode.ISSUER_IS_NOT_SEALER, named=named,
                             sealer=sealer or "?"))
