"""did:jwk (did:jwk method specification §2: the DID is `did:jwk:` + base64url of the UTF-8 JSON
of a public JWK; §2.3 read: the document has one verification method `<did>#0`).

Why here: an OpenID4VCI wallet binds its credentials to a did:jwk (s4c's issuer writes one
into `credentialSubject.id`), so the holder signs its presentations with that key. Only Ed25519
(OKP) keys are returned, as the Data Integrity suites we verify use no other.

Verification relationships (§2.3): a key with `use: "sig"` serves assertionMethod,
authentication, capabilityInvocation and capabilityDelegation; `use: "enc"` only keyAgreement;
no `use`: all of them.
"""
import base64
import binascii
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vc.api import VerificationMethodResolver
from vc.did_resolver import VerificationKey
from vc.errors import DIDResolutionError

PREFIX = "did:jwk:"
MAX_DID_CHARS = 1024  # an Ed25519 JWK is about 80 characters of JSON
SIGNING = frozenset({"assertionMethod", "authentication", "capabilityInvocation",
                     "capabilityDelegation"})


def _jwk_of(did: str) -> dict[str, object]:
    encoded = did[len(PREFIX):]
    if not encoded or len(did) > MAX_DID_CHARS or any(c in encoded for c in "=+/"):
        raise DIDResolutionError("a did:jwk must be base64url without padding, at most "
                                 f"{MAX_DID_CHARS} characters")
    try:
        value = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise DIDResolutionError("the did:jwk is not base64url of a JSON object") from None
    if not isinstance(value, dict):
        raise DIDResolutionError("the did:jwk is not base64url of a JSON object")
    if "d" in value:
        raise DIDResolutionError("the did:jwk holds a private key ('d')")
    return value


def did_jwk_key(vm_url: str, purpose: str) -> VerificationKey:
    """The Ed25519 key of `did:jwk:…#0`, when the JWK allows it for `purpose`."""
    did, _, fragment = vm_url.partition("#")
    if not did.startswith(PREFIX) or fragment != "0":
        raise DIDResolutionError(f"{vm_url[:120]!r} is not the verification method of a "
                                 "did:jwk (<did>#0)")
    jwk = _jwk_of(did)
    use = jwk.get("use")
    allowed = SIGNING if use == "sig" else ({"keyAgreement"} if use == "enc"
                                            else SIGNING | {"keyAgreement"})
    if use not in (None, "sig", "enc") or purpose not in allowed:
        raise DIDResolutionError(f"the did:jwk key (use {use!r}) is not for {purpose}")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise DIDResolutionError("only Ed25519 (OKP) did:jwk keys sign Data Integrity proofs here")
    try:
        raw = base64.urlsafe_b64decode(str(jwk["x"]) + "=" * (-len(str(jwk["x"])) % 4))
        key = Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise DIDResolutionError("the did:jwk's x is not an Ed25519 public key") from None
    return VerificationKey(f"{did}#0", did, key)


class DidJwkResolver:
    """did:jwk keys offline; every other DID through `inner`."""

    def __init__(self, inner: VerificationMethodResolver) -> None:
        self.inner = inner

    def resolve_verification_method(self, vm_url: str,
                                    purpose: str = "assertionMethod") -> VerificationKey:
        if isinstance(vm_url, str) and vm_url.startswith(PREFIX):
            return did_jwk_key(vm_url, purpose)
        return self.inner.resolve_verification_method(vm_url, purpose)
