"""A signing authority of the registry (the operator or a trust anchor): a DID and its key.

Authority is proven by possession: whoever can sign for the DID acts as it. The registry
never stores private keys itself; the caller (the web app, the CLI) brings the key.
"""
from dataclasses import dataclass, field

from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey


@dataclass(frozen=True)
class Authority:
    did: str
    verification_method: str
    key: Ed25519Multikey = field(repr=False)

    @classmethod
    def from_key(cls, key: Ed25519Multikey) -> "Authority":
        """The did:key authority of an Ed25519 key (did:key v0.7 §3.1)."""
        did = did_key_from_public_key(key.public_key)
        return cls(did, f"{did}#{key.public_key_multibase}", key)


@dataclass(frozen=True)
class AuthorityInfo:
    """Public facts about a registered authority (what an API token authenticates)."""

    slug: str
    kind: str  # "operator" | "anchor"
    did: str
