"""Verifying a presentation (VC DM 2.0 §4.13; VC Data Integrity 1.0 §2.1 proof options
`challenge` and `domain`, §4.3 with proof purpose `authentication`): the holder signed it
for this verifier (domain) and this request (a challenge accepted only once), then every
credential in it is verified, the others serving as a role credential's unit credentials."""
from dataclasses import dataclass
from typing import Any

from vc import api
from vc.api import VerificationMethodResolver
from vc.codes import DocumentCode
from vc.cryptosuites import ALL_SUITES
from vc.datamodel import DataModelError, validate_presentation
from vc.findings import finding
from vc.json_input import as_list
from verifier.challenges import ChallengeResult, ChallengeStore
from verifier.checks.base import Category, ReportedCheck, failed, passed
from verifier.checks.proof import UnreachableAwareResolver, as_reported
from verifier.codes import PresentationCode, StructureCode
from verifier.holder_binding import HolderBinding, SubjectMustPresent
from verifier.service import VerificationReport, Verifier
from verifier.verdict import Verdict, decide, worst

MAX_CREDENTIALS = 32
DEFAULT_HOLDER_BINDING: HolderBinding = SubjectMustPresent()
A = Category.AUTHENTICITY
CHALLENGE_CODES = {
    ChallengeResult.USED: PresentationCode.CHALLENGE_REPLAYED,
    ChallengeResult.EXPIRED: PresentationCode.CHALLENGE_EXPIRED,
    ChallengeResult.UNKNOWN: PresentationCode.CHALLENGE_UNKNOWN,
}


@dataclass(frozen=True)
class PresentationReport:
    verdict: Verdict
    checks: tuple[ReportedCheck, ...]
    credentials: tuple[VerificationReport, ...]

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.verified, "verdict": str(self.verdict),
                "checks": [c.to_json() for c in self.checks],
                "credentials": [r.to_json() for r in self.credentials]}


def _first_proof(presentation: dict[str, Any]) -> dict[str, Any]:
    return next((p for p in as_list(presentation.get("proof")) if isinstance(p, dict)), {})


def _challenge_checks(proof: dict[str, Any], challenge: str | None, domain: str | None,
                      store: ChallengeStore | None, proof_verified: bool) -> list[ReportedCheck]:
    out = []
    given = proof.get("challenge")
    if challenge is None:
        out.append(failed("challenge", A, finding(PresentationCode.NO_CHALLENGE_EXPECTED)))
    elif given != challenge:
        out.append(failed("challenge", A, finding(PresentationCode.OTHER_CHALLENGE)))
    elif not proof_verified:
        # only a presentation whose proof verifies may use up a challenge: junk cannot
        out.append(failed("challenge", A, finding(PresentationCode.CHALLENGE_NOT_USED)))
    elif store is not None and (result := store.consume(challenge)) is not \
            ChallengeResult.ACCEPTED:
        out.append(failed("challenge", A, finding(CHALLENGE_CODES[result])))
    else:
        out.append(passed("challenge", A, finding(PresentationCode.CHALLENGE_ACCEPTED)))
    if domain is not None:
        domains = as_list(proof.get("domain"))
        if domain in domains:
            out.append(passed("domain", A, finding(PresentationCode.DOMAIN_MATCHES,
                                                   domain=domain)))
        else:
            out.append(failed("domain", A, finding(PresentationCode.OTHER_DOMAIN,
                                                   domain=domain)))
    return out


def _holder_checks(presentation: dict[str, Any], proof: dict[str, Any],
                   binding: HolderBinding) -> list[ReportedCheck]:
    vm = proof.get("verificationMethod")
    signer = vm.split("#", 1)[0] if isinstance(vm, str) else None
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder is not None and holder != signer:
        return [failed("holder", A, finding(PresentationCode.NOT_HOLDER, signer=str(signer),
                                            holder=str(holder)[:200]))]
    return [passed("holder", A, finding(PresentationCode.HOLDER_SIGNED, signer=str(signer))),
            *binding.run(signer, as_list(presentation.get("verifiableCredential")))]


def verify_presentation(verifier: Verifier, presentation: object, *, challenge: str | None,
                        domain: str | None = None, challenges: ChallengeStore | None = None,
                        country: str | None = None, lang: str = "en",
                        holder_binding: HolderBinding = DEFAULT_HOLDER_BINDING,
                        resolver: VerificationMethodResolver | None = None
                        ) -> PresentationReport:
    """`challenges` None: the caller keeps `challenge` single-use itself (an OpenID4VP
    request's nonce). `resolver`: for the holder's key, when not the verifier's (a wallet's
    did:jwk, `vc.did_jwk.DidJwkResolver`)."""
    if not isinstance(presentation, dict):
        return PresentationReport(Verdict.FORGED_OR_MALFORMED,
                                  (failed("structure", A, finding(DocumentCode.NOT_AN_OBJECT)),),
                                  ())
    checks: list[ReportedCheck] = []
    try:
        validate_presentation(presentation)
        checks.append(passed("structure", A, finding(StructureCode.PRESENTATION)))
    except DataModelError as e:
        checks.append(failed("structure", A, finding(StructureCode.PRESENTATION_MALFORMED,
                                                     "; ".join(e.problems[:5]))))
    holder_keys = resolver if resolver is not None else verifier.resolver
    result = api.verify(presentation, resolver=UnreachableAwareResolver(holder_keys),
                        store=verifier.store, suites=ALL_SUITES, purpose="authentication",
                        now=verifier.clock())
    checks += [as_reported(c) for c in result.checks]
    proof = _first_proof(presentation)
    checks += _challenge_checks(proof, challenge, domain, challenges, result.verified)
    checks += _holder_checks(presentation, proof, holder_binding)
    own = decide(checks)
    embedded = [c for c in as_list(presentation.get("verifiableCredential"))][:MAX_CREDENTIALS]
    reports = []
    for credential in embedded:
        others = [c for c in embedded if c is not credential and isinstance(c, dict)]
        reports.append(verifier.verify_credential(credential, country=country, lang=lang,
                                                  related=others))
    if own is Verdict.FORGED_OR_MALFORMED or not reports:
        verdict = own
    else:
        verdict = worst([own, *(r.verdict for r in reports)])
    return PresentationReport(verdict, tuple(checks), tuple(reports))
