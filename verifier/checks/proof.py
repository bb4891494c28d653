"""Terms, proof and key binding (VC Data Integrity 1.0 §4.3 verify proof; DID Core 1.0 §5.3.1
assertionMethod; VC DM 2.0 §4.7 issuer): the signature is valid, and the key that made it
belongs to the issuer and is listed by the issuer's DID document for issuing credentials."""
from datetime import timedelta

from vc import api
from vc.checks import Check
from vc.contexts import ContextStore
from vc.cryptosuites import ALL_SUITES
from vc.did_resolver import VerificationKey
from vc.errors import DIDResolutionError, FetchError
from vc.findings import finding
from verifier.checks.base import (
    Category,
    CheckContext,
    ReportedCheck,
    failed,
    passed,
    unknown,
)
from verifier.codes import KeyBindingCode


class UnreachableAwareResolver:
    """A resolver whose failures to *fetch* a DID document stay FetchErrors (so the proof
    is `unknown`, not `failed`): `vc.did_web` wraps them in DIDResolutionError."""

    def __init__(self, inner: api.VerificationMethodResolver) -> None:
        self.inner = inner

    def resolve_verification_method(self, vm_url: str,
                                    purpose: str = "assertionMethod") -> VerificationKey:
        try:
            return self.inner.resolve_verification_method(vm_url, purpose)
        except DIDResolutionError as e:
            if isinstance(e.__cause__, FetchError):
                raise e.__cause__ from None
            raise


class ProofCheck:
    """The JSON-LD terms are all defined (safe mode) and every proof verifies."""

    def __init__(self, resolver: api.VerificationMethodResolver, store: ContextStore,
                 skew: timedelta = timedelta(minutes=5)) -> None:
        self._resolver = UnreachableAwareResolver(resolver)
        self._store = store
        self._skew = skew

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        result = api.verify(context.credential, resolver=self._resolver, store=self._store,
                            suites=ALL_SUITES, purpose="assertionMethod", now=context.now,
                            skew=self._skew)
        return [as_reported(c) for c in result.checks]


def as_reported(check: Check) -> ReportedCheck:
    """A `vc` check (terms, proof) as an authenticity check; the proof's `signature` mark is
    kept, so the verdict knows a signature was verified."""
    return ReportedCheck(check, Category.AUTHENTICITY)


class KeyBindingCheck:
    """At least one proof is by a key of the issuer DID, listed under assertionMethod.

    ARCHITECTURE.md "Verification is a list of checks": this is a trust check, not an
    authenticity one. It runs only once every proof has verified (`ProofCheck`), so the
    content is known to be signed as it is; a signer who is not the issuer makes the
    credential "issuer not confirmed", never "forged". Further valid proofs by other keys (a
    proof set or chain, Data Integrity 1.0 §2.1.1 and §2.1.2: an endorser, a witness) take
    nothing away from the issuer's own.
    """

    def __init__(self, resolver: api.VerificationMethodResolver) -> None:
        self._resolver = UnreachableAwareResolver(resolver)

    def run(self, context: CheckContext) -> list[ReportedCheck]:
        issuer = context.facts.issuer_did
        if not issuer:
            return [failed(KEY_BINDING, Category.TRUST, finding(KeyBindingCode.NO_ISSUER))]
        if not context.facts.proofs:
            return [failed(KEY_BINDING, Category.TRUST, finding(KeyBindingCode.NO_PROOF))]
        why: list[str] = []
        unreachable: str | None = None
        # sorted: which key is named first must not depend on the order of the proofs
        vms = sorted({str(p.get("verificationMethod")) for p in context.facts.proofs})
        for vm in vms:
            if vm.split("#", 1)[0] != issuer:
                why.append(f"it was signed with key {vm[:120]}, which is not a key of the "
                           f"issuer {issuer}")
                continue
            try:
                key = self._resolver.resolve_verification_method(vm, "assertionMethod")
            except FetchError as e:
                unreachable = unreachable or str(e)  # the detail: why it could not be
                continue
            except DIDResolutionError as e:
                why.append(f"the issuer does not authorise key {vm} for issuing: {e}")
                continue
            if key.controller != issuer:
                why.append(f"key {vm} is controlled by {key.controller}, not the issuer")
                continue
            return [passed(KEY_BINDING, Category.TRUST,
                           finding(KeyBindingCode.ISSUER_KEY, issuer=issuer))]
        if unreachable is not None:
            return [unknown(KEY_BINDING, Category.TRUST,
                            finding(KeyBindingCode.KEYS_UNREACHABLE, unreachable))]
        return [failed(KEY_BINDING, Category.TRUST,
                       finding(KeyBindingCode.NOT_ISSUER_KEY, why[0], issuer=issuer))]


KEY_BINDING = "key-binding"
