"""Checks on what callers give the registry; each failure is an InvalidRecord whose finding
(`registry.codes`) says why."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from registry.codes import RegistryCode
from registry.errors import FieldProblem, InvalidRecord
from registry.vocab import COUNTRY, SLUG, check_language_map
from vc.did_resolver import did_method
from vc.errors import VCError
from vc.findings import Finding, Param
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

    def add(self, pointer: str, code: str, detail: str | None = None, **params: Param) -> None:
        self.found.append(FieldProblem(pointer, Finding(code, params, detail)))

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
                self.found.append(FieldProblem(pointer, e.finding))
            return None

    def raise_any(self) -> None:
        """Raises one InvalidRecord naming every problem (its finding: the first), if there
        is any."""
        if self.found:
            raise InvalidRecord(self.found[0].finding, problems=tuple(self.found))


def slug(value: object) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise InvalidRecord(RegistryCode.SLUG_INVALID, value=str(value)[:80])
    return value


def country(value: object) -> str:
    if not isinstance(value, str) or not COUNTRY.fullmatch(value.upper()):
        raise InvalidRecord(RegistryCode.COUNTRY_INVALID, value=str(value)[:80])
    return value.upper()


def did(value: object, what: str) -> str:
    try:
        if not isinstance(value, str) or len(value) > 512:
            raise VCError("not a string of at most 512 characters")
        did_method(value)
    except VCError as e:
        raise InvalidRecord(RegistryCode.NOT_A_DID, str(e), what=what,
                            value=str(value)[:80]) from None
    return value


def names(value: object, what: str) -> dict[str, str]:
    try:
        return check_language_map(value, what)
    except ValueError as e:
        raise InvalidRecord(RegistryCode.NAMES_INVALID, str(e), what=what) from None


def text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidRecord(RegistryCode.TEXT_INVALID, what=what, n=limit)
    return value.strip()


def eqf_level(value: object, what: str) -> int:
    if type(value) is not int or not 1 <= value <= 8:
        raise InvalidRecord(RegistryCode.LEVEL_OUT_OF_RANGE, what=what, value=str(value)[:80])
    return value


def achievements(values: object, framework: str) -> tuple[str, ...]:
    """Role/unit ids of `framework` (URLs below it), sorted and without duplicates."""
    if not isinstance(framework, str) or not framework.startswith(("https://", "http://")):
        raise InvalidRecord(RegistryCode.FRAMEWORK_NOT_A_URL, framework=str(framework)[:200])
    if not isinstance(values, (list, tuple)) or len(values) > MAX_ACHIEVEMENTS:
        raise InvalidRecord(RegistryCode.TOO_MANY_ACHIEVEMENTS, n=MAX_ACHIEVEMENTS)
    prefix = framework.rstrip("/") + "/"
    for value in values:
        if not isinstance(value, str) or not value.startswith(prefix) or len(value) > 500 \
                or any(c.isspace() for c in value):
            raise InvalidRecord(RegistryCode.ACHIEVEMENT_NOT_IN_FRAMEWORK, id=str(value)[:80],
                                framework=framework)
    return tuple(sorted(set(values)))


def period(valid_from: datetime, valid_until: datetime | None) -> None:
    if valid_from.tzinfo is None or (valid_until is not None and valid_until.tzinfo is None):
        raise InvalidRecord(RegistryCode.TIME_WITHOUT_ZONE)
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidRecord(RegistryCode.PERIOD_ENDS_BEFORE_START)


def public_keys(issuer_did: str, keys: object) -> dict[str, str]:
    """`{verification method of issuer_did: Ed25519 publicKeyMultibase}`; none for did:key."""
    if not isinstance(keys, dict) or len(keys) > MAX_KEYS:
        raise InvalidRecord(RegistryCode.KEYS_TOO_MANY, n=MAX_KEYS)
    if keys and issuer_did.startswith("did:key:"):
        raise InvalidRecord(RegistryCode.KEYS_FOR_DID_KEY)
    for method, multibase in keys.items():
        if not isinstance(method, str) or not method.startswith(issuer_did + "#"):
            raise InvalidRecord(RegistryCode.KEY_ID_NOT_OF_DID, id=str(method)[:80],
                                did=issuer_did)
        if not isinstance(multibase, str) or len(multibase) > 128:
            raise InvalidRecord(RegistryCode.KEY_NOT_SHORT, id=method)
        try:
            public_key_from_multibase(multibase)
        except VCError as e:
            raise InvalidRecord(RegistryCode.KEY_INVALID, str(e), id=method) from None
    return dict(keys)
