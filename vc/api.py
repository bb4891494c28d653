"""The small public API of `vc` (re-exported by the package).

Nothing here has a global default that could reach the network or accept more than the
caller chose: as in digitalbazaar's `vc` (`verifyCredential` takes its suites, document
loader, purpose and clock from the caller), `verify` takes the DID resolver, the context
store and the accepted cryptosuites from its caller, and `sign`/`issue` the context store.
"""
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Protocol

import pydid

from vc._internal.dataintegrity import DEFAULT_SKEW, add_proof, transform_key, verify_proofs
from vc._internal.rdfc import canonicalize
from vc._internal.terms import check_terms
from vc.checks import Check, Outcome, VerificationResult
from vc.codes import DocumentCode, TermsCode
from vc.contexts import ContextStore
from vc.cryptosuites import SUITES, Cryptosuite, with_suite_context
from vc.datamodel import validate, validate_related_resources
from vc.did_resolver import DIDResolver, VerificationKey
from vc.errors import CanonicalizationError, ContextError, MalformedInputError, ProofError
from vc.findings import finding
from vc.jcs import canonicalize_parsed as jcs_canonicalize
from vc.multikey import Ed25519Multikey


class VerificationMethodResolver(Protocol):
    """What `verify` needs of a DID resolver (a `DIDResolver`, or a trust list's keys)."""

    def resolve_verification_method(self, vm_url: str, purpose: str) -> VerificationKey: ...


def sign(document: dict[str, Any], key: Ed25519Multikey, *, store: ContextStore,
         suite: str = "eddsa-rdfc-2022", verification_method: str,
         proof_purpose: str = "assertionMethod", created: str | None = None) -> dict[str, Any]:
    """Adds a proof (VC Data Integrity 1.0 §4.2). Refuses (ContextError) a document whose
    terms the store's contexts do not define, and (DataModelError) related resources that
    break VC DM 2.0 §5.3. When the document's @context does not define the suite's proof
    type, the suite's context is added to it first (`vc.cryptosuites.with_suite_context`),
    so that other verifiers read the proof as meant."""
    if not isinstance(document, dict):
        raise MalformedInputError("only a JSON object can be signed")
    cs = SUITES.get(suite)
    if cs is None:
        raise ProofError(f"unknown cryptosuite {suite!r}; choose one of {', '.join(SUITES)}")
    document = with_suite_context(document, cs)
    if "relatedResource" in document:
        validate_related_resources(document)
    cache = store.cache()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    transformed = None
    if suite == "eddsa-jcs-2022":
        transformed = jcs_canonicalize(unsecured)
        check_terms(unsecured, cache, canonical_json=transformed.decode("utf-8"))
    elif "proof" in document:
        check_terms(unsecured, cache)
    # otherwise the RDFC transformation below walks the document strictly: the term check
    return add_proof(document, key, suite=suite, verification_method=verification_method,
                     proof_purpose=proof_purpose, created=created, cache=cache,
                     transformed=transformed)


# immutable, so one instance serves every verification (the hot path)
TERMS_DEFINED = finding(TermsCode.DEFINED)


def verify(document: object, *, resolver: VerificationMethodResolver, store: ContextStore,
           suites: Collection[Cryptosuite], purpose: str = "assertionMethod",
           now: datetime | None = None, skew: timedelta = DEFAULT_SKEW) -> VerificationResult:
    """Checks the document's terms and every proof (VC Data Integrity 1.0 §4.4, §4.5); never
    raises for a bad document.

    `resolver` finds each proof's key, `store` holds the accepted contexts, `suites` the
    accepted cryptosuites (a proof of another suite fails); `now` is the verifier's clock
    for the proofs' `created` and `expires` (default: the system clock)."""
    result = VerificationResult()
    if not isinstance(document, dict):
        result.checks.append(Check("structure", Outcome.FAILED,
                                   finding(DocumentCode.NOT_AN_OBJECT)))
        return result
    cache = store.cache()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    transforms: dict[tuple[Any, ...], bytes] = {}
    try:
        if _signed_with_rdfc(document):
            # the RDFC transformation walks the document strictly: it is the term check too
            transforms[transform_key("rdfc", unsecured)] = \
                canonicalize(unsecured, cache).encode("utf-8")
        else:
            text = jcs_canonicalize(unsecured)
            transforms[transform_key("jcs", unsecured)] = text
            check_terms(unsecured, cache, canonical_json=text.decode("utf-8"))
        result.checks.append(Check("terms", Outcome.PASSED, TERMS_DEFINED))
    except (ContextError, MalformedInputError, CanonicalizationError) as e:
        result.checks.append(Check("terms", Outcome.FAILED, e.finding))
    result.checks.extend(verify_proofs(document, resolver.resolve_verification_method,
                                       suites=suites, purpose=purpose, cache=cache,
                                       transforms=transforms, now=now, skew=skew))
    return result


def _signed_with_rdfc(document: dict[str, Any]) -> bool:
    proofs = document.get("proof")
    for p in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(p, dict) and "previousProof" not in p and "@context" not in p and (
                p.get("type") == "Ed25519Signature2020"
                or p.get("cryptosuite") == "eddsa-rdfc-2022"):
            return True
    return False


def resolve(did: str, resolver: DIDResolver) -> pydid.DIDDocument:
    """The DID document of `did` (DID Core 1.0 §7.1), through the caller's resolver."""
    return resolver.resolve(did)


def load_document(url: str, store: ContextStore) -> dict[str, Any]:
    """The context document at `url`, if `store` accepts it (ContextError otherwise)."""
    return store.load(url)


def issue(document: dict[str, Any], key: Ed25519Multikey, *, store: ContextStore,
          suite: str = "eddsa-rdfc-2022", verification_method: str,
          created: str | None = None) -> dict[str, Any]:
    """The issuing path: VC Data Model 2.0 validation, safe-mode term check, then a proof."""
    validate(document)
    return sign(document, key, store=store, suite=suite,
                verification_method=verification_method, created=created)
