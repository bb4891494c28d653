"""Trust information a verifier needs about issuers, as values and one small interface.

A trust source answers: who is this issuer (by DID), what may it certify (accreditations
by trust anchors: which achievements, up to which EQF level, over which period), what
keys does it use, and how does a country recognise an achievement. The registry service
implements it from its database; a signed trust-list file implements it offline. Nothing
here is specific to one framework: achievements are identified by URL.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class TrustSourceUnavailable(Exception):
    """The trust source could not be consulted (unreachable, expired or invalid list)."""


@dataclass(frozen=True)
class Accreditation:
    """A trust anchor's statement that an issuer may certify `achievements`."""

    id: str  # the accreditation credential's id
    anchor_did: str  # the trust anchor (e.g. a national qualification body)
    anchor_name: str
    country: str  # ISO 3166-1 alpha-2 of the anchor
    issuer_did: str
    framework: str  # framework id (URL)
    achievements: tuple[str, ...]  # role/unit ids in scope; empty tuple = the whole framework
    max_eqf_level: int
    valid_from: datetime
    valid_until: datetime | None
    revoked: bool = False
    # the body's keys this anchor accepts (verification method URLs); empty: any key the
    # body itself lists. An anchor can narrow a body's keys, never add one.
    accepted_keys: tuple[str, ...] = ()
    # the body's name as this anchor worded it in its accreditation (language code → text):
    # shown beside this accreditation only, as the anchor's; never the body's own name
    body_name: dict[str, str] = field(default_factory=dict)

    def accepts(self, verification_methods: Iterable[str]) -> bool:
        """True when every key that signed the credential is one this anchor accepts."""
        return not self.accepted_keys or all(vm in self.accepted_keys
                                             for vm in verification_methods)

    def covers(self, achievement_id: str, eqf_level: int | None, on: datetime) -> bool:
        """True when this accreditation allows issuing `achievement_id` at `on`."""
        if self.revoked or on < self.valid_from:
            return False
        if self.valid_until is not None and on > self.valid_until:
            return False
        if eqf_level is not None and eqf_level > self.max_eqf_level:
            return False
        return not self.achievements or achievement_id in self.achievements


@dataclass(frozen=True)
class TrustedIssuer:
    did: str
    # language code → name, from one accountable source (the registry operator's
    # registration of the body); empty when none is registered. Never an anchor's wording.
    name: dict[str, str]
    country: str | None  # the body's country, from the same source
    public_keys: dict[str, str]  # verification method id → publicKeyMultibase
    accreditations: tuple[Accreditation, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Recognition:
    """How a country recognises an achievement of a framework (informational)."""

    id: str
    anchor_did: str
    country: str
    framework: str
    achievement: str  # role/unit id
    nqf_level: str  # the national level as the country names it
    eqf_level: int
    equivalence: dict[str, str]  # language code → note
    legal_basis: str
    valid_from: datetime
    valid_until: datetime | None


class TrustSource(Protocol):
    def issuer(self, did: str) -> TrustedIssuer | None:
        """The issuer as the registry knows it, or None when it is not registered."""
        ...

    def recognitions(self, achievement_id: str,
                     country: str | None = None) -> list[Recognition]:
        """Recognition decisions for an achievement, optionally for one country."""
        ...
