"""Issuer trust and recognition, from a TrustSource (the registry, or a signed trust list).

The issuer must be accredited by a trust anchor for this achievement and EQF level on the
day the credential became valid (`Accreditation.covers`); the name shown is the registry's
accountable one (`TrustedIssuer.name`, the operator's registration), or the DID when there is
none; never an anchor's wording, which the summary shows beside that accreditation only.
Recognition (how the chosen country recognises the achievement) is informational.
"""
from vc.language_maps import pick_language
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown


class IssuerTrustCheck:
    def run(self, context: CheckContext) -> list[ReportedCheck]:
        facts = context.facts
        if context.trust_problem is not None:
            return [unknown("issuer-trust", Category.TRUST, context.trust_problem)]
        issuer = context.trusted_issuer
        if issuer is None:
            return [failed("issuer-trust", Category.TRUST,
                           f"the issuer {facts.issuer_did} is not in the registry of "
                           "accredited certification bodies")]
        name = pick_language(issuer.name, context.lang) or issuer.did
        if facts.achievement_id is None or facts.valid_from is None:
            return [failed("issuer-trust", Category.TRUST,
                           "the credential does not say what was achieved or when")]
        level = facts.eqf_level
        # the issuer's own keys that signed it (KeyBindingCheck: one of them did); a further
        # proof by someone else's key (an endorser) neither adds nor takes away accreditation
        signers = [vm for p in facts.proofs
                   if isinstance(vm := p.get("verificationMethod"), str)
                   and vm.split("#", 1)[0] == facts.issuer_did]
        for accreditation in issuer.accreditations:
            if accreditation.covers(facts.achievement_id, level, facts.valid_from) \
                    and accreditation.accepts(signers):
                scope = f" at EQF level {level}" if level is not None else ""
                return [passed("issuer-trust", Category.TRUST,
                               f"{name} is accredited by {accreditation.anchor_name} "
                               f"({accreditation.country}) to certify this{scope} "
                               f"on {facts.valid_from.date().isoformat()}",
                               detail=accreditation)]
        level_text = f" at EQF level {level}" if level is not None else ""
        return [failed("issuer-trust", Category.TRUST,
                       f"{name} is registered, but no accreditation allowed it to certify "
                       f"{facts.achievement_id}{level_text} on "
                       f"{facts.valid_from.date().isoformat()}")]


class RecognitionCheck:
    """Informational: a country that has not decided is not a failure of the credential."""

    def __init__(self, trust: TrustSource | None) -> None:
        self._trust = trust

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        country, achievement = context.country, context.facts.achievement_id
        if not country:
            return [unknown("recognition", Category.INFO, "no country was chosen",
                            matters=False)]
        if self._trust is None or achievement is None:
            return [unknown("recognition", Category.INFO,
                            "no registry to ask how the country recognises it", matters=False)]
        try:
            found = [r for r in self._trust.recognitions(achievement, country)
                     if r.valid_from <= context.now
                     and (r.valid_until is None or context.now <= r.valid_until)]
        except TrustSourceUnavailable as e:
            return [unknown("recognition", Category.INFO,
                            f"the registry could not be asked: {e}", matters=False)]
        if not found:
            return [unknown("recognition", Category.INFO,
                            f"{country} has recorded no recognition of this achievement",
                            matters=False)]
        r = min(found, key=lambda f: (f.valid_from, f.nqf_level))  # not the list's order
        note = pick_language(r.equivalence, context.lang) or ""
        return [passed("recognition", Category.INFO,
                       f"{country} recognises it at national level {r.nqf_level} "
                       f"(EQF {r.eqf_level}). {note}".strip(), detail=r)]
