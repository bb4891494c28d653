"""The Ed25519 cryptosuites: `eddsa-rdfc-2022`, `eddsa-jcs-2022` (VC DI EdDSA 1.0 §3.3, §3.4)
and the legacy `Ed25519Signature2020` (Ed25519Signature2020 draft §4).

A cryptosuite is one small object: how to transform the document, how to build and
canonicalize the proof configuration, and (shared) how to hash, sign and verify. Sign and
verify sit side by side so that they cannot drift apart.
"""
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from vc._internal.context_cache import ContextCache
from vc._internal.jsonld import to_rdf
from vc._internal.rdfc import canonicalize_quads
from vc.errors import ProofError
from vc.jcs import canonicalize_parsed as jcs

# XML Schema 1.1 dateTimeStamp-like check for `created`/`expires` (VC DI 1.0 §2.1)
DATETIME = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$")


@dataclass(frozen=True)
class Cryptosuite:
    """One cryptosuite: `name` is the `cryptosuite` value (or the proof type for 2020)."""

    name: str
    proof_type: str
    canonical: str  # "rdfc" or "jcs"
    proof_carries_context: bool  # whether the emitted proof repeats the document @context
    # contexts that define the proof's terms; a signer adds the first when the document
    # names none of them (as digitalbazaar's suites do, whose verifiers require one)
    contexts: tuple[str, ...] = ()

    def transform(self, document: dict[str, Any], cache: ContextCache) -> bytes:
        """Transformation (§3.3.3 / §3.4.3): the canonical bytes of the unsecured document."""
        if self.canonical == "rdfc":
            return canonicalize_quads(to_rdf(document, cache)).encode("utf-8")
        return jcs(document)

    def proof_configuration(self, options: dict[str, Any], document: dict[str, Any],
                            cache: ContextCache) -> bytes:
        """Proof Configuration (§3.3.5 / §3.4.5): canonical bytes of the proof options."""
        if options.get("type") != self.proof_type:
            raise ProofError(f"proof type must be {self.proof_type!r} for {self.name}")
        if self.proof_type == "DataIntegrityProof" and options.get("cryptosuite") != self.name:
            raise ProofError(f"proof cryptosuite must be {self.name!r}")
        for field in ("created", "expires"):
            if field in options and not (isinstance(options[field], str)
                                         and DATETIME.match(options[field])):
                raise ProofError(f"proof {field} {options.get(field)!r} is not an XML Schema "
                                 "dateTime")
        config = {k: v for k, v in options.items() if k != "proofValue"}
        if "@context" in document:
            config["@context"] = document["@context"]
        if self.canonical == "rdfc":
            # proof options repeat across credentials (same key, purpose, often the same
            # second): their canonical form is memoised by their exact JSON, in the cache
            memo_key = jcs(config)
            hit = cache.proof_configs.get(memo_key)
            if hit is None:
                hit = cache.proof_configs[memo_key] = \
                    canonicalize_quads(to_rdf(config, cache)).encode("utf-8")
            return hit
        return jcs(config)

    def hash_data(self, transformed: bytes, config: bytes) -> bytes:
        """Hashing (§3.3.4 / §3.4.4): SHA-256(proof config) followed by SHA-256(document)."""
        return hashlib.sha256(config).digest() + hashlib.sha256(transformed).digest()


# VC DI EdDSA 1.0 §2.2.1: DataIntegrityProof is defined by the VC DM 2.0 base context, and
# for other documents (e.g. VC DM 1.1) by the Data Integrity context (VC DI 1.0 §2.1).
DATA_INTEGRITY_CONTEXTS = ("https://w3id.org/security/data-integrity/v2",
                           "https://w3id.org/security/data-integrity/v1",
                           "https://www.w3.org/ns/credentials/v2")
# Ed25519Signature2020 §3 (draft): its terms are defined only by the suite's own context.
ED25519_2020_CONTEXTS = ("https://w3id.org/security/suites/ed25519-2020/v1",)

EDDSA_RDFC_2022 = Cryptosuite("eddsa-rdfc-2022", "DataIntegrityProof", "rdfc", False,
                              DATA_INTEGRITY_CONTEXTS)
EDDSA_JCS_2022 = Cryptosuite("eddsa-jcs-2022", "DataIntegrityProof", "jcs", True,
                             DATA_INTEGRITY_CONTEXTS)
ED25519_SIGNATURE_2020 = Cryptosuite("Ed25519Signature2020", "Ed25519Signature2020", "rdfc",
                                     False, ED25519_2020_CONTEXTS)

# every suite vc implements; a verifier passes the ones it accepts to `vc.api.verify`
ALL_SUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020)
SUITES = {s.name: s for s in ALL_SUITES}
SIGNING_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")


def with_suite_context(document: dict[str, Any], suite: Cryptosuite) -> dict[str, Any]:
    """`document` itself when its @context already defines the suite's proof, else a copy
    with the suite's context appended (the last, so it redefines none of the others). A
    document that is already signed cannot take a new context without breaking its proofs:
    ProofError."""
    if not suite.contexts or "@context" not in document:
        return document
    current = document["@context"]
    contexts = current if isinstance(current, list) else [current]
    if any(c in suite.contexts for c in contexts if isinstance(c, str)):
        return document
    if "proof" in document:
        raise ProofError(f"the document's @context lacks {suite.contexts[0]}, which defines "
                         f"{suite.proof_type} proofs, and the document is already signed: "
                         "adding the context now would break its proofs; sign a document "
                         "that names the context")
    return {**document, "@context": [*contexts, suite.contexts[0]]}


def suite_for_proof(proof: dict[str, Any]) -> Cryptosuite:
    """Selects the cryptosuite a proof names, or raises ProofError."""
    if proof.get("type") == "DataIntegrityProof":
        name = proof.get("cryptosuite")
        suite = SUITES.get(name) if isinstance(name, str) else None
        if suite is None or suite.proof_type != "DataIntegrityProof":
            raise ProofError(f"unsupported cryptosuite {name!r} (the known suites are "
                             "eddsa-rdfc-2022, eddsa-jcs-2022 and Ed25519Signature2020)")
        return suite
    if proof.get("type") == "Ed25519Signature2020":
        return ED25519_SIGNATURE_2020
    raise ProofError(f"unsupported proof type {proof.get('type')!r}")
