"""The role stack: a role credential lists the unit credentials it was earned from in
`relatedResource` (VC DM 2.0 §5.3 Integrity of Related Resources), each with a
`digestMultibase` (`vc.resource_integrity`: a sha2-256 multihash over the JCS of the unit
credential as signed). When the holder supplies them, each
must be there, match its digest, and verify as an authentic credential of the same issuer.

The supplied unit credentials are evidence about the role, not content the role's own
signature covers: one that cannot be confirmed makes the role's unit evidence unconfirmed (a
trust finding: the verdict is "authentic but does not count", or "could not check" when a key
was unreachable), never the role "forged" (ARCHITECTURE.md "Verification is a list of checks";
issue 22). That holds for an altered unit too: a digest that differs cannot tell an altered
unit from a re-signed genuine one, and the role credential, whose signature is fine, is not
what was altered; the finding names the unit."""
from collections.abc import Callable
from typing import Any

from vc.checks import Outcome
from vc.resource_integrity import digest_matches
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown

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
                           f"it lists more than {MAX_RELATED} related credentials")]
        supplied = [r for r in facts.related if r.get("id") in context.related]
        if not supplied:
            return [unknown("role-stack", Category.INFO,
                            f"the {len(facts.related)} unit credentials it was earned from were "
                            "not supplied, so they were not checked", matters=False)]
        for resource in supplied:
            unit = context.related[resource["id"]]
            if not digest_matches(resource.get("digestMultibase"), unit):
                return [failed("role-stack", UNIT_EVIDENCE,
                               f"the supplied unit credential {resource['id']} is not the one "
                               "the role credential was issued for (its digest differs)")]
            unit_issuer = unit.get("issuer")
            unit_issuer = unit_issuer.get("id") if isinstance(unit_issuer, dict) else unit_issuer
            if unit_issuer != facts.issuer_did:
                return [failed("role-stack", UNIT_EVIDENCE,
                               f"the unit credential {resource['id']} has another issuer")]
            bad = [c for c in self._authenticity(unit) if c.outcome is not Outcome.PASSED
                   and c.unknown_matters]
            if bad:
                outcome = bad[0].outcome
                make = failed if outcome is Outcome.FAILED else unknown
                return [make("role-stack", UNIT_EVIDENCE,
                             f"the unit credential {resource['id']} does not verify: "
                             f"{bad[0].check.reason}")]
        missing = len(facts.related) - len(supplied)
        reason = (f"the {len(supplied)} related credential(s) it names (the unit credentials "
                  "it was earned from, or the full credential it summarises) were supplied, "
                  "match their digests and verify")
        if missing:
            return [unknown("role-stack", Category.INFO,
                            f"{len(supplied)} supplied unit credentials match and verify; "
                            f"{missing} were not supplied", matters=False)]
        return [passed("role-stack", UNIT_EVIDENCE, reason)]
