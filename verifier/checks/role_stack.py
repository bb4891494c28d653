"""The role stack: a role credential lists the unit credentials it was earned from in
`relatedResource` (VC DM 2.0 §5.3 Integrity of Related Resources), each with a
`digestMultibase` (`vc.resource_integrity`: a sha2-256 multihash over the JCS of the unit
credential as signed). When the holder supplies them, each
must be there, match its digest, and verify as an authentic credential of the same issuer.

The supplied unit credentials are evidence about the role, not content the role's own
signature covers: one that cannot be confirmed makes the role's unit evidence unconfirmed (a
trust finding: the verdict is "authentic but does not count", or "could not check" when a key
was unreachable), never the role "forged" (ARCHITECTURE.md "Verification is a list of checks"). That holds for an altered unit too: a digest that differs cannot tell an altered
unit from a re-signed genuine one, and the role credential, whose signature is fine, is not
what was altered; the finding names the unit."""
from collections.abc import Callable
from typing import Any

from vc.checks import Outcome
from vc.findings import finding
from vc.resource_integrity import digest_matches
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.codes import RoleStackCode

MAX_RELATED = 64
# whether the supplied units confirm the role: trust in its evidence, not its authenticity
UNIT_EVIDENCE = Category.TRUST

AuthenticityCheck = Callable[[dict[str, Any]], list[ReportedCheck]]


class RoleStackCheck:
    def __init__(self, authenticity: AuthenticityCheck) -> None:
        self._authenticity = authenticity

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        facts = context.facts
        if facts.kind != "role" or not facts.related:
            return []
        if len(facts.related) > MAX_RELATED:
            return [failed("role-stack", Category.AUTHENTICITY,
                           finding(RoleStackCode.TOO_MANY, n=MAX_RELATED))]
        supplied = [r for r in facts.related if r.get("id") in context.related]
        if not supplied:
            return [unknown("role-stack", Category.INFO,
                            finding(RoleStackCode.NOT_SUPPLIED, n=len(facts.related)),
                            matters=False)]
        for resource in supplied:
            unit = context.related[resource["id"]]
            if not digest_matches(resource.get("digestMultibase"), unit):
                return [failed("role-stack", UNIT_EVIDENCE,
                               finding(RoleStackCode.DIGEST_DIFFERS, id=str(resource["id"])))]
            unit_issuer = unit.get("issuer")
            unit_issuer = unit_issuer.get("id") if isinstance(unit_issuer, dict) else unit_issuer
            if unit_issuer != facts.issuer_did:
                return [failed("role-stack", UNIT_EVIDENCE,
                               finding(RoleStackCode.OTHER_ISSUER, id=str(resource["id"])))]
            bad = [c for c in self._authenticity(unit) if c.outcome is not Outcome.PASSED
                   and c.unknown_matters]
            if bad:
                # the unit's own finding is the technical detail: its code, then its detail
                why = bad[0].check.finding
                detail = f"{bad[0].id}: {why.code}" + (f" ({why.detail})" if why.detail else "")
                unit_id = str(resource["id"])
                if bad[0].outcome is Outcome.FAILED:
                    return [failed("role-stack", UNIT_EVIDENCE,
                                   finding(RoleStackCode.UNIT_FAILED, detail, id=unit_id))]
                return [unknown("role-stack", UNIT_EVIDENCE,
                                finding(RoleStackCode.UNIT_UNKNOWN, detail, id=unit_id))]
        missing = len(facts.related) - len(supplied)
        if missing:
            return [unknown("role-stack", Category.INFO,
                            finding(RoleStackCode.SOME_SUPPLIED, n=len(supplied),
                                    missing=missing), matters=False)]
        return [passed("role-stack", UNIT_EVIDENCE,
                       finding(RoleStackCode.ALL_VERIFY, n=len(supplied)))]
