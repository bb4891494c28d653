"""Revision i0013 on databases that already hold data, SQLite and PostgreSQL: the
refused rows of a cohort job stored as English sentences ("line N: ...") become findings that
keep their line and their words, sort by line, and are said in the reader's language; the
downgrade writes "line N: ..." back."""
import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from issuer.errors import by_line
from tools import throwaway
from vc.findings import Finding
from web.officer.words import row_error_in
from web.wiring.db import downgrade, make_engine, upgrade

NOW = datetime.now(UTC).replace(microsecond=0)
JOBS = sa.table("issuer_cohort_jobs", *(sa.column(n) for n in (
    "id", "filename", "text", "created_by", "created_at", "rows", "candidates",
    "chunk_count", "notify_holders")), sa.column("parse_errors", sa.JSON()))
CHUNKS = sa.table("issuer_cohort_chunks", *(sa.column(n) for n in (
    "job_id", "number", "first", "count", "done", "issued", "already_issued")),
    sa.column("errors", sa.JSON()))


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


def _stored(engine) -> list:
    with engine.connect() as c:
        parse = c.execute(sa.select(JOBS.c.parse_errors)).scalar_one()
        chunk = c.execute(sa.select(CHUNKS.c.errors)).scalar_one()
    return parse + chunk


def test_stored_row_errors_become_findings_with_their_line_and_go_back(database_url):
    upgrade(database_url, "i0012")
    engine = make_engine(database_url)
    try:
        with engine.begin() as c:
            c.execute(JOBS.insert().values(
                id="job-1", filename="old.csv", text="name\n", created_by="olga",
                created_at=NOW, rows=12, candidates=3, chunk_count=1, notify_holders=False,
                parse_errors=["line 3: score 'x' / max_score '100' must be numbers",
                              "line 11: email is empty"]))
            c.execute(CHUNKS.insert().values(
                job_id="job-1", number=0, first=0, count=3, done=True, issued=2,
                already_issued=0, errors=["line 7: unit 'NOPE' is not in framework fw"]))
        upgrade(database_url)
        found = by_line([Finding.from_json(e) for e in _stored(engine)])
        assert [(f.code, f.params["line"]) for f in found] == [
            ("cohort.as-recorded", 3), ("cohort.as-recorded", 7), ("cohort.as-recorded", 11)]
        assert row_error_in(found[1], "en") == "line 7: unit 'NOPE' is not in framework fw"
        assert row_error_in(found[1], "de") == (
            "Zeile 7: unit 'NOPE' is not in framework fw (vor dieser Version auf Englisch "
            "erfasst)")
        downgrade(database_url, "i0012")
        assert sorted(_stored(engine)) == [
            "line 11: email is empty", "line 3: score 'x' / max_score '100' must be numbers",
            "line 7: unit 'NOPE' is not in framework fw"]
    finally:
        engine.dispose()
