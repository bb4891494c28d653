"""Revision i0009: on a database that already holds assessments, decisions and a
credential, the upgrade keeps every row and id, numbers the attempts, lets a same-day retake
in and keeps references whole; the downgrade refuses while it would lose a retake or let a
voided result count again. `check_upgrade_keeps_assessments` also runs on PostgreSQL
(`test_postgres.py`)."""
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from web.wiring.db import downgrade, make_engine, upgrade
from web.wiring.models import SERVICE_METADATA

FW = "https://w3id.org/skills4cities/framework/v1"
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
DAY1, DAY2 = date(2026, 4, 1), date(2026, 4, 20)


def _assessment(ref: str, unit: str, score: float, on: date, **extra) -> dict:
    return {"ref": ref, "candidate_id": 1, "framework_id": FW, "unit_code": unit,
            "score": score, "max_score": 100.0, "assessed_on": on, "exam_body": "E",
            "assessor": "A", "recorded_by": "test", "recorded_at": NOW, **extra}


def _insert(connection, table: str, row: dict) -> None:
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), row)


def _seed_before_i0009(connection) -> None:
    """A candidate with three results (U01 failed, then passed 19 days later; U02 passed),
    two unit decisions and a credential, as revision i0008 stored them."""
    _insert(connection, "issuer_candidates", {
        "id": 1, "ref": "cand-1", "name": "Ana", "email": "ana@example.org", "salt": "s",
        "created_at": NOW})
    for row in (_assessment("a-late", "U01", 80, DAY2), _assessment("a-first", "U01", 40, DAY1),
                _assessment("a-u02", "U02", 90, DAY1)):
        _insert(connection, "issuer_assessments", row)
    ids = dict(connection.execute(text("SELECT ref, id FROM issuer_assessments")).all())
    for decision_id, unit, ref in ((1, "U01", "a-late"), (2, "U02", "a-u02")):
        _insert(connection, "issuer_decisions", {
            "id": decision_id, "candidate_id": 1, "framework_id": FW, "kind": "unit",
            "code": unit, "assessment_id": ids[ref], "decided_on": DAY2, "decided_by": "t",
            "decided_at": NOW})
    _insert(connection, "issuer_credentials", {
        "id": "urn:uuid:c1", "decision_id": 1, "candidate_id": 1, "kind": "unit",
        "code": "U01", "document": '{"id": "urn:uuid:c1"}', "digest": "z",
        "issued_at": NOW, "revocation_list": 0, "revocation_index": 7,
        "suspension_list": 0, "suspension_index": 7, "revoked": False, "suspended": False})


def check_upgrade_keeps_assessments(url: str) -> None:
    upgrade(url, "i0008")
    engine = make_engine(url)  # SQLite: foreign keys on, as every connection of s4c
    try:
        with engine.begin() as connection:
            _seed_before_i0009(connection)
            before = connection.execute(text(
                "SELECT id, ref, score FROM issuer_assessments ORDER BY id")).all()
        upgrade(url)
        with engine.connect() as connection:  # the rebuilt table has every index it had
            assert compare_metadata(MigrationContext.configure(connection),
                                    SERVICE_METADATA) == []
        with engine.begin() as connection:
            after = connection.execute(text(
                "SELECT id, ref, score, attempt, voided_at FROM issuer_assessments "
                "ORDER BY id")).all()
            assert [tuple(r[:3]) for r in after] == [tuple(r) for r in before]
            attempts = {r.ref: r.attempt for r in after}
            assert attempts == {"a-first": 1, "a-late": 2, "a-u02": 1}  # by date, not by id
            assert all(r.voided_at is None for r in after)
            linked = connection.execute(text(
                "SELECT a.ref FROM issuer_decisions d JOIN issuer_assessments a "
                "ON a.id = d.assessment_id JOIN issuer_credentials c ON c.decision_id = d.id"
            )).scalars().all()
            assert linked == ["a-late"]
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # a retake on the same day as attempt 2 is attempt 3
            _insert(connection, "issuer_assessments",
                    _assessment("a-retake", "U01", 85, DAY2, attempt=3))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            _insert(connection, "issuer_assessments",
                    _assessment("a-twice", "U01", 10, DAY2, attempt=3))
        with engine.begin() as connection:  # a voided attempt frees its number
            connection.execute(text("UPDATE issuer_assessments SET voided_at = :now, "
                                    "voided_by = 't', void_reason = 'typo' "
                                    "WHERE ref = 'a-retake'"), {"now": NOW})
            _insert(connection, "issuer_assessments",
                    _assessment("a-fixed", "U01", 58, DAY2, attempt=3))
        with pytest.raises(RuntimeError, match="1 voided assessment.*1 same-day retake"):
            downgrade(url, "i0008")
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM issuer_assessments "
                                    "WHERE ref IN ('a-retake', 'a-fixed')"))
        downgrade(url, "i0008")  # with nothing to lose, the one-result-a-day rule returns
        with pytest.raises(IntegrityError), engine.begin() as connection:
            _insert(connection, "issuer_assessments", _assessment("a-again", "U01", 85, DAY2))
        with engine.begin() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM issuer_decisions d JOIN issuer_assessments a "
                "ON a.id = d.assessment_id")).scalar() == 2
    finally:
        engine.dispose()


def test_the_upgrade_keeps_assessments_decisions_and_credentials_on_sqlite(tmp_path):
    check_upgrade_keeps_assessments(f"sqlite:///{tmp_path / 's4c.db'}")


def test_the_rebuild_refuses_to_start_with_sqlite_foreign_keys_on(tmp_path):
    from alembic import command

    from web.wiring.db import alembic_config

    url = f"sqlite:///{tmp_path / 's4c.db'}"
    upgrade(url, "i0008")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _seed_before_i0009(connection)
        with engine.begin() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            config = alembic_config()
            config.attributes["connection"] = connection
            with pytest.raises(RuntimeError, match="foreign keys off"):
                command.upgrade(config, "i0009")
        with engine.connect() as connection:  # nothing was changed
            columns = [c[1] for c in connection.exec_driver_sql(
                "PRAGMA table_info(issuer_assessments)")]
            assert "attempt" not in columns
    finally:
        engine.dispose()
