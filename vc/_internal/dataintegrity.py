"""Adding and verifying Data Integrity proofs (VC Data Integrity 1.0 §4), proof sets and chains.

`add_proof` implements §4.2 Add Proof (and §4.3 Add Proof Set/Chain when the document is
already signed); `verify_proofs` implements §4.4 Verify Proof for every proof in a set,
following `previousProof` references as §4.5 Verify Proof Sets and Chains describes.
"""
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature

from vc._internal.context_cache import ContextCache
from vc.checks import Check, Outcome
from vc.codes import ProofCode
from vc.cryptosuites import SUITES, Cryptosuite, suite_for_proof
from vc.did_resolver import VerificationKey
from vc.errors import (
    DIDResolutionError,
    FetchError,
    MalformedInputError,
    ProofError,
    VCError,
)
from vc.findings import Finding, finding
from vc.instants import parse_instant
from vc.multibase import decode_base58btc, encode_base58btc
from vc.multikey import Ed25519Multikey

# resolves a verification method URL for a proof purpose to an Ed25519 public key holder
KeyResolver = Callable[[str, str], VerificationKey]
DEFAULT_SKEW = timedelta(minutes=5)


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _proofs_of(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return proof if isinstance(proof, list) else [proof]


def add_proof(document: dict[str, Any], key: Ed25519Multikey, *, suite: str = "eddsa-rdfc-2022",
              verification_method: str, proof_purpose: str = "assertionMethod",
              created: str | None = None, extra: dict[str, Any] | None = None,
              cache: ContextCache, transformed: bytes | None = None) -> dict[str, Any]:
    """Returns a copy of `document` with one more proof (VC DI 1.0 §4.2, §4.3).

    `transformed` may carry the suite's transformation of the unsecured document when the
    caller has already computed it (it must not have a previousProof).
    """
    if not isinstance(document, dict):
        raise MalformedInputError("only a JSON object can be signed")
    cs = SUITES.get(suite)
    if cs is None:
        raise ProofError(f"unknown cryptosuite {suite!r}; choose one of {', '.join(SUITES)}")
    existing = _proofs_of(document)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {"type": cs.proof_type}
    if cs.proof_type == "DataIntegrityProof":
        options["cryptosuite"] = cs.name
    options["created"] = created or now_rfc3339()
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    options.update(extra or {})
    previous = options.get("previousProof")
    if previous is not None:
        unsecured["proof"] = _matching_proofs(existing, previous)
    if cs.proof_carries_context and "@context" in document:
        options["@context"] = document["@context"]
    if transformed is None or previous is not None:
        transformed = cs.transform(unsecured, cache)
    config = cs.proof_configuration(options, unsecured, cache)
    signature = key.sign(cs.hash_data(transformed, config))
    proof = {k: v for k, v in options.items()}
    proof["proofValue"] = encode_base58btc(signature)
    signed = dict(document)
    signed["proof"] = existing + [proof] if existing else proof
    return signed


def _matching_proofs(all_proofs: list[Any], previous: object) -> Any:
    ids = previous if isinstance(previous, list) else [previous]
    found = []
    for pid in ids:
        match = [p for p in all_proofs if isinstance(p, dict) and p.get("id") == pid]
        if not match:
            raise ProofError(f"previousProof {pid!r} does not name a proof of this document")
        found.extend(match)
    return found[0] if len(found) == 1 else found


def _check_proof_times(proof: dict[str, Any], now: datetime, skew: timedelta) -> None:
    """VC DI 1.0 §2.1: `created` is when the proof was made, so not in the future (beyond
    the clock skew); `expires` is an instant compared with the verifier's clock."""
    if "created" in proof:
        created = parse_instant(proof["created"])
        if created is None:
            raise ProofError("the proof's created is not a date-time with a time zone")
        if created > now + skew:
            raise ProofError(f"the proof claims to be created in the future "
                             f"({proof['created']}); check the signer's clock")
    if "expires" in proof:
        expires = parse_instant(proof["expires"])
        if expires is None:
            raise ProofError("the proof's expires is not a date-time with a time zone")
        if now - skew > expires:
            raise ProofError(f"the proof expired at {proof['expires']}")


def _verify_one(document: dict[str, Any], proofs: list[Any], proof: object,
                resolve_key: KeyResolver,
                suites: Collection[Cryptosuite], purpose: str | None,
                cache: ContextCache, transforms: dict[tuple[Any, ...], bytes], now: datetime,
                skew: timedelta) -> tuple[Outcome, Finding]:
    if not isinstance(proof, dict):
        return Outcome.FAILED, finding(ProofCode.NOT_AN_OBJECT)
    try:
        suite: Cryptosuite = suite_for_proof(proof)
        if suite not in suites:
            raise ProofError(f"{suite.name} proofs are not accepted here (accepted: "
                             f"{', '.join(s.name for s in suites) or 'none'})")
        vm = proof.get("verificationMethod")
        if not isinstance(vm, str) or not vm:
            raise ProofError("the proof has no verificationMethod")
        proof_purpose = proof.get("proofPurpose")
        if not isinstance(proof_purpose, str):
            raise ProofError("the proof has no proofPurpose")
        if purpose is not None and proof_purpose != purpose:
            raise ProofError(f"proofPurpose is {proof_purpose!r}, expected {purpose!r}")
        value: Any = proof.get("proofValue")
        try:
            signature = decode_base58btc(value)
        except MalformedInputError:
            raise ProofError("proofValue is not a base58btc multibase value") from None
        if len(signature) != 64:
            raise ProofError("proofValue is not a 64-byte Ed25519 signature")
        _check_proof_times(proof, now, skew)
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        if "previousProof" in options or "@context" in options:
            unsecured = {k: v for k, v in document.items() if k != "proof"}
        else:  # the common case: only the document's @context is needed below
            unsecured = {"@context": document["@context"]} if "@context" in document else {}
        if "previousProof" in options:
            unsecured["proof"] = _matching_proofs(proofs, options["previousProof"])
        if "@context" in options:
            # §3.3.2 / §3.4.2: the document's @context must start with the proof's @context
            doc_ctx = document.get("@context")
            doc_ctx = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
            proof_ctx = options["@context"]
            proof_ctx = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
            if doc_ctx[:len(proof_ctx)] != proof_ctx:
                raise ProofError("the proof's @context does not match the document's")
            unsecured["@context"] = options["@context"]
        tkey = transform_key(suite.canonical, unsecured)
        transformed = transforms.get(tkey)
        if transformed is None:
            full = {k: v for k, v in document.items() if k != "proof"}
            full.update(unsecured)  # previousProof / the proof's @context, when present
            transformed = transforms[tkey] = suite.transform(full, cache)
        config = suite.proof_configuration(options, unsecured, cache)
        try:
            key = resolve_key(vm, proof_purpose)
        except FetchError as e:
            return Outcome.UNKNOWN, finding(ProofCode.KEY_UNREACHABLE, str(e), key=vm)
        except DIDResolutionError as e:
            return Outcome.FAILED, finding(ProofCode.KEY_UNUSABLE, str(e), key=vm)
        try:
            key.public_key.verify(signature, suite.hash_data(transformed, config))
        except InvalidSignature:
            return Outcome.FAILED, finding(ProofCode.SIGNATURE_MISMATCH, suite=suite.name,
                                           key=vm)
        return Outcome.PASSED, finding(ProofCode.VALID, suite=suite.name, key=vm)
    except VCError as e:  # ProofError, ContextError, MalformedInputError, ...: its own code
        return Outcome.FAILED, e.finding


def transform_key(canonical: str, unsecured: dict[str, Any]) -> tuple[Any, ...]:
    """Proofs over the same unsecured document share one transformation."""
    ctx = unsecured.get("@context")
    if isinstance(ctx, list) and all(isinstance(c, str) for c in ctx):
        ctx_key: object = tuple(ctx)
    else:
        ctx_key = repr(ctx)
    proof = unsecured.get("proof")
    return canonical, None if proof is None else repr(proof), ctx_key


def verify_proofs(document: dict[str, Any], resolve_key: KeyResolver, *,
                  suites: Collection[Cryptosuite], purpose: str | None = None,
                  cache: ContextCache,
                  transforms: dict[tuple[Any, ...], bytes] | None = None,
                  now: datetime | None = None,
                  skew: timedelta = DEFAULT_SKEW) -> list[Check]:
    """One check per proof; a document with no proof gets one failed check.

    `suites`: the accepted cryptosuites; `transforms` may hold transformations already
    computed (see `transform_key`); `now` is the verifier's clock (default: the system
    clock).
    """
    now = now or datetime.now(UTC)
    proofs = _proofs_of(document)
    if not proofs:
        return [Check("proof", Outcome.FAILED, finding(ProofCode.MISSING), signature=True)]
    transforms = {} if transforms is None else transforms
    checks = []
    for i, proof in enumerate(proofs):
        outcome, found = _verify_one(document, proofs, proof, resolve_key, suites, purpose,
                                      cache, transforms, now, skew)
        checks.append(Check("proof" if len(proofs) == 1 else f"proof[{i}]", outcome, found,
                            signature=True))
    return checks
