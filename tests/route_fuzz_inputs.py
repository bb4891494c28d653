"""The bad inputs of the route fuzz (`test_route_fuzz`), a fixed list (no tests here): bad
values as bytes (paths, queries, forms) and as JSON, bad bodies and headers, plausible values
of the fields views read, valid requests of the JSON APIs whose leaves are spoiled one by
one, and DPoP proofs (RFC 9449) with one claim spoiled."""
import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_from_bytes

from app_world import PUBLIC_URL, WalletKey, World, valid_assessments

MB = 1024 * 1024
BIG = [("2^53+1", 2**53 + 1), ("2^63", 2**63), ("10^30", 10**30)]
INT32 = ("2^31", 2**31)  # beyond PostgreSQL's INTEGER (only the PostgreSQL run sends it)

# bad values as raw bytes, for paths, query strings and forms (a lone surrogate can only
# come as its UTF-8-like bytes ED A0 80, which are not UTF-8)
BAD_BYTES: list[tuple[str, bytes]] = [
    ("NUL", b"a\x00b"), ("bad UTF-8", b"\xff\xfe\xc3("), ("lone surrogate", b"\xed\xa0\x80"),
    *((label, str(n).encode()) for label, n in BIG), ("empty", b""),
    ("512 KB", b"y" * (512 * 1024)), ("2 MB", b"x" * (2 * MB)),
]
# bad values as JSON values (json.dumps writes a lone surrogate as its \ud800 escape)
BAD_JSON: list[tuple[str, Any]] = [
    ("NUL", "a\x00b"), ("lone surrogate", "\ud800"), *BIG, ("-1", -1), ("1.5", 1.5),
    ("true", True), ("null", None), ("list", ["x"]), ("object", {"x": "y"}), ("empty", ""),
    ("512 KB", "y" * (512 * 1024)), ("2 MB", "x" * (2 * MB)),
]
BAD_BODIES: list[tuple[str, bytes]] = [
    ("bad UTF-8 body", b'{"a": "\xff\xfe"}'), ("truncated JSON", b'{"a": '),
    ("deep JSON", b"[" * 100_000 + b"]" * 100_000), ("duplicate key", b'{"a": 1, "a": 2}'),
    *((f"top-level {label}", json.dumps(value).encode()) for label, value in BAD_JSON[:11]),
]
BAD_INT_SEGMENTS = ["0", "2147483648", "9223372036854775808", "1" + "0" * 30, "9" * 5000,
                    "\u0661"]
BAD_SEGMENTS = [quote_from_bytes(b) for _, b in BAD_BYTES[:7]] + ["x" * 8192, "..%2F..%2Fetc"]
# what only a database server refuses: NUL in text (PostgreSQL), integers beyond its INTEGER
# and BIGINT, text longer than a column holds
DATABASE_BYTES = [("NUL", b"a\x00b"), (INT32[0], str(INT32[1]).encode()),
                  ("2^63", str(2**63).encode()), ("512 KB", b"y" * (512 * 1024))]
DATABASE_JSON = [("NUL", "a\x00b"), INT32, ("2^63", 2**63), ("512 KB", "y" * (512 * 1024))]
BAD_HEADERS: list[tuple[str, dict[str, str]]] = [
    ("bad headers", {"Accept-Language": "de;q=1e400, \u00ff;q=abc, *;q=-1",
                     "Accept": "application/json;q=2, text/html;q=x",
                     "If-None-Match": '"\u00ff", W/', "DPoP": "a.b.c"}),
    ("bad Authorization", {"Authorization": "Bearer " + "\u00e9" * 300}),
    ("NUL in Authorization", {"Authorization": "Bearer a\x00b", "DPoP": "a\x00b.c.d"}),
    ("odd Content-Type", {"Content-Type": "application/json; charset=utf-16"}),
]
BAD_COOKIE = {"Cookie": "s4c_session=.eJx\u00ff; s4c_session=x"}

# plausible values of the fields views read, so that one bad field at a time gets far
GOOD_FIELDS = {"email": "maria@example.org", "name": "Maria Test", "lang": "de", "q": "a",
               "country": "BG", "days": "30", "format": "dc+sd-jwt", "reason": "a reason",
               "action": "revoke", "password": "a wrong password 1", "username": "nobody",
               "score": "80", "max_score": "100", "assessed_on": "2026-01-02",
               "expires_on": "2030-01-01", "page": "1", "response_mode": "direct_post",
               "text": "S4C1:", "grant_type": "authorization_code", "decision": "allow"}

SPOILERS: list[tuple[str, Any]] = [
    ("NUL", "a\x00b"), ("lone surrogate", "\ud800"), *BIG, ("a list", ["x"]),
    ("an object", {}), ("null", None), ("512 KB", "y" * (512 * 1024))]
MAX_SPOILED_PLACES = 40


def _leaves(value: Any, where: str = "") -> Iterator[str]:
    """JSON Pointers of every member and item (the first two of an array), then `where`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{where}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value[:2]):
            yield from _leaves(item, f"{where}/{i}")
    yield where


def _replace(value: Any, steps: list[str], new: Any) -> Any:
    if not steps:
        return new
    head, rest = steps[0], steps[1:]
    if isinstance(value, list):
        i = int(head)
        return [*value[:i], _replace(value[i], rest, new), *value[i + 1:]]
    return {**value, head: _replace(value[head], rest, new)}


def spoiled(document: dict) -> Iterator[tuple[str, Any]]:
    """`document` with one member or item replaced by each spoiler (the first places)."""
    for where in [w for w in _leaves(document) if w][:MAX_SPOILED_PLACES]:
        for label, value in SPOILERS:
            yield f"{where}={label}", _replace(document, where.split("/")[1:], value)


def spoiled_dpops(key: WalletKey, path: str, access_token: str | None
                  ) -> Iterator[tuple[str, str]]:
    """Validly signed DPoP proofs, each with one claim spoiled."""
    for where, bad in spoiled(key.dpop_claims(path, access_token)):
        yield f"DPoP claim {where}", key.jwt("dpop+jwt", bad)


def _role_credential(world: World) -> dict:
    return next(d for k, d in world.credentials.items() if k.startswith("role-"))


# Valid requests of the JSON APIs, keyed "METHOD rule": each leaf is spoiled in turn.
SEEDS: dict[str, Callable[[World], dict]] = {
    "POST /assessments": lambda w: valid_assessments(w.app.extensions["s4c"].issuer,
                                                     "fuzz@example.org"),
    "POST /credentials/status": lambda w: {
        "credentialId": w.values["credential_id"], "reason": "fuzz",
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}]},
    "POST /credentials/verify": lambda w: {"verifiableCredential": _role_credential(w),
                                           "options": {"country": "BG", "lang": "de"}},
    "POST /presentations/verify": lambda w: {
        "verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"],
                                   "type": ["VerifiablePresentation"],
                                   "verifiableCredential": [_role_credential(w)]},
        "options": {"challenge": "c", "domain": "certify.example.eu"}},
    "POST /oid4vci/credential": lambda w: {
        "credential_configuration_id": w.values["configuration_id"],
        "proofs": {"jwt": [w.wallet_key.jwt("openid4vci-proof+jwt", {
            "aud": PUBLIC_URL, "iat": int(time.time()),
            "nonce": w.anonymous.post("/oid4vci/nonce").get_json()["c_nonce"]})]}},
    "POST /registry/admin/accreditations": lambda w: {
        "issuer": w.settings.issuer_did, "name": {"en": "Academy (DEMO)"},
        "achievements": ["SCPM"], "maxEqfLevel": 6, "validFrom": "2025-01-01T00:00:00Z"},
    "POST /registry/admin/recognitions": lambda w: {
        "role": "SCPM", "nqfLevel": "NKR 6", "eqfLevel": 6, "legalBasis": "Act (DEMO)",
        "equivalence": {"en": "Level 6"}},
    "POST /registry/admin/anchors": lambda w: {
        "slug": "fuzz-anchor", "country": "AT", "name": {"en": "Fuzz anchor (DEMO)"},
        "demo": True},
}

# Valid forms whose field holds a JSON document (the employer's page: a pasted credential):
# the document's leaves are spoiled in turn.
FORM_JSON_SEEDS: dict[str, tuple[str, Callable[[World], dict]]] = {
    "POST /verify": ("text", _role_credential),
}

CSV_HEADER = "name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"
CSV_CELLS = [("quote", b'"'), ("new line", b"a\nb"), ("formula", b"=1+1")]


def spoiled_cohorts(world: World) -> Iterator[tuple[str, bytes]]:
    """A valid cohort file with one cell of its row spoiled by each bad value in turn."""
    unit = world.app.extensions["s4c"].issuer.framework().role("SCPD").units[0]
    row = ["Cohort Fuzz", "cohort-fuzz@example.org", "", unit, "80", "100", "2026-01-02",
           "Exam Centre", "Assessor A"]
    names = CSV_HEADER.split(",")
    for i, name in enumerate(names):
        for label, bad in [*BAD_BYTES, *CSV_CELLS]:
            cells = [c.encode() for c in row]
            cells[i] = bad
            yield f"{name}={label}", CSV_HEADER.encode() + b"\n" + b",".join(cells) + b"\n"


# the cohort file: as the API's body, and as the console's upload (with and without a dry run)
CSV_ROUTES = {"POST /cohorts": "body", "POST /issuer/cohort": "upload"}
