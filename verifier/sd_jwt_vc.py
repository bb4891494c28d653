"""Verifying an SD-JWT VC with the same report and three-way verdict as a W3C credential.

`SdJwtVcVerifier.verify(text, key_binding=…)` takes the credential as issued
(`<JWT>~<Disclosures>~`) or a presentation with a KB-JWT, and returns a
`verifier.service.VerificationReport`:
- authenticity (forged or malformed when failed): `structure`, `proof` (the issuer signature
  and whose key it is: x5c chain to a trust anchor or JWT VC Issuer Metadata), `disclosures`
  (every Disclosure matches a signed digest), `key-binding` (nonce, audience, time, sd_hash,
  by the `cnf` key; required when the caller passes a `KeyBindingRequirement`);
- currency: `validity` (`nbf`/`iat`, `exp`), `status.revocation` and `status.suspension` from
  the Token Status List (INVALID is revoked, SUSPENDED suspended; unreadable: unknown);
- trust: `issuer-trust` from the registry, via `iss` → did:web (see `verifier.sd_jwt_facts`);
  `recognition` (informational).
An issuer key that could not be fetched is `unknown` (could not check), never forged.
"""
from collections.abc import Callable
from datetime import datetime, timedelta

from vc.fetch import Fetcher
from vc.findings import finding
from vc.sd_jwt_errors import (
    DisclosureError,
    IssuerKeyUnavailable,
    KeyBindingError,
    SdJwtError,
    SdJwtSignatureError,
)
from vc.sd_jwt_kb import KeyBindingRequirement
from vc.sd_jwt_vc import VerifiedSdJwtVc, verify_sd_jwt_vc
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy
from vc.token_status_list import TokenStatus
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.checks.base import (
    Category,
    CheckContext,
    CredentialCheck,
    ReportedCheck,
    failed,
    passed,
    unknown,
)
from verifier.checks.currency import ValidityPeriodCheck
from verifier.checks.trust import IssuerTrustCheck, RecognitionCheck
from verifier.codes import (
    IssuerTrustCode,
    KeyBindingCode,
    SdJwtCode,
    StatusCode,
    StructureCode,
)
from verifier.sd_jwt_facts import S4C_CLAIMS, S4cClaims, read_sd_jwt_facts
from verifier.service import VerificationReport, utc_now
from verifier.status_lists import StatusUnavailable
from verifier.summary import summarize
from verifier.token_status_lists import TokenStatusReader
from verifier.verdict import Verdict, decide

Clock = Callable[[], datetime]
A = Category.AUTHENTICITY


class SdJwtVcVerifier:
    """`keys`: what establishes an issuer key (trust anchors for x5c, a fetcher for JWT VC
    Issuer Metadata); `status_fetcher`: a `vc.fetch.Fetcher` for Status List Tokens;
    `trust`: the registry or a trust list (None: issuer trust is unknown)."""

    def __init__(self, trust: TrustSource | None, keys: IssuerKeyPolicy,
                 status_fetcher: Fetcher, *, clock: Clock = utc_now,
                 skew_seconds: float = 300, status_ttl_seconds: float = 300,
                 claims: S4cClaims = S4C_CLAIMS) -> None:
        self.trust = trust
        self.keys = keys
        self.clock = clock
        self.skew_seconds = skew_seconds
        self.claims = claims
        self.status_reader = TokenStatusReader(status_fetcher, keys, status_ttl_seconds,
                                               skew_seconds)
        skew = timedelta(seconds=skew_seconds)
        self.checks: list[CredentialCheck] = [ValidityPeriodCheck(skew), IssuerTrustCheck(),
                                              RecognitionCheck(trust)]

    def verify(self, text: object, *, key_binding: KeyBindingRequirement | None = None,
               country: str | None = None, lang: str = "en") -> VerificationReport:
        now = self.clock()
        if key_binding is not None and key_binding.now is None:
            key_binding = KeyBindingRequirement(key_binding.nonce, key_binding.audience,
                                                now.timestamp(), key_binding.max_age_seconds,
                                                key_binding.skew_seconds)
        try:
            verified = verify_sd_jwt_vc(text, keys=self.keys, key_binding=key_binding)
        except IssuerKeyUnavailable as e:
            check = unknown("proof", A, e.finding, signature=True)
            return VerificationReport(Verdict.COULD_NOT_CHECK, (check,), {})
        except SdJwtError as e:
            check = _authenticity_failure(e)
            return VerificationReport(Verdict.FORGED_OR_MALFORMED, (check,), {})
        checks = self._authenticity(verified, key_binding is not None)
        context = self._context(verified, now, country, lang)
        checks.append(self._status(verified, now))
        for policy in self.checks:
            checks.extend(policy.run(context))
        return VerificationReport(decide(checks), tuple(checks), summarize(context, checks))

    def _authenticity(self, verified: VerifiedSdJwtVc,
                      required: bool) -> list[ReportedCheck]:
        issuer = verified.issuer
        how = finding(SdJwtCode.SIGNED_PER_X509, issuer=issuer.issuer,
                      anchor=issuer.chain.anchor.subject.rfc4514_string()) \
            if issuer.chain is not None else \
            finding(SdJwtCode.SIGNED_PER_METADATA, issuer=issuer.issuer)
        out = [passed("structure", A, finding(StructureCode.SD_JWT_VC, vct=verified.vct)),
               passed("proof", A, how, signature=True),
               passed("disclosures", A,
                      finding(SdJwtCode.DISCLOSURES_MATCH, n=len(verified.disclosed)))]
        binding = verified.key_binding
        if binding is not None and required:
            out.append(passed("key-binding", A, finding(KeyBindingCode.HOLDER_PRESENT)))
        elif binding is not None:
            out.append(passed("key-binding", Category.INFO,
                              finding(KeyBindingCode.HOLDER_SIGNED)))
        else:
            out.append(unknown("key-binding", Category.INFO, finding(KeyBindingCode.ABSENT),
                               matters=False))
        return out

    def _context(self, verified: VerifiedSdJwtVc, now: datetime, country: str | None,
                 lang: str) -> CheckContext:
        facts = read_sd_jwt_facts(verified, self.claims)
        context = CheckContext(credential=verified.claims, facts=facts, now=now,
                               country=country.upper() if country else None, lang=lang)
        if self.trust is None:
            context.trust_problem = finding(IssuerTrustCode.NO_SOURCE)
        elif facts.issuer_did is None:
            context.trust_problem = finding(IssuerTrustCode.NOT_NAMEABLE,
                                            issuer=verified.issuer.issuer[:100])
        else:
            try:
                context.trusted_issuer = self.trust.issuer(facts.issuer_did)
            except TrustSourceUnavailable as e:
                context.trust_problem = finding(IssuerTrustCode.REGISTRY_UNREACHABLE, str(e))
        return context

    def _status(self, verified: VerifiedSdJwtVc, now: datetime) -> ReportedCheck:
        reference = verified.status
        if reference is None:
            return passed("status", Category.CURRENCY, finding(StatusCode.NONE))
        try:
            value = self.status_reader.status(reference, verified.issuer, now.timestamp())
        except StatusUnavailable as e:
            return unknown("status", Category.CURRENCY,
                           finding(StatusCode.TOKEN_UNREACHABLE, str(e)))
        if value == TokenStatus.INVALID:
            return failed("status.revocation", Category.CURRENCY, finding(StatusCode.REVOKED))
        if value == TokenStatus.SUSPENDED:
            return failed("status.suspension", Category.CURRENCY, finding(StatusCode.SUSPENDED))
        if value == TokenStatus.VALID:
            return passed("status", Category.CURRENCY, finding(StatusCode.TOKEN_VALID))
        return unknown("status", Category.CURRENCY, finding(StatusCode.TOKEN_OTHER, value=value))


def _authenticity_failure(error: SdJwtError) -> ReportedCheck:
    if isinstance(error, DisclosureError):
        return failed("disclosures", A, error.finding)
    if isinstance(error, KeyBindingError):
        return failed("key-binding", A, error.finding)
    if isinstance(error, SdJwtSignatureError):
        return failed("proof", A, error.finding, signature=True)
    return failed("structure", A, error.finding)

