"""Every route of the app, attacked with bad input: no answer is a server error (5xx).

The routes come from `app.url_map`, so a new route is covered the day it is added. Each route
and method is sent, on a realistic app (`app_world`: demo issuer and registry seeded, an
officer, a holder, a trust anchor and the registry operator signed in, with API tokens, a
wallet holding a DPoP-bound access token), the fixed bad values of `route_fuzz_inputs`:

- in its path parameters, chosen by converter (numbers no database holds for `int`; NUL,
  bad UTF-8, 8 KB, huge integers for strings and paths), a real record's value otherwise;
- in every query and form field the view reads (found by recording the fields it asks for),
  one field at a time, the others holding plausible values;
- as the JSON body: wrong top-level types, bad bytes, and every member the view reads set to
  each bad value; for the JSON APIs also a valid request with each leaf spoiled in turn;
- in headers: Accept-Language, Accept, Content-Type, Cookie, Authorization, and DPoP proofs
  signed by the wallet with one claim spoiled.

Deterministic (fixed lists, no randomness) and bounded in time. A failure names the route,
the method and the input, and all of them are listed at once."""
import io
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from app_world import World, running_world
from flask import Flask, Request
from flask.testing import FlaskClient
from route_fuzz_inputs import (
    BAD_BODIES,
    BAD_BYTES,
    BAD_COOKIE,
    BAD_HEADERS,
    BAD_INT_SEGMENTS,
    BAD_JSON,
    BAD_SEGMENTS,
    CSV_ROUTES,
    DATABASE_BYTES,
    DATABASE_JSON,
    FORM_JSON_SEEDS,
    GOOD_FIELDS,
    SEEDS,
    spoiled,
    spoiled_cohorts,
    spoiled_dpops,
)
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

import vc.json_input
from tools import throwaway

# The attack takes about 40 s on a busy 2-core machine; it is bounded by its timeout
# (pytest-timeout), not by a clock read in the test.
FUZZ_TIMEOUT_S = 600
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Routes that need a service this test does not run: their 503 ("not available, start
# it") is the documented answer. A 500 is still a failure there.
ABSENT_SERVICES = {"aries_pages": "no Aries agent (ACA-Py) runs in this test"}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_read_keys: set[str] = set()


class _RecordingMultiDict(ImmutableMultiDict):
    """request.args and request.form that note every field a view asks for."""

    def __getitem__(self, key):
        _read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        _read_keys.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        _read_keys.add(key)
        return super().getlist(key, type)


class _RecordingDict(dict):
    """A JSON object that notes every member a view asks for."""

    def get(self, key, default=None):
        _read_keys.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        _read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        _read_keys.add(key)
        return super().__contains__(key)


@dataclass(frozen=True)
class Audience:
    """Who sends: a signed-in client, the bearer token it holds."""

    name: str
    client: FlaskClient
    token: str


@dataclass
class Case:
    label: str
    path: str
    query: str = ""
    body: bytes | dict | None = None  # a dict: a multipart form (werkzeug encodes it)
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False  # sent without the signed-in session (its cookie is spoiled)


@dataclass(frozen=True)
class Attack:
    """Which bad values are sent where."""

    bad_bytes: list[tuple[str, bytes]]  # in query and form fields
    bad_json: list[tuple[str, Any]]  # as JSON members
    int_segments: list[str]  # as `<int:>` path parameters
    segments: list[str]  # as other path parameters
    everything: bool  # also bad headers, bad bodies, spoiled DPoP proofs and seeds


EVERYTHING = Attack(BAD_BYTES, BAD_JSON, BAD_INT_SEGMENTS, BAD_SEGMENTS, True)
DATABASE_LIMITS = Attack(DATABASE_BYTES, DATABASE_JSON, ["2147483648", "9223372036854775808"],
                         ["a%00b", "2147483648"], False)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    with running_world(tmp_path_factory.mktemp("fuzz") / "data") as world:
        yield world


def _endpoints(world: World) -> list[tuple[Rule, str]]:
    """Every rule and method; reads first, then writes, deletions, and the sign-outs last
    (so every other route is attacked while signed in)."""
    pairs = [(rule, method) for rule in world.app.url_map.iter_rules()
             for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]

    def order(pair: tuple[Rule, str]) -> tuple[int, str]:
        rule, method = pair
        ends_session = any(word in rule.endpoint for word in ("logout", "sign_out"))
        return (3 if ends_session else 2 if method == "DELETE" else
                1 if method in UNSAFE else 0, rule.rule + method)
    return sorted(pairs, key=order)


def _audiences(world: World, rule: Rule) -> list[Audience]:
    """Who the route is for: the registry's administration is sent by a trust anchor and by
    the operator (each may do what the other may not), the holder's pages by the holder,
    everything else by the officer (signed in, with an API token)."""
    if rule.rule.startswith("/registry/admin"):
        return [Audience("anchor", world.anchor, world.anchor_token),
                Audience("operator", world.operator, world.operator_token)]
    if rule.rule.startswith("/holder"):
        return [Audience("holder", world.holder, world.officer_token)]
    return [Audience("officer", world.officer, world.officer_token)]


def _parameters(rule: Rule) -> dict[str, str]:
    """The rule's path parameters and their converters' names (`default` when unnamed)."""
    return {m["name"]: m["converter"] or "default" for m in PARAMETER.finditer(rule.rule)}


def _path(rule: Rule, world: World, bad: dict[str, str] | None = None) -> str:
    values = {name: re.sub(r"[^\w:/.~-]", lambda m: f"%{ord(m.group()):02X}",
                           world.values.get(name, "x"))
              for name in _parameters(rule)} | (bad or {})
    return PARAMETER.sub(lambda m: values[m["name"]], rule.rule)


def _form(values: dict[str, bytes]) -> str:
    from urllib.parse import quote, quote_from_bytes

    return "&".join(f"{quote(k)}={quote_from_bytes(v)}" for k, v in values.items())


def _wallet_headers(world: World, rule: Rule, method: str) -> dict[str, str]:
    """A wallet's request to the OpenID4VCI endpoints carries a fresh DPoP proof (and, to
    the credential endpoint, its access token), so that the body is what gets attacked."""
    if not rule.rule.startswith("/oid4vci/") or method != "POST":
        return {}
    token = world.values["access_token"] if rule.rule == "/oid4vci/credential" else None
    headers = {"DPoP": world.wallet_key.dpop(rule.rule, token)}
    if token:
        headers["Authorization"] = f"DPoP {token}"
    return headers


def _send(world: World, rule: Rule, method: str, who: Audience, case: Case):
    client = world.anonymous if case.anonymous else who.client
    headers = {"Authorization": f"Bearer {who.token}", **_wallet_headers(world, rule, method),
               **case.headers}
    response = client.open(case.path, method=method, query_string=case.query or None,
                           data=case.body, content_type=case.content_type, headers=headers)
    world.wallet_key.remember(response)  # a server's DPoP nonce, for the next proofs
    return response


def _probe(world: World, rule: Rule, method: str, who: Audience) -> tuple[set[str], set[str]]:
    """The query/form fields and the JSON members the view reads, found by asking it up to
    three times: with nothing, then with plausible values for what it read before."""
    path = _path(rule, world)
    plain_objects = vc.json_input._unique_pairs
    fields: set[str] = set()
    members: set[str] = set()
    for _round in range(3):
        form = {k: GOOD_FIELDS.get(k, "x").encode() for k in fields}
        form["csrf_token"] = world.csrf(who.client).encode()
        _read_keys.clear()
        if method in UNSAFE:
            _send(world, rule, method, who, Case("probe", path, body=_form(form).encode(),
                  content_type="application/x-www-form-urlencoded"))
        else:
            _send(world, rule, method, who, Case("probe", path, query=_form(form)))
        new_fields = _read_keys - fields
        fields |= _read_keys
        new_members: set[str] = set()
        if method in UNSAFE:
            _read_keys.clear()
            # only while probing: the JSON objects are dict subclasses, which the real
            # parser never makes (and which caches keyed by class would remember)
            vc.json_input._unique_pairs = lambda pairs: _RecordingDict(plain_objects(pairs))
            try:
                body = json.dumps({k: GOOD_FIELDS.get(k, "x") for k in members})
                _send(world, rule, method, who, Case("probe", path, body=body.encode(),
                                                     content_type="application/json"))
            finally:
                vc.json_input._unique_pairs = plain_objects
            new_members = _read_keys - members
            members |= _read_keys
        if not new_fields and not new_members:
            break
    return fields - {"csrf_token"}, members - {"csrf_token"}


def _cases(world: World, rule: Rule, method: str, who: Audience,
           attack: Attack = EVERYTHING) -> Iterator[Case]:
    path = _path(rule, world)
    converters = world.app.url_map.converters
    for name, converter in _parameters(rule).items():
        segments = attack.int_segments \
            if issubclass(converters[converter], NumberConverter) else attack.segments
        for segment in segments:
            yield Case(f"path {name}={segment[:20]!r}", _path(rule, world, {name: segment}))
    fields, members = _probe(world, rule, method, who)
    csrf = world.csrf(who.client).encode()
    good = {k: GOOD_FIELDS.get(k, "x").encode() for k in fields}
    for key in sorted(fields) or ["q"]:
        for label, value in attack.bad_bytes:
            if method in UNSAFE:
                yield Case(f"form {key}={label}", path,
                           body=_form({**good, key: value, "csrf_token": csrf}).encode(),
                           content_type="application/x-www-form-urlencoded")
            elif len(value) < 16 * 1024:  # a longer URL never reaches the app
                yield Case(f"query {key}={label}", path, query=_form({**good, key: value}))
    if attack.everything:
        for label, headers in BAD_HEADERS:
            yield Case(label, path, headers=headers)
        yield Case("bad session cookie", path, headers=BAD_COOKIE, anonymous=True)
    if method not in UNSAFE:
        return
    if attack.everything:
        for label, body in BAD_BODIES:
            yield Case(label, path, body=body, content_type="application/json")
    plausible = {k: GOOD_FIELDS.get(k, "x") for k in members}
    for key in sorted(members):
        for label, value in attack.bad_json:
            yield Case(f"JSON {key}={label}", path, body=json.dumps({**plausible, key: value})
                       .encode(), content_type="application/json")
    if not attack.everything:
        return
    if rule.rule.startswith("/oid4vci/"):
        token = world.values["access_token"] if rule.rule == "/oid4vci/credential" else None
        for label, proof in spoiled_dpops(world.wallet_key, rule.rule, token):
            yield Case(label, path, headers={"DPoP": proof})
    yield from _seeded(world, rule, method, path, csrf)


def _seeded(world: World, rule: Rule, method: str, path: str, csrf: bytes) -> Iterator[Case]:
    """Valid requests of the routes that have a seed, spoiled one place at a time."""
    name = f"{method} {rule.rule}"
    if name in SEEDS:
        for where, document in spoiled(SEEDS[name](world)):
            yield Case(f"valid JSON with {where}", path, body=json.dumps(document).encode(),
                       content_type="application/json")
    if name in FORM_JSON_SEEDS:
        key, seed = FORM_JSON_SEEDS[name]
        for where, document in spoiled(seed(world)):
            yield Case(f"form {key}=valid JSON with {where}", path, body=_form({
                key: json.dumps(document).encode(), "csrf_token": csrf}).encode(),
                content_type="application/x-www-form-urlencoded")
    if CSV_ROUTES.get(name) == "body":
        for where, text in spoiled_cohorts(world):
            yield Case(f"cohort file with {where}", path, body=text, content_type="text/csv")
    elif CSV_ROUTES.get(name) == "upload":
        # as a dry run, which reads the file as an upload does but issues nothing (the
        # API's body above is issued for real)
        for where, text in spoiled_cohorts(world):
            yield Case(f"uploaded cohort file with {where} (dry run)", path,
                       body={"cohort": (io.BytesIO(text), "cohort.csv"), "dry_run": "1",
                             "csrf_token": csrf.decode()})


def recording_requests(app: Flask) -> type[Request]:
    """The app's own request class, whose query and form note the fields a view reads."""
    return type("RecordingRequest", (app.request_class,),
                {"parameter_storage_class": _RecordingMultiDict})


def _turned_away(response) -> bool:
    """Refused before the view looked at the input: not signed in, not allowed."""
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/login" in response.headers.get("Location", ""))


def _attack(world: World, attack: Attack) -> tuple[list[str], dict[str, int], float]:
    """Sends every case to every route: the server errors, the requests sent per route (a
    route whose every answer turned the sender away counts no request: its input was never
    read), and the time it took."""
    started = time.monotonic()
    failures: list[str] = []
    sent: dict[str, int] = {}
    for rule, method in _endpoints(world):
        for who in _audiences(world, rule):
            for case in _cases(world, rule, method, who, attack):
                name = f"{method} {rule.rule}"
                try:
                    response = _send(world, rule, method, who, case)
                    status, body = response.status_code, response.get_data()[:300]
                    if not _turned_away(response):
                        sent[name] = sent.get(name, 0) + 1
                except Exception as e:  # noqa: BLE001 (a crash is reported like a 500)
                    status, body = 599, repr(e).encode()[:300]
                absent = ABSENT_SERVICES.get(rule.endpoint.split(".")[0])
                if status >= 500 and not (status == 503 and absent):
                    failures.append(f"{name} as {who.name} [{case.label}] {case.path[:80]!r}"
                                    f"{' ?' + case.query[:40] if case.query else ''}: "
                                    f"{status} {body!r}")
    return failures, sent, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.timeout(FUZZ_TIMEOUT_S)
def test_no_route_answers_a_server_error_to_bad_input(world, monkeypatch):
    monkeypatch.setattr(world.app, "request_class", recording_requests(world.app))
    failures, sent, took = _attack(world, EVERYTHING)
    print(f"route fuzz: {sum(sent.values())} requests to {len(sent)} routes in {took:.1f} s")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
    missed = {f"{m} {r.rule}" for r, m in _endpoints(world)} - set(sent)
    assert not missed, f"never got past sign-in or authorisation: {sorted(missed)}"


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory) -> Iterator[World]:
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url, \
            running_world(tmp_path_factory.mktemp("fuzz-pg") / "data", url) as world:
        yield world


@pytest.mark.timeout(FUZZ_TIMEOUT_S)
def test_on_postgresql_no_route_answers_a_server_error_to_what_its_columns_refuse(
        pg_world, monkeypatch):
    """PostgreSQL refuses what SQLite stores: NUL in text, integers beyond INTEGER, text
    longer than its column. Every route, with those values only."""
    monkeypatch.setattr(pg_world.app, "request_class", recording_requests(pg_world.app))
    failures, sent, took = _attack(pg_world, DATABASE_LIMITS)
    print(f"route fuzz on PostgreSQL: {sum(sent.values())} requests in {took:.1f} s")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
    assert set(sent) == {f"{m} {r.rule}" for r, m in _endpoints(pg_world)}, "a route was missed"
