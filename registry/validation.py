"""Checks on what callers give the registry; each failure is an InvalidRecord saying why."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from registry.errors import FieldProblem, InvalidRecord
from registry.vocab import COUNTRY, SLUG, check_language_map
from vc.did_resolver import did_method
from vc.errors import VCError
from vc.multikey import public_key_from_multibase

MAX_ACHIEVEMENTS = 200
MAX_KEYS = 20


class Problems:
    """Every problem of one input, collected so the caller hears of all of them at once.

    `check(pointer, rule, value, ...)` runs a rule of this module; its InvalidRecord becomes
    a problem at `pointer` (a JSON Pointer into the request) and the value None. A field
    that already has a problem (it was missing, say) is not checked again.
    """

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []
        self._skipped: set[str] = set()

    def add(self, pointer: str, message: str) -> None:
        self.found.append(FieldProblem(pointer, message))

    def skip(self, pointer: str) -> None:
        """Leaves a field unchecked (its problem was reported under another name)."""
        self._skipped.add(pointer)

    def has(self, pointer: str) -> bool:
        return pointer in self._skipped or any(p.pointer == pointer for p in self.found)

    def check(self, pointer: str, rule: Callable[..., Any], *args: Any) -> Any:
        if self.has(pointer):
            return None
        try:
            return rule(*args)
        except InvalidRecord as e:
            if e.problems:
                self.found.extend(e.problems)
            else:
                self.add(pointer, str(e))
            return None

    def raise_any(self) -> None:
        """Raises one InvalidRecord naming every problem, if there is any."""
        if self.found:
            raise InvalidRecord("; ".join(p.message for p in self.found), tuple(self.found))


def slug(value: object) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise InvalidRecord(f"slug {value!r} must be 1-40 lowercase letters, digits or '-'")
    return value


def country(value: object) -> str:
    if not isinstance(value, str) or not COUNTRY.fullmatch(value.upper()):
        raise InvalidRecord(f"country {value!r} must be an ISO 3166-1 alpha-2 code like 'BG'")
    return value.upper()


def did(value: object, what: str) -> str:
    try:
        if not isinstance(value, str) or len(value) > 512:
            raise VCError("not a string of at most 512 characters")
        did_method(value)
    except VCError as e:
        raise InvalidRecord(f"{what} {str(value)[:80]!r} is not a DID: {e}") from None
    return value


def names(value: object, what: str) -> dict[str, str]:
    try:
        return check_language_map(value, what)
    except ValueError as e:
        raise InvalidRecord(str(e)) from None


def text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidRecord(f"{what} must be a non-empty text of at most {limit} characters")
    return value.strip()


def eqf_level(value: object, what: str) -> int:
    if type(value) is not int or not 1 <= value <= 8:
        raise InvalidRecord(f"{what} must be an EQF level from 1 to 8, not {value!r}")
    return value


def achievements(values: object, framework: str) -> tuple[str, ...]:
    """Role/unit ids of `framework` (URLs below it), sorted and without duplicates."""
    if not isinstance(framework, str) or not framework.startswith(("https://", "http://")):
        raise InvalidRecord(f"framework {framework!r} must be an http(s) URL")
    if not isinstance(values, (list, tuple)) or len(values) > MAX_ACHIEVEMENTS:
        raise InvalidRecord(f"achievements must be a list of at most {MAX_ACHIEVEMENTS} ids")
    prefix = framework.rstrip("/") + "/"
    for value in values:
        if not isinstance(value, str) or not value.startswith(prefix) or len(value) > 500 \
                or any(c.isspace() for c in value):
            raise InvalidRecord(f"achievement {str(value)[:80]!r} is not a role or unit id of "
                                f"{framework}")
    return tuple(sorted(set(values)))


def period(valid_from: datetime, valid_until: datetime | None) -> None:
    if valid_from.tzinfo is None or (valid_until is not None and valid_until.tzinfo is None):
        raise InvalidRecord("validity times must carry a time zone")
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidRecord("validUntil must come after validFrom")


def public_keys(issuer_did: str, keys: object) -> dict[str, str]:
    """`{verification method of issuer_did: Ed25519 publicKeyMultibase}`; none for did:key."""
    if not isinstance(keys, dict) or len(keys) > MAX_KEYS:
        raise InvalidRecord(f"public keys must map at most {MAX_KEYS} key ids to keys")
    if keys and issuer_did.startswith("did:key:"):
        raise InvalidRecord("a did:key issuer's key is its DID: give no public keys")
    for method, multibase in keys.items():
        if not isinstance(method, str) or not method.startswith(issuer_did + "#"):
            raise InvalidRecord(f"key id {str(method)[:80]!r} must be {issuer_did}#<fragment>")
        if not isinstance(multibase, str) or len(multibase) > 128:
            raise InvalidRecord(f"key {method}: publicKeyMultibase must be a short string")
        try:
            public_key_from_multibase(multibase)
        except VCError as e:
            raise InvalidRecord(f"key {method}: {e}") from None
    return dict(keys)
