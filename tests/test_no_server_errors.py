"""The bad inputs that were answered with a 500 are each a clear 4xx (RFC 9457
problem details for the APIs, a message on the pages) that stores nothing, and a database
that cannot be reached is a 503 with Retry-After (RFC 9110 §15.6.4), not a 500, on every
route at once, until it is back.

Each refusal happens once, at the right depth: JSON from outside is read by one strict reader
(`vc.json_input.loads_strict`: I-JSON, RFC 7493 §2.1, §2.2), `<int:>` route parameters and
`?page=` are bounded once for the app (`web.plumbing.request_bounds`), the database going away is one
error handler (`web.plumbing.problems`)."""
import itertools
import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from app_world import World, running_world, valid_assessments

from tools import throwaway

PROBLEM = "application/problem+json"
TOO_BIG = ["9223372036854775808", "2147483648", "1" + "0" * 30, "9" * 5000]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    with running_world(tmp_path_factory.mktemp("no500") / "data") as world:
        yield world


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    return body


def _bearer(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.officer_token}"}


def _role(world: World) -> dict:
    return next(d for k, d in world.credentials.items()
                if k.startswith("role-") and not k.startswith(("revoked", "suspended")))


@pytest.mark.parametrize(("where", "value"), [
    ("an integer beyond 2^53", 2**53 + 1), ("an integer of 2^63", 2**63),
    ("a lone surrogate", "\ud800")])
def test_a_pasted_credential_holding_what_json_cannot_carry_is_a_400_page(world, where, value):
    """It was a 500: the page kept the result under the credential's JCS digest, and JCS
    refuses such a value (RFC 8785 §3.2.2). Now the reader refuses it first."""
    credential = _role(world)
    pasted = json.dumps({**credential, "credentialSubject": {
        **credential["credentialSubject"], "note": value}})
    before = world.row_counts()
    response = world.anonymous.post("/verify", data={"text": pasted})
    assert response.status_code == 400, where
    page = response.get_data(as_text=True)
    assert "not valid JSON" in page
    assert ("lone surrogate" if isinstance(value, str) else "send it as a string") in page
    assert world.row_counts() == before  # no kept result


@pytest.mark.parametrize("number", TOO_BIG)
def test_a_status_list_number_no_database_holds_is_a_404_problem(world, number):
    """It was a 500 (SQLite cannot bind 2^63; PostgreSQL's INTEGER stops at 2^31 - 1)."""
    for path in (f"/status/token/{number}", f"/status/revocation/{number}",
                 f"/status/suspension/{number}"):
        _problem(world.anonymous.get(path), 404)
    assert world.anonymous.get("/status/token/1").status_code == 200
    assert world.anonymous.get("/status/revocation/1").status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775808", "0", "-1",
                                  "abc", "\u0661", "1.5"])
def test_a_page_number_that_no_list_has_is_a_400_page_that_says_why(world, page):
    """`?page=99999999999999999999` was a 500 (the offset overflowed the database's integer);
    every list takes its page through one parser."""
    response = world.officer.get("/issuer/credentials", query_string={"page": page})
    assert response.status_code == 400, response.status_code
    assert "The page number must be a whole number from 1 to" in response.get_data(as_text=True)


def test_a_page_number_a_list_has_is_still_shown(world):
    for query in ("", "?page=1", "?page=2", "?page=42949672"):
        assert world.officer.get(f"/issuer/credentials{query}").status_code == 200, query
    assert world.officer.get("/issuer/credentials?page=42949673").status_code == 400


@pytest.mark.parametrize(("field", "value"), [
    ("name", "Ana \ud800"), ("email", "ana\udc00@example.org"), ("score", 2**53 + 1),
    ("max_score", 10**30)])
def test_an_assessment_with_a_lone_surrogate_or_a_huge_integer_is_a_400_problem(world, field,
                                                                               value):
    """A lone surrogate was a 500 (the database driver could not encode it)."""
    service = world.app.extensions["s4c"].issuer
    body = valid_assessments(service, "surrogate@example.org")
    if field in body["candidate"]:
        body["candidate"][field] = value
    else:
        body["assessments"][0][field] = value
    before = world.row_counts()
    response = world.anonymous.post("/assessments", headers=_bearer(world),
                                    data=json.dumps(body), content_type="application/json")
    detail = _problem(response, 400)["detail"]
    assert "lone surrogate" in detail if isinstance(value, str) else "2**53" in detail
    assert world.row_counts() == before
    assert all(c.email != "surrogate@example.org" for c in service.candidates())


def test_a_status_change_with_a_lone_surrogate_is_a_400_problem_and_changes_nothing(world):
    service = world.app.extensions["s4c"].issuer
    credential_id = _role(world)["id"]
    entry = [{"type": "BitstringStatusListEntry", "status": "revoked"}]
    before = world.row_counts()
    for body in ({"credentialId": "urn:uuid:\ud800", "reason": "fraud",
                  "credentialStatus": entry},
                 {"credentialId": credential_id, "reason": "fraud \udfff",
                  "credentialStatus": entry}):
        response = world.anonymous.post("/credentials/status", headers=_bearer(world),
                                        data=json.dumps(body), content_type="application/json")
        assert "lone surrogate" in _problem(response, 400)["detail"]
    assert world.row_counts() == before
    assert not service.credential(credential_id).revoked


def test_every_json_api_reads_through_the_one_strict_reader(world):
    """The registry's API read bodies with Flask's own parser: a deep body was a 500
    (RecursionError), a lone surrogate or a huge integer went on to the service."""
    bearer = {"Authorization": f"Bearer {world.anchor_token}"}
    before = world.row_counts()
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"role": "SCPM\\ud800"}',
                b'{"role": "SCPM", "eqfLevel": 9007199254740993}', b'{"a": 1, "a": 2}'):
        response = world.anonymous.post("/registry/admin/recognitions", headers=bearer,
                                        data=raw, content_type="application/json")
        assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
        assert response.mimetype == PROBLEM
    assert world.row_counts() == before


# -- the database goes away -----------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[throwaway.PostgresCluster]:
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def pg_world(cluster, tmp_path_factory) -> Iterator[World]:
    with running_world(tmp_path_factory.mktemp("no500-pg") / "data", cluster.url) as world:
        yield world


def test_on_postgresql_a_number_beyond_its_integer_is_a_404_or_a_400_not_a_500(pg_world):
    _problem(pg_world.anonymous.get("/status/token/2147483648"), 404)
    _problem(pg_world.anonymous.get("/status/revocation/2147483648"), 404)
    assert pg_world.anonymous.get("/status/token/2147483647").status_code == 404
    assert pg_world.officer.get("/issuer/credentials?page=2147483648").status_code == 400


def test_on_postgresql_a_nul_in_a_path_a_query_or_a_form_is_a_400(pg_world):
    """PostgreSQL text cannot hold NUL: each of these was a 500 (psycopg DataError) where the
    value was looked up. No text of this service holds one, so the request is refused first."""
    world = pg_world
    before = world.row_counts()
    said = "must not contain a NUL character"
    for response in (world.officer.get("/issuer/credentials/urn:uuid:a%00b"),
                     world.officer.get("/issuer/candidates?q=a%00b"),
                     world.holder.get("/holder/credentials/a%00b"),
                     world.officer.post("/issuer/login", data={
                         "csrf_token": world.csrf(world.officer), "username": "olga\x00",
                         "password": "a long officer password"})):
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert said in response.get_data(as_text=True)
    for response in (world.anonymous.get("/registry/status/bg%00navet",
                                         headers={"Accept": "application/json"}),
                     world.anonymous.get("/cohorts/a%00b", headers=_bearer(world))):
        assert said in _problem(response, 400)["detail"]
    assert world.row_counts() == before


def _database_reads(world: World) -> dict[str, Callable[[], Any]]:
    """One request of each audience that needs the database to answer (the API's records a
    new candidate each time: `down-<n>@example.org`)."""
    sent = itertools.count()
    service = world.app.extensions["s4c"].issuer
    return {
        "api": lambda: world.anonymous.post("/assessments", headers=_bearer(world),
                                            json=valid_assessments(
                                                service, f"down-{next(sent)}@example.org")),
        "status list": lambda: world.anonymous.get("/status/token/1"),
        "verify API": lambda: world.anonymous.post("/presentations/challenges"),
        "console": lambda: world.officer.get("/issuer/credentials"),
        "holder": lambda: world.holder.get("/holder/"),
        "registry": lambda: world.anchor.get("/registry/admin/bodies"),
    }


def test_while_the_database_is_down_every_route_answers_503_with_retry_after(
        cluster, pg_world, caplog):
    reads = _database_reads(pg_world)
    assert {name: read().status_code for name, read in reads.items()} == {
        "api": 201, "status list": 200, "verify API": 201, "console": 200, "holder": 200,
        "registry": 200}
    caplog.set_level(logging.INFO)
    cluster.stop()
    try:
        for name, read in reads.items():
            response = read()
            assert response.status_code == 503, (name, response.get_data(as_text=True)[:300])
            assert response.headers["Retry-After"] == "30", name
            if name in ("api", "status list", "verify API"):
                assert "cannot be reached" in _problem(response, 503)["detail"]
            else:
                assert response.mimetype == "text/html", name
                assert "The database cannot be reached right now" in response.get_data(
                    as_text=True)
    finally:
        cluster.start()
    assert not [r for r in caplog.records if r.getMessage().startswith("Exception on")], \
        "a request while the database was down was answered as a 500"
    stored = {c.email for c in pg_world.app.extensions["s4c"].issuer.candidates()}
    assert "down-0@example.org" in stored and "down-1@example.org" not in stored
    # back without restarting the app: the pool reconnects (pool_pre_ping)
    assert {name: read().status_code for name, read in reads.items()} == {
        "api": 201, "status list": 200, "verify API": 201, "console": 200, "holder": 200,
        "registry": 200}
