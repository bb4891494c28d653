"""Whether what a VC-API client sent agrees with the credential the recorded certification
gives (see `issuer.requested_credentials`).

The credential is built from the records; the request may repeat any part of it, but may not
say anything else: a field that differs, or that the credential does not have, is refused
with its JSON Pointer (RFC 6901) and what the record allows. The two instants a client
cannot know to the second (validFrom is when the credential is signed, validUntil follows
from it) agree within `INSTANT_SKEW`; the credential carries the issuer's own.
"""
import json
from datetime import datetime, timedelta
from typing import Any

from issuer.codes import IssuerCode
from issuer.credentials import rfc3339
from issuer.errors import IssuerError
from vc.findings import Param
from vc.instants import parse_instant

INSTANT_SKEW = timedelta(minutes=5)
# OB 3.0 §B.1: AchievementCredential is the other name of OpenBadgeCredential
TYPE_ALIASES = {"AchievementCredential": "OpenBadgeCredential"}
MAX_SHOWN = 300  # characters of an expected value quoted in a refusal


class RequestRefused(IssuerError):
    """A credential the issuer will not sign: `pointer` (RFC 6901) names the field, the
    finding's code why, its detail the facts of the record (technical, in English)."""

    def __init__(self, pointer: str, code: str, detail: str | None = None,
                 **params: Param) -> None:
        super().__init__(code, detail, pointer=pointer, **params)
        self.pointer = pointer


def difference(given: Any, expected: Any, pointer: str) -> str | None:
    """The JSON Pointer of the first place where `given` differs from `expected`."""
    if isinstance(expected, dict):
        if not isinstance(given, dict):
            return pointer
        for key in sorted(set(given) | set(expected)):
            if key not in given or key not in expected:
                return f"{pointer}/{_escaped(key)}"
            found = difference(given[key], expected[key], f"{pointer}/{_escaped(key)}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(given, list) or len(given) != len(expected):
            return pointer
        for i, (g, e) in enumerate(zip(given, expected, strict=True)):
            found = difference(g, e, f"{pointer}/{i}")
            if found:
                return found
        return None
    return None if given == expected and type(given) is type(expected) else pointer


def _escaped(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")  # RFC 6901 §3


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def check_agreement(requested: dict[str, Any], issued: dict[str, Any], *,
                    candidate_name: str, kind: str, code: str, now: datetime) -> None:
    """Refuses (`RequestRefused`) the first field of `requested` that `issued`, the signed
    credential of the recorded certification, does not say."""
    what = f"the recorded certification ({kind} {code})"
    for key, value in requested.items():
        pointer = f"/{_escaped(key)}"
        if key in ("id", "proof", "credentialStatus"):
            continue  # the id is the one asked for; the others are refused before
        if key == "@context":
            _check_members(value, issued["@context"], pointer,
                           f"s4c signs this credential with the contexts "
                           f"{_shown(issued['@context'])}")
        elif key == "type":
            _check_members([TYPE_ALIASES.get(t, t) for t in value], issued["type"], pointer,
                           f"{what} gives a credential of the types {_shown(issued['type'])}")
        elif key == "issuer":
            _check_issuer(value, issued["issuer"])
        elif key in ("validFrom", "validUntil"):
            _check_instant(key, value, issued, what, now)
        elif key == "credentialSubject":
            _check_subject(value, issued["credentialSubject"], candidate_name, what)
        elif key not in issued:
            raise RequestRefused(pointer, IssuerCode.REQUEST_FIELD_NOT_GIVEN,
                                 f"{what} gives a credential with "
                                 f"{', '.join(_keys(issued))}")
        else:
            where = difference(value, issued[key], pointer)
            if where is not None:
                raise RequestRefused(where, IssuerCode.REQUEST_DIFFERS,
                                     f"{what} gives {key} {_shown(issued[key])}")


def _keys(document: dict[str, Any]) -> list[str]:
    return [k for k in document if k != "proof"]


def _check_members(given: list, allowed: list, pointer: str, says: str) -> None:
    for i, value in enumerate(given):
        if value not in allowed:
            raise RequestRefused(f"{pointer}/{i}", IssuerCode.REQUEST_VALUE_NOT_ALLOWED,
                                 f"{_shown(value)}: {says}")


def _check_issuer(given: Any, issued: dict[str, Any]) -> None:
    if not isinstance(given, dict):
        return  # a URL: checked to be this issuer's DID with the request's shape
    for key, value in given.items():
        pointer = f"/issuer/{_escaped(key)}"
        if key == "name" and value != issued["name"]:
            raise RequestRefused(pointer, IssuerCode.REQUEST_ISSUER_NAME,
                                 f"this deployment's name is {_shown(issued['name'])}")
        if key not in issued:
            raise RequestRefused(pointer, IssuerCode.REQUEST_FIELD_NOT_GIVEN,
                                 f"this issuer's profile has {', '.join(issued)}")
        where = difference(value, issued[key], pointer)
        if where is not None:
            raise RequestRefused(where, IssuerCode.REQUEST_DIFFERS,
                                 f"this issuer's {key} is {_shown(issued[key])}")


def _check_instant(key: str, value: str, issued: dict[str, Any], what: str,
                   now: datetime) -> None:
    moment = parse_instant(value)  # its syntax was checked before
    pointer = f"/{key}"
    if key == "validFrom":
        if moment is None or abs(moment - now) > INSTANT_SKEW:
            raise RequestRefused(pointer, IssuerCode.REQUEST_VALID_FROM,
                                 f"it would be signed at {rfc3339(now)}")
        return
    allowed = issued.get("validUntil")
    if allowed is None:
        raise RequestRefused(pointer, IssuerCode.REQUEST_VALID_UNTIL,
                             f"{what} gives a credential that does not expire")
    limit = parse_instant(allowed)
    if moment is None or limit is None or abs(moment - limit) > INSTANT_SKEW:
        raise RequestRefused(pointer, IssuerCode.REQUEST_VALID_UNTIL,
                             f"{what} allows validUntil {allowed} (role credentials are "
                             f"valid for a fixed period from the day they are issued), "
                             f"not {value}")


SUBJECT_HINTS = {
    "name": "the holder's name comes from the candidate record",
    "identifier": "the holder's identity comes from the candidate record",
    "result": "the result comes from the recorded assessment or decision",
}


def _check_subject(given: dict[str, Any], issued: dict[str, Any], candidate_name: str,
                   what: str) -> None:
    for key, value in given.items():
        pointer = f"/credentialSubject/{_escaped(key)}"
        if key == "achievement":
            continue  # the framework's, checked when it was looked up
        hint = SUBJECT_HINTS.get(key, "")
        if key in ("name", "identifier"):
            hint += f" ({_shown(candidate_name.strip())})"
        if key not in issued:
            raise RequestRefused(pointer, IssuerCode.REQUEST_FIELD_NOT_GIVEN,
                                 f"the credential subject {what} gives has only "
                                 f"{', '.join(issued)}{'; ' + hint if hint else ''}")
        where = difference(value, issued[key], pointer)
        if where is not None:
            says = "" if key == "identifier" else f" {key} {_shown(issued[key])}"
            raise RequestRefused(where, IssuerCode.REQUEST_DIFFERS,
                                 f"{what} gives{says or ' another value'}"
                                 f"{'; ' + hint if hint else ''}")
