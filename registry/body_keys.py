"""Where a certification body's keys come from: the body itself.

The registry lists the keys of an accredited did:web body so that verification works
offline from a trust list. Those keys are read only from the body's own DID document
(DID Core 1.0 §5.3.1 assertionMethod), through a resolver the registry is given; an anchor
cannot supply one. An anchor may narrow which of them it accepts (`publicKey` in its signed
accreditation), never add to them. did:key bodies need nothing: the DID is the key.
"""
from collections.abc import Callable

from vc.errors import DIDResolutionError, FetchError
from vc.multikey import public_key_to_multibase

# did -> {verification method URL: publicKeyMultibase}; raises BodyKeysUnavailable
BodyKeySource = Callable[[str], dict[str, str]]


class BodyKeysUnavailable(Exception):
    """The body's DID document could not be read; the message says why."""


def did_document_keys(resolver) -> BodyKeySource:
    """The assertion keys of the body's DID document, from `resolver` (a vc DIDResolver)."""

    def keys(did: str) -> dict[str, str]:
        try:
            document = resolver.resolve(did)
            found = {}
            for reference in document.assertion_method or ():
                vm = reference if isinstance(reference, str) else getattr(reference, "id", None)
                vm = str(vm)
                if vm.startswith("#"):
                    vm = did + vm
                key = resolver.resolve_verification_method(vm, "assertionMethod")
                found[key.id] = public_key_to_multibase(key.public_key)
            return found
        except (DIDResolutionError, FetchError) as e:
            raise BodyKeysUnavailable(f"the DID document of {did} could not be read: {e}") \
                from None

    return keys


def no_body_keys(did: str) -> dict[str, str]:
    """A registry with no way to read DID documents lists no did:web keys."""
    raise BodyKeysUnavailable(f"this registry cannot read the DID document of {did}")
