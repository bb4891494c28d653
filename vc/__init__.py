"""s4c's standards core: W3C Verifiable Credentials with Data Integrity EdDSA proofs.

Nothing here knows about smart cities. The public API:

- `sign(document, key, suite=..., verification_method=...)` adds a Data Integrity proof;
- `verify(document, resolver=...)` checks the terms (safe mode) and every proof, returning a
  `VerificationResult` (a list of `Check`s, each passed/failed/unknown with a reason);
- `resolve(did)` resolves did:key and did:web (bounded fetches) to a DID document;
- `load_document(url)` returns a pinned JSON-LD context; unknown URLs are an error.

Errors are the typed exceptions of `vc.errors`.
"""
from vc.api import ContextStore, issue, load_document, resolve, sign, verify
from vc.checks import Check, Outcome, VerificationResult
from vc.multikey import Ed25519Multikey

__all__ = ["Check", "ContextStore", "Ed25519Multikey", "Outcome", "VerificationResult",
           "issue", "load_document", "resolve", "sign", "verify"]
