"""The verifier: checks composed into one verification of a credential.

`Verifier.verify_credential` runs every check (see `verifier.checks`) and returns a
`VerificationReport`: the verdict, each check with its outcome and plain-language reason,
and a summary for display. It never raises for a bad credential.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc.api import VerificationMethodResolver
from vc.checks import Outcome
from vc.codes import DocumentCode
from vc.contexts import ContextStore, shared_store
from vc.fetch import Fetcher
from vc.findings import finding
from vc.instants import format_instant
from vc.trust import TrustSource, TrustSourceUnavailable
from verifier.checks.base import (
    Category,
    CheckContext,
    CredentialCheck,
    ReportedCheck,
    failed,
)
from verifier.checks.currency import StatusCheck, ValidityPeriodCheck
from verifier.checks.proof import KeyBindingCheck, ProofCheck
from verifier.checks.role_stack import RoleStackCheck
from verifier.checks.structure import (
    DataModelCheck,
    JsonSchemaCheck,
    ReadableFactsCheck,
    SchemaLoader,
)
from verifier.checks.trust import IssuerTrustCheck, RecognitionCheck
from verifier.codes import IssuerTrustCode
from verifier.facts import purpose_of, read_facts
from verifier.headline import Headline, headline_of
from verifier.status_lists import StatusListReader
from verifier.summary import summarize
from verifier.verdict import Verdict, decide

Clock = Callable[[], datetime]
MAX_RELATED_SUPPLIED = 64


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class VerificationReport:
    verdict: Verdict
    checks: tuple[ReportedCheck, ...]
    summary: dict[str, Any]
    checked_at: datetime | None = None  # the verifier's clock when the checks ran

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def headline(self) -> Headline:
        """The one specific state to show first (`verifier.headline`)."""
        return headline_of(self.verdict, self.checks, self.summary, self.checked_at)

    def to_json(self) -> dict[str, Any]:
        return {"verified": self.verified, "verdict": str(self.verdict),
                "headline": self.headline.to_json(),
                "checkedAt": format_instant(self.checked_at) if self.checked_at else None,
                "checks": [c.to_json() for c in self.checks], "summary": self.summary}


class Verifier:
    """Verifies credentials against a trust source, a DID resolver and status lists.

    `trust` None: issuer trust is `unknown` (so the verdict is at best "could not check").
    `resolver`: anything with `resolve_verification_method(vm, purpose)` (a DIDResolver, or
    `verifier.offline.TrustedKeyResolver` from a trust list). `status_fetcher`: a
    `vc.fetch.Fetcher`; it is wrapped in a CachingFetcher (TTL + ETag) unless it is one.
    """

    def __init__(self, trust: TrustSource | None, resolver: VerificationMethodResolver,
                 status_fetcher: Fetcher, *,
                 clock: Clock = utc_now, skew_seconds: float = 300,
                 store: ContextStore | None = None, status_ttl_seconds: float = 300,
                 schema_loader: SchemaLoader | None = None) -> None:
        self.trust = trust
        self.resolver = resolver
        self.clock = clock
        self.store = store = store or shared_store(CONTEXTS_DIR)
        skew = timedelta(seconds=skew_seconds)
        self.status_reader = StatusListReader(status_fetcher, resolver, store,
                                              ttl_seconds=status_ttl_seconds, skew=skew)
        # authenticity first: the checks after it read facts only once the proof covers them
        self.authenticity_checks: list[CredentialCheck] = [
            DataModelCheck(), JsonSchemaCheck(schema_loader), ProofCheck(resolver, store, skew),
            ReadableFactsCheck()]
        # who signed it: once the content is known to be signed as it is, a signer that is
        # not the issuer is "issuer not confirmed" (trust), never "forged" (ARCHITECTURE.md)
        self.key_binding: CredentialCheck = KeyBindingCheck(resolver)
        self.checks: list[CredentialCheck] = [
            RoleStackCheck(self._unit_authenticity),
            ValidityPeriodCheck(skew),
            StatusCheck(self.status_reader),
        ]
        # the registry is asked about the issuer only when the issuer's own key signed it
        self.issuer_checks: list[CredentialCheck] = [IssuerTrustCheck(), RecognitionCheck(trust)]

    def verify_credential(self, credential: object, *, country: str | None = None,
                          lang: str = "en", related: Iterable[object] = ()) -> VerificationReport:
        """`credential`: any parsed JSON (anything but an object fails as malformed).
        `related`: credentials supplied with it (a role credential's unit credentials)."""
        if not isinstance(credential, dict):
            check = failed("structure", Category.AUTHENTICITY,
                           finding(DocumentCode.NOT_AN_OBJECT))
            return VerificationReport(Verdict.FORGED_OR_MALFORMED, (check,), {}, self.clock())
        context = self._context(credential, country, lang, related)
        checks: list[ReportedCheck] = []
        for policy in self.authenticity_checks:
            checks.extend(policy.run(context))
        if any(c.outcome is Outcome.FAILED for c in checks):
            # forged or malformed: nothing it says was signed, so nothing more is read from
            # it and no summary is shown (ARCHITECTURE.md: a verdict rests on signed data)
            return VerificationReport(Verdict.FORGED_OR_MALFORMED, tuple(checks), {},
                                      context.now)
        binding = self.key_binding.run(context)
        checks.extend(binding)
        issuer_confirmed = all(c.outcome is Outcome.PASSED for c in binding)
        if not issuer_confirmed:
            # its accreditation and registry name belong to a body that did not sign it
            context.trusted_issuer = None
        for policy in self.checks + (self.issuer_checks if issuer_confirmed else []):
            checks.extend(policy.run(context))
        summary = summarize(context, checks, self._status_list_dates(context, checks))
        return VerificationReport(decide(checks), tuple(checks), summary, context.now)

    def _status_list_dates(self, context: CheckContext,
                           checks: Sequence[ReportedCheck]) -> dict[str, datetime]:
        """For each status purpose whose bit is set, when its list was signed."""
        dates = {}
        for check in checks:
            purpose = check.id.removeprefix("status.")
            if check.outcome is not Outcome.FAILED or purpose == check.id:
                continue
            for entry in context.facts.status_entries:
                url = entry.get("statusListCredential")
                if purpose_of(entry) == purpose and isinstance(url, str):
                    signed = self.status_reader.signed_at(url)
                    if signed is not None:
                        dates[purpose] = signed
                    break
        return dates

    def _context(self, credential: dict[str, Any], country: str | None, lang: str,
                 related: Iterable[object]) -> CheckContext:
        facts = read_facts(credential)
        supplied = {}
        for item in list(related)[:MAX_RELATED_SUPPLIED]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                supplied[item["id"]] = item
        context = CheckContext(credential=credential, facts=facts, now=self.clock(),
                               country=country.upper() if country else None, lang=lang,
                               related=supplied)
        if self.trust is None:
            context.trust_problem = finding(IssuerTrustCode.NO_SOURCE)
        elif facts.issuer_did:
            try:
                context.trusted_issuer = self.trust.issuer(facts.issuer_did)
            except TrustSourceUnavailable as e:
                context.trust_problem = finding(IssuerTrustCode.REGISTRY_UNREACHABLE, str(e))
        return context

    def _unit_authenticity(self, unit: dict[str, Any]) -> list[ReportedCheck]:
        context = CheckContext(credential=unit, facts=read_facts(unit), now=self.clock())
        out: list[ReportedCheck] = []
        for policy in [*self.authenticity_checks, self.key_binding]:
            out.extend(policy.run(context))
        return out

    def authenticity(self, credential: object) -> Sequence[ReportedCheck]:
        """The authenticity checks (structure, schema, terms, proof) and key binding."""
        if not isinstance(credential, dict):
            return [failed("structure", Category.AUTHENTICITY,
                           finding(DocumentCode.NOT_AN_OBJECT))]
        return self._unit_authenticity(credential)
