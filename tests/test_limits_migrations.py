"""Revisions i0012 and v0004 on databases that already hold data, SQLite and
PostgreSQL: an OpenID4VP request made before v0004 starts with no answer counted and admits
answers; a wallet offer made before i0012 gets its copies counted; both go down again."""
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from issuer.wallet_limits import CopiesExhausted, WalletLimits
from tools import throwaway
from verifier.vp_requests import Admission, PresentationRequests
from web.wiring.db import downgrade, make_engine, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before.db'}"
        return
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries are not installed")
    with throwaway.postgres() as url:
        yield url


def _insert(connection, table: str, row: dict) -> None:
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), row)


def test_the_limits_revisions_keep_what_is_stored_and_go_down_again(database_url):
    # the time of the test itself, not of the module's import: the request must still be
    # open when it is answered, however long the suite ran before this test
    now = datetime.now(UTC).replace(microsecond=0)
    upgrade(database_url, "v0003")
    upgrade(database_url, "i0010")
    engine = make_engine(database_url)
    try:
        with engine.begin() as c:
            _insert(c, "verifier_vp_requests", {
                "id": "R" * 32, "transaction_id": "T" * 32, "created_at": now,
                "expires_at": now + timedelta(minutes=10), "request": "{}", "options": "{}"})
            _insert(c, "issuer_candidates", {"id": 1, "ref": "cand-1", "name": "Ana",
                                             "email": "ana@example.org", "salt": "s",
                                             "created_at": now})
            _insert(c, "issuer_wallet_grants", {
                "id": "g1", "code_hash": "h", "candidate_id": 1, "offered": "{}",
                "created_by": "t", "created_at": now, "expires_at": now, "failed_attempts": 0,
                "flow": "pre-authorized"})
        upgrade(database_url)
        requests = PresentationRequests(engine)
        assert requests.by_request_id("R" * 32).answers == 0
        assert requests.admit("R" * 32, "192.0.2.1") is Admission.ADMITTED
        assert requests.by_request_id("R" * 32).answers == 1
        limits = WalletLimits(engine, copies=2)
        with engine.begin() as c:
            limits.count_copies(c, "g1", "U01-sd_jwt", 2)
        with pytest.raises(CopiesExhausted), engine.begin() as c:
            limits.count_copies(c, "g1", "U01-sd_jwt", 1)
        downgrade(database_url, "v0003")
        downgrade(database_url, "i0010")
        tables = set(inspect(engine).get_table_names())
        assert not {"verifier_vp_answer_sources", "issuer_wallet_copy_counts",
                    "issuer_used_proofs"} & tables
        columns = {c["name"] for c in inspect(engine).get_columns("verifier_vp_requests")}
        assert "answers" not in columns
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM verifier_vp_requests")).scalar() == 1
            assert c.execute(text("SELECT count(*) FROM issuer_wallet_grants")).scalar() == 1
    finally:
        engine.dispose()
