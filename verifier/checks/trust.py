"""Issuer trust and recognition, from a TrustSource (the registry, or a signed trust list).

The issuer must be accredited by a trust anchor for this achievement and EQF level on the
day the credential became valid (`Accreditation.covers`); the name shown is the registry's
accountable one (`TrustedIssuer.name`, the operator's registration), or the DID when there is
none; never an anchor's wording, which the summary shows beside that accreditation only.
Recognition (how the chosen country recognises the achievement) is informational.
"""
from vc.findings import finding
from vc.language_maps import pick_language
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.checks.base import Category, CheckContext, ReportedCheck, failed, passed, unknown
from verifier.codes import IssuerTrustCode, RecognitionCode


class IssuerTrustCheck:
    def run(self, context: CheckContext) -> list[ReportedCheck]:
        facts = context.facts
        if context.trust_problem is not None:
            return [unknown("issuer-trust", Category.TRUST, context.trust_problem)]
        issuer = context.trusted_issuer
        if issuer is None:
            return [failed("issuer-trust", Category.TRUST,
                           finding(IssuerTrustCode.NOT_REGISTERED, issuer=facts.issuer_did or ""))]
        name = pick_language(issuer.name, context.lang) or issuer.did
        if facts.achievement_id is None or facts.valid_from is None:
            return [failed("issuer-trust", Category.TRUST,
                           finding(IssuerTrustCode.NO_ACHIEVEMENT))]
        level = facts.eqf_level
        # the issuer's own keys that signed it (KeyBindingCheck: one of them did); a further
        # proof by someone else's key (an endorser) neither adds nor takes away accreditation
        signers = [vm for p in facts.proofs
                   if isinstance(vm := p.get("verificationMethod"), str)
                   and vm.split("#", 1)[0] == facts.issuer_did]
        for accreditation in issuer.accreditations:
            if accreditation.covers(facts.achievement_id, level, facts.valid_from) \
                    and accreditation.accepts(signers):
                said = finding(IssuerTrustCode.ACCREDITED, body=name,
                               anchor=accreditation.anchor_name,
                               country=accreditation.country, date=facts.valid_from.date()) \
                    if level is None else \
                    finding(IssuerTrustCode.ACCREDITED_AT_LEVEL, body=name,
                            anchor=accreditation.anchor_name, country=accreditation.country,
                            level=level, date=facts.valid_from.date())
                return [passed("issuer-trust", Category.TRUST, said, detail=accreditation)]
        refused = finding(IssuerTrustCode.NOT_ACCREDITED, body=name,
                          achievement=facts.achievement_id, date=facts.valid_from.date()) \
            if level is None else \
            finding(IssuerTrustCode.NOT_ACCREDITED_AT_LEVEL, body=name,
                    achievement=facts.achievement_id, level=level, date=facts.valid_from.date())
        return [failed("issuer-trust", Category.TRUST, refused)]


class RecognitionCheck:
    """Informational: a country that has not decided is not a failure of the credential."""

    def __init__(self, trust: TrustSource | None) -> None:
        self._trust = trust

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        country, achievement = context.country, context.facts.achievement_id
        if not country:
            return [unknown("recognition", Category.INFO, finding(RecognitionCode.NO_COUNTRY),
                            matters=False)]
        if self._trust is None or achievement is None:
            return [unknown("recognition", Category.INFO,
                            finding(RecognitionCode.NO_REGISTRY), matters=False)]
        try:
            found = [r for r in self._trust.recognitions(achievement, country)
                     if r.valid_from <= context.now
                     and (r.valid_until is None or context.now <= r.valid_until)]
        except TrustSourceUnavailable as e:
            return [unknown("recognition", Category.INFO,
                            finding(RecognitionCode.REGISTRY_UNREACHABLE, str(e)),
                            matters=False)]
        if not found:
            return [unknown("recognition", Category.INFO,
                            finding(RecognitionCode.NONE_RECORDED, country=country),
                            matters=False)]
        r = min(found, key=lambda f: (f.valid_from, f.nqf_level))  # not the list's order
        note = pick_language(r.equivalence, context.lang) or ""
        return [passed("recognition", Category.INFO,
                       finding(RecognitionCode.RECOGNISED, country=country, nqf=r.nqf_level,
                               eqf=r.eqf_level, note=note), detail=r)]
