"""W3C Verifiable Credentials with Data Integrity EdDSA proofs: vc knows the standards and
nothing about any application, and could be published alone.

The public surface (everything else lives in `vc._internal` and may change without notice):

- `vc.api`: `sign`, `issue` (VC Data Model 2.0 validation, then `sign`) and `verify`
  (safe-mode term check and every proof, returning a `VerificationResult`: a list of
  `Check`s, each passed/failed/unknown with a finding), `resolve`, `load_document`. Nothing
  is defaulted that could reach the network or accept more than the caller chose: `verify`
  takes the DID resolver, the context store and the accepted cryptosuites; `sign` and
  `issue` take the context store.
- `vc.contexts`: `ContextStore` (the only document loader: pinned local contexts, never
  the network), `PinnedContexts`, `standard_contexts()` (the W3C and 1EdTech contexts
  shipped in `vc/pinned_contexts/`), `shared_store(*directories)`.
- `vc.cryptosuites`: `eddsa-rdfc-2022`, `eddsa-jcs-2022`, `Ed25519Signature2020`
  (`ALL_SUITES`, `SIGNING_SUITES`).
- `vc.checks` (results), `vc.errors` (typed exceptions), `vc.datamodel` (VC Data Model
  2.0 checks, and 1.1's for credentials issued before 2.0), `vc.instants`, `vc.language_maps`, `vc.resource_integrity`.
- Keys and DIDs: `vc.multikey`, `vc.multibase`, `vc.key_store`, `vc.did_key`,
  `vc.did_web`, `vc.did_resolver` (`DIDResolver`), `vc.fetch` (bounded HTTP, static and
  caching fetchers).
- `vc.statuslist` (Bitstring Status List v1.0), `vc.trust` (trust sources), `vc.qr`
  (the QR payload codec), `vc.jcs` (RFC 8785 JSON canonicalization), `vc.json_input`
  (strict, bounded JSON from outside).
- `vc.elm`: the European Learning Model (ELM 3.2) of European Digital Credentials: the pinned
  `edc-ap` context, the EU's authority-table concepts and the SHACL format check
  (`vc.elm.shacl.validate`) against the EU's shapes, copied into the package.
"""
from vc.api import issue, load_document, resolve, sign, verify
from vc.checks import Check, Outcome, VerificationResult
from vc.contexts import ContextStore, PinnedContexts, shared_store, standard_contexts
from vc.cryptosuites import ALL_SUITES
from vc.multikey import Ed25519Multikey

__all__ = ["ALL_SUITES", "Check", "ContextStore", "Ed25519Multikey", "Outcome",
           "PinnedContexts", "VerificationResult", "issue", "load_document", "resolve",
           "shared_store", "sign", "standard_contexts", "verify"]
