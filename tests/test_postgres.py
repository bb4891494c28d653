"""The production database: every migration and the issuing, status and registry paths on a
real PostgreSQL server (a throwaway cluster on 127.0.0.1, started for this module)."""
import json
import os
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect

from tools import throwaway
from web.wiring.settings import Settings


@pytest.fixture(scope="module")
def database_url():
    if not throwaway.postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed (make test installs it)")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway.postgres() as url:
        yield url


@pytest.fixture(scope="module")
def settings(database_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("pgdata")
    return Settings.from_environment(data_dir, environ={
        "DATABASE_URL": database_url, "S4C_PUBLIC_URL": "https://certify.example.eu",
        "S4C_KEY_PASSPHRASE": "postgres test passphrase"})


def test_every_migration_runs_and_matches_the_models(settings):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from web.wiring.datadir import prepare_data_dir
    from web.wiring.db import make_engine, upgrade
    from web.wiring.models import SERVICE_METADATA

    prepare_data_dir(settings)
    upgrade(settings.database_url)  # a second time: nothing to do
    engine = make_engine(settings.database_url)
    try:
        assert {"audit_events", "issuer_credentials", "registry_audit"} <= set(
            inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection),
                                    SERVICE_METADATA) == []
    finally:
        engine.dispose()


def _cohort(units: list[str], prefix: str, candidates: int) -> str:
    """A cohort CSV in which every candidate passes every unit of a role."""
    day = (date.today() - timedelta(days=2)).isoformat()
    lines = ["name,email,did,unit,score,max_score,assessed_on,exam_body,assessor"]
    for i in range(candidates):
        lines += [f"{prefix} {i},{prefix}{i}@example.org,,{u},80,100,{day},Exam,A"
                  for u in units]
    return "\n".join(lines) + "\n"


def test_issue_revoke_and_batch_on_postgresql(settings):
    from cohorts import issue_cohort

    from vc.statuslist import Bitstring
    from web.cli.context import issuer_service

    service = issuer_service(settings)
    units = service.framework().role("SCPM").units
    text = _cohort(units, "pg", 3)
    summary = issue_cohort(service, text, "test")
    assert summary.errors == [] and summary.issued == 3 * (len(units) + 1)
    assert issue_cohort(service, text, "test").issued == 0  # idempotent on PostgreSQL too
    credential = service.credentials(limit=1)[0]
    service.revoke(credential.id, "test", "test")
    listed = service.status_list_credential("revocation", credential.revocation_list)
    bits = Bitstring.decode(listed["credentialSubject"]["encodedList"])
    assert bits.get(credential.revocation_index) is True
    stored = service.credential(credential.id)
    assert stored.revoked and json.dumps(stored.document)


def test_a_retake_a_void_and_a_cohort_export_on_postgresql(settings):
    from issuer import cohort_jobs
    from issuer.cohort_export import export_cohort
    from web.cli.context import issuer_service

    service = issuer_service(settings)
    units = service.framework().role("SCPM").units
    job_id = cohort_jobs.create_job(service, _cohort(units, "exp", 2), "pg.csv", "test")
    for number in cohort_jobs.chunk_numbers(service, job_id):
        cohort_jobs.ChunkRunner(service).run(job_id, number)
    export = export_cohort(service, job_id, "test", b"k" * 32, lambda token: f"/v/{token}")
    assert len(export.rows) == 2 * (len(units) + 1) and export.links_created == len(export.rows)
    assert export_cohort(service, job_id, "test", b"k" * 32, str).links_created == 0
    day = date.today() - timedelta(days=2)  # the cohort's day: a retake is attempt 2
    retake = service.record_attempt("exp0@example.org", units[0], 20, 100, day, "E", "A", "t")
    assert retake.attempt == 2 and retake.new
    voided = service.void_assessment(retake.ref, "typed for the wrong person", "test")
    assert voided.credentials == () and voided.withdrawn == ()
    again = service.record_attempt("exp0@example.org", units[0], 25, 100, day, "E", "A", "t")
    assert again.attempt == 2  # the voided attempt's number, free again


def test_registry_seed_on_postgresql(settings):
    from web.wiring.registry_setup import seed_demo_registry

    first = seed_demo_registry(settings)
    again = seed_demo_registry(settings)
    assert first.anchors >= 5 and again.added == 0


def test_the_assessment_attempts_migration_keeps_existing_rows_on_postgresql(database_url):
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from test_assessment_migration import check_upgrade_keeps_assessments

    from web.wiring.db import make_engine

    server = make_engine(database_url)
    try:  # a database of its own in this cluster, to start below revision i0009
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("CREATE DATABASE s4c_i0009"))
    finally:
        server.dispose()
    url = make_url(database_url).set(database="s4c_i0009")
    check_upgrade_keeps_assessments(url.render_as_string(hide_password=False))


def test_the_server_is_really_postgresql(database_url):
    from sqlalchemy import text

    from web.wiring.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            assert "PostgreSQL" in c.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()


def _flip_many(settings_args: tuple, ids: list[str], action: str) -> int:
    """One worker process: its own service, its own connections (failure 1)."""
    from web.cli.context import issuer_service

    data_dir, env = settings_args
    service = issuer_service(Settings.from_environment(data_dir, environ=env))
    for credential_id in ids:
        getattr(service, action)(credential_id, "concurrency test", f"worker-{os.getpid()}")
    return len(ids)


def test_concurrent_status_changes_from_six_processes_lose_nothing(settings):
    """Before the row lock, 6 processes lost 145 of 240 status changes on PostgreSQL."""
    import multiprocessing

    from cohorts import issue_cohort

    from vc.statuslist import Bitstring
    from web.cli.context import issuer_service

    service = issuer_service(settings)
    units = service.framework().role("SCPM").units
    assert issue_cohort(service, _cohort(units, "con", 18), "test").errors == []
    ids = [c.id for c in service.credentials(limit=1000) if not c.revoked
           and not c.suspended][:120]
    assert len(ids) == 120
    env = {"DATABASE_URL": settings.database_url, "S4C_PUBLIC_URL": settings.public_url,
           "S4C_KEY_PASSPHRASE": "postgres test passphrase"}
    jobs = [(ids[i::6], "revoke" if i % 2 == 0 else "suspend") for i in range(6)]
    with multiprocessing.get_context("spawn").Pool(6) as pool:  # fresh connections each
        done = pool.starmap(_flip_many, [((settings.data_dir, env), chunk, action)
                                         for chunk, action in jobs])
    assert sum(done) == 120
    assert service.status_check() == []  # every flag has its bit, every bit its flag
    for chunk, action in jobs:
        purpose = "revocation" if action == "revoke" else "suspension"
        for credential_id in chunk:
            c = service.credential(credential_id)
            number, index = (c.revocation_list, c.revocation_index) if action == "revoke" \
                else (c.suspension_list, c.suspension_index)
            listed = service.status_list_credential(purpose, number)
            assert Bitstring.decode(listed["credentialSubject"]["encodedList"]).get(index)


def test_concurrent_issuing_for_one_candidate_answers_everyone_with_the_same_credentials(
        settings):
    """Two API clients issuing for one candidate at once got a 500."""
    import threading

    from issuer.officers import add_officer
    from web.app import create_app
    from web.wiring.datadir import prepare_data_dir

    prepare_data_dir(settings)
    app = create_app(settings)
    service = app.extensions["s4c"].issuer
    token = add_officer(service.sessions, "race", "a long officer password", "test")
    units = service.framework().role("SCPD").units
    day = (date.today() - timedelta(days=2)).isoformat()
    body = {"candidate": {"name": "Race Test", "email": "race@example.org"},
            "assessments": [{"unit": u, "score": 90, "max_score": 100, "assessed_on": day,
                             "exam_body": "Exam", "assessor": "A"} for u in units]}
    answers: list = []
    start = threading.Barrier(6)

    def client() -> None:
        start.wait()
        response = app.test_client().post("/assessments", json=body,
                                          headers={"Authorization": f"Bearer {token}"})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(answers) == 6
    assert all(status in (200, 201) for status, _ in answers), answers
    ids = {frozenset(d["id"] for d in a["issued"] + a["existing"]) for _, a in answers}
    assert len(ids) == 1 and len(next(iter(ids))) == len(units) + 1


def test_a_nul_character_is_a_clear_400_not_a_500(settings):
    """PostgreSQL text cannot hold NUL: an API field, a console field or a cohort file with
    one is refused with a message, and nothing is stored."""
    from issuer.officers import add_officer
    from issuer.service import IssuerError
    from web.app import create_app
    from web.cli.context import job_queue
    from web.wiring.datadir import prepare_data_dir

    prepare_data_dir(settings)
    app = create_app(settings)
    service = app.extensions["s4c"].issuer
    token = add_officer(service.sessions, "nul", "a long officer password", "test")
    unit = service.framework().role("SCPD").units[0]
    day = (date.today() - timedelta(days=2)).isoformat()
    response = app.test_client().post("/assessments", headers={
        "Authorization": f"Bearer {token}"}, json={
        "candidate": {"name": "Nul\u0000Test", "email": "nul@example.org"},
        "assessments": [{"unit": unit, "score": 90, "max_score": 100, "assessed_on": day,
                         "exam_body": "Exam", "assessor": "A"}]})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["detail"].endswith("must not contain a NUL character")
    text = (f"name,email,did,unit,score,max_score,assessed_on,exam_body,assessor\n"
            f"Ok,ok-nul@example.org,,{unit},80,100,{day},E,A\n"
            f"Bad,bad-nul@example.org,,{unit},80,100,{day},E\u0000,A\n")
    with pytest.raises(IssuerError, match="cohort.file-has-nul") as refused:
        job_queue(settings).submit(service, text, "nul.csv", "test")
    assert refused.value.finding.params == {"line": 3}
    emails = {c.email for c in service.candidates()}
    assert not {"nul@example.org", "ok-nul@example.org"} & emails


def test_the_wallet_clients_migration_retires_unauthenticated_traffic_on_postgresql(
        database_url):
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from test_wallet_clients_migration import check_wallet_clients_migration

    from web.wiring.db import make_engine

    server = make_engine(database_url)
    try:  # a database of its own in this cluster, to start below revision i0010
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("CREATE DATABASE s4c_i0010"))
    finally:
        server.dispose()
    url = make_url(database_url).set(database="s4c_i0010")
    check_wallet_clients_migration(url.render_as_string(hide_password=False))


def test_a_client_attestation_pop_is_spent_once_across_connections_on_postgresql(
        database_url):
    """Two workers (two connections, overlapping transactions) present the same PoP: the
    primary key lets exactly one through (draft-ietf-oauth-attestation-based-client-auth
    §12.1), whichever commits first."""
    import threading
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import sessionmaker

    from issuer.client_attestation import AttestedWallet, ClientAuthError, spend_pop
    from web.wiring.db import make_engine, upgrade

    server = make_engine(database_url)
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("CREATE DATABASE s4c_pops"))
    finally:
        server.dispose()
    url = make_url(database_url).set(database="s4c_pops").render_as_string(
        hide_password=False)
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    wallet = AttestedWallet("https://w.example", "W", "P", "thumb", (), "pop-1",
                            now + timedelta(minutes=5))
    outcomes: list[str] = []
    first_inserted, first_may_commit = threading.Event(), threading.Event()

    def first() -> None:
        with sessionmaker(engine).begin() as s:
            spend_pop(s, wallet, now)
            first_inserted.set()
            first_may_commit.wait(30)
        outcomes.append("spent")

    def second() -> None:
        first_inserted.wait(30)
        try:
            with sessionmaker(engine).begin() as s:
                spend_pop(s, wallet, now)  # waits for the first transaction's row
            outcomes.append("spent")
        except ClientAuthError:
            outcomes.append("refused")

    try:
        workers = [threading.Thread(target=first), threading.Thread(target=second)]
        for worker in workers:
            worker.start()
        first_inserted.wait(30)
        first_may_commit.set()
        for worker in workers:
            worker.join(60)
        assert sorted(outcomes) == ["refused", "spent"]
    finally:
        engine.dispose()
