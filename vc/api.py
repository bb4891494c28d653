"""The small public API of `vc` (re-exported by the package)."""
from datetime import datetime, timedelta

import pydid

from vc._internal.dataintegrity import DEFAULT_SKEW, add_proof, transform_key, verify_proofs
from vc._internal.jsonld import default_cache
from vc._internal.rdfc import canonicalize
from vc._internal.terms import check_terms
from vc.checks import Check, Outcome, VerificationResult
from vc.contexts import ContextStore, default_store
from vc.did_resolver import DIDResolver
from vc.errors import CanonicalizationError, ContextError, MalformedInputError
from vc.jcs import canonicalize_parsed as jcs_canonicalize
from vc.multikey import Ed25519Multikey

_RESOLVER: DIDResolver | None = None


def _default_resolver() -> DIDResolver:
    global _RESOLVER
    if _RESOLVER is None:
        _RESOLVER = DIDResolver()
    return _RESOLVER


def sign(document: dict, key: Ed25519Multikey, *, suite: str = "eddsa-rdfc-2022",
         verification_method: str, proof_purpose: str = "assertionMethod",
         created: str | None = None, store: ContextStore | None = None) -> dict:
    """Adds a proof. Refuses (ContextError) a document whose terms its contexts do not define."""
    if not isinstance(document, dict):
        raise MalformedInputError("only a JSON object can be signed")
    cache = default_cache(store)
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


def verify(document: dict, *, resolver: DIDResolver | None = None,
           store: ContextStore | None = None,
           purpose: str | None = "assertionMethod", now: datetime | None = None,
           skew: timedelta = DEFAULT_SKEW) -> VerificationResult:
    """Checks the document's terms and every proof; never raises for a bad document.

    `now`: the verifier's clock for the proofs' `created` and `expires` (default: system)."""
    result = VerificationResult()
    if not isinstance(document, dict):
        result.checks.append(Check("structure", Outcome.FAILED, "not a JSON object"))
        return result
    cache = default_cache(store)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    transforms: dict = {}
    try:
        if _signed_with_rdfc(document):
            # the RDFC transformation walks the document strictly: it is the term check too
            transforms[transform_key("rdfc", unsecured)] = \
                canonicalize(unsecured, cache).encode("utf-8")
        else:
            text = jcs_canonicalize(unsecured)
            transforms[transform_key("jcs", unsecured)] = text
            check_terms(unsecured, cache, canonical_json=text.decode("utf-8"))
        result.checks.append(Check("terms", Outcome.PASSED,
                                   "every property and type is defined by accepted contexts"))
    except (ContextError, MalformedInputError, CanonicalizationError) as e:
        result.checks.append(Check("terms", Outcome.FAILED, str(e)))
    resolver = resolver or _default_resolver()
    result.checks.extend(verify_proofs(document, resolver.resolve_verification_method,
                                       purpose=purpose, cache=cache, transforms=transforms,
                                       now=now, skew=skew))
    return result


def _signed_with_rdfc(document: dict) -> bool:
    proofs = document.get("proof")
    for p in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(p, dict) and "previousProof" not in p and "@context" not in p and (
                p.get("type") == "Ed25519Signature2020"
                or p.get("cryptosuite") == "eddsa-rdfc-2022"):
            return True
    return False


def resolve(did: str, resolver: DIDResolver | None = None) -> pydid.DIDDocument:
    return (resolver or _default_resolver()).resolve(did)


def load_document(url: str, store: ContextStore | None = None) -> dict:
    return (store or default_store()).load(url)


def issue(document: dict, key: Ed25519Multikey, *, suite: str = "eddsa-rdfc-2022",
          verification_method: str, created: str | None = None,
          store: ContextStore | None = None) -> dict:
    """The issuing path: VC Data Model 2.0 validation, safe-mode term check, then a proof."""
    from vc.datamodel import validate

    validate(document)
    return sign(document, key, suite=suite, verification_method=verification_method,
                created=created, store=store)
