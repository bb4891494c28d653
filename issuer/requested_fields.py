"""Whether what a VC-API client sent agrees with the credential the recorded certification
gives (issue 21, item 2; see `issuer.requested_credentials`).

The credential is built from the records; the request may repeat any part of it, but may not
say anything else: a field that differs, or that the credential does not have, is refused
with its JSON Pointer (RFC 6901) and what the record allows. The two instants a client
cannot know to the second (validFrom is when the credential is signed, validUntil follows
from it) agree within `INSTANT_SKEW`; the credential carries the issuer's own.
"""
import json
from datetime import datetime, timedelta
from typing import Any

from issuer.credentials import rfc3339
from issuer.errors import IssuerError
from vc.instants import parse_instant

INSTANT_SKEW = timedelta(minutes=5)
# OB 3.0 §B.1: AchievementCredential is the other name of OpenBadgeCredential
TYPE_ALIASES = {"AchievementCredential": "OpenBadgeCredential"}
MAX_SHOWN = 300  # characters of an expected value quoted in a refusal


class RequestRefused(IssuerError):
    """A credential the issuer will not sign; `pointer` (RFC 6901) names the field."""

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(f"{pointer}: {detail}")
        self.pointer = pointer
        self.detail = detail


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
            raise RequestRefused(pointer, f"is not part of the credential {what} gives (it "
                                          f"has {', '.join(_keys(issued))}): leave it out")
        else:
            where = difference(value, issued[key], pointer)
            if where is not None:
                raise RequestRefused(where, f"differs from what {what} gives: "
                                            f"{key} is {_shown(issued[key])}; leave it out")


def _keys(document: dict[str, Any]) -> list[str]:
    return [k for k in document if k != "proof"]


def _check_members(given: list, allowed: list, pointer: str, says: str) -> None:
    for i, value in enumerate(given):
        if value not in allowed:
            raise RequestRefused(f"{pointer}/{i}", f"{_shown(value)} is not one of them: "
                                                   f"{says}")


def _check_issuer(given: Any, issued: dict[str, Any]) -> None:
    if not isinstance(given, dict):
        return  # a URL: checked to be this issuer's DID with the request's shape
    for key, value in given.items():
        pointer = f"/issuer/{_escaped(key)}"
        if key == "name" and value != issued["name"]:
            raise RequestRefused(pointer, f"the issuer's name is this deployment's, "
                                          f"{_shown(issued['name'])}, never the request's: "
                                          f"leave it out")
        if key not in issued:
            raise RequestRefused(pointer, f"is not part of this issuer's profile (it has "
                                          f"{', '.join(issued)}): leave it out")
        where = difference(value, issued[key], pointer)
        if where is not None:
            raise RequestRefused(where, f"this issuer's {key} is {_shown(issued[key])}: "
                                        f"leave it out")


def _check_instant(key: str, value: str, issued: dict[str, Any], what: str,
                   now: datetime) -> None:
    moment = parse_instant(value)  # its syntax was checked before
    pointer = f"/{key}"
    if key == "validFrom":
        if moment is None or abs(moment - now) > INSTANT_SKEW:
            raise RequestRefused(pointer, f"the credential is valid from when it is signed, "
                                          f"{rfc3339(now)}: leave validFrom out")
        return
    allowed = issued.get("validUntil")
    if allowed is None:
        raise RequestRefused(pointer, f"{what} gives a credential that does not expire: "
                                      f"leave validUntil out")
    limit = parse_instant(allowed)
    if moment is None or limit is None or abs(moment - limit) > INSTANT_SKEW:
        raise RequestRefused(pointer, f"{what} allows validUntil {allowed} (role credentials "
                                      f"are valid for a fixed period from the day they are "
                                      f"issued), not {value}: leave validUntil out")


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
            raise RequestRefused(pointer, f"is not allowed: the credential subject {what} "
                                          f"gives has only {', '.join(issued)}"
                                          f"{'; ' + hint if hint else ''}; leave it out")
        where = difference(value, issued[key], pointer)
        if where is not None:
            says = "" if key == "identifier" else f": {key} is {_shown(issued[key])}"
            raise RequestRefused(where, f"differs from what {what} gives{says}"
                                        f"{'; ' + hint if hint else ''}; leave it out")
