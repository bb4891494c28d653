"""Database engines and Alembic migrations, run programmatically (no alembic.ini)."""
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from issuer.records import json_text, json_value  # JSON columns, by orjson

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK_KEY = 0x5334_4D49  # "S4MI": the advisory lock every s4c instance migrates under


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine with sane pooling; SQLite gets foreign keys, WAL and a busy timeout. JSON
    columns are written and read by orjson (`json_text`, `json_value`). `pool_size`,
    `max_overflow`: the server database's pool (Settings' S4C_DB_POOL_SIZE and
    S4C_DB_MAX_OVERFLOW for the web app's one engine); SQLite keeps SQLAlchemy's pool."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_recycle=1800, pool_size=pool_size,
                             max_overflow=max_overflow, json_serializer=json_text,
                             json_deserializer=json_value)
    engine = create_engine(url, connect_args={"timeout": 15}, json_serializer=json_text,
                           json_deserializer=json_value)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite leaves foreign keys off by default; WAL lets readers run while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Migrates the database at `url` to `revision`; a no-op when already there.

    Each service keeps its migrations on its own Alembic branch from `0001`, so the
    default target is every head.
    """
    _migrate(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Migrates the database at `url` down to `revision` (tests and repairs), as `upgrade`."""
    _migrate(url, lambda config: command.downgrade(config, revision))


def _migration_engine(url: str) -> Engine:
    """`make_engine`, and on SQLite with transactional DDL: Python's sqlite3 commits by
    itself before a CREATE/DROP, so a revision refused half-way (a downgrade that would lose
    data) would leave the revisions before it applied. SQLAlchemy's recipe ("pysqlite:
    serializable isolation / savepoints / transactional DDL"): the driver begins nothing,
    SQLAlchemy emits BEGIN itself."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _driver_begins_nothing)
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    return engine


def _driver_begins_nothing(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _migrate(url: str, run: Callable[[Config], None]) -> None:
    engine = _migration_engine(url)
    try:
        with _migration_lock(engine), engine.connect() as connection:
            sqlite = engine.dialect.name == "sqlite"
            if sqlite:
                # SQLite rebuilds a table to change its constraints ("ALTER TABLE" §7):
                # foreign keys off first, outside any transaction (the pragma does nothing
                # inside one), every reference checked before the commit
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    if engine.dialect.name == "postgresql":
                        # every instance may start at once: the first migrates, the others
                        # wait here, then find nothing left to do (the lock ends with the
                        # transaction)
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                           {"key": MIGRATION_LOCK_KEY})
                    config = alembic_config()
                    config.attributes["connection"] = connection
                    run(config)
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA foreign_keys=ON")
    finally:
        engine.dispose()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:  # raised inside the transaction: the migration is rolled back
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(f"the migration left {len(broken)} broken reference(s), e.g. "
                           f"{table} row {rowid} to {parent}")


def write_gate(url: str) -> Callable[[], AbstractContextManager]:
    """What the cohort path's write transactions enter first. On SQLite, an exclusive
    lock on a file beside the database: a worker waiting for another's write is woken the
    moment it ends (SQLite's own busy handler sleeps up to 100 ms between tries). On
    PostgreSQL nothing: row locks do it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return nullcontext
    path = f"{parsed.database}.write-lock"
    # one open lock file per thread, kept: flock excludes other open files of it, so the
    # threads of a worker exclude each other too, without an open and a close per write
    files = threading.local()

    @contextmanager
    def gate() -> Iterator[None]:
        lock, pid = getattr(files, "lock", None), os.getpid()
        if lock is None or files.pid != pid:  # a forked child shares its parent's file
            lock = files.lock = open(path, "a")  # noqa: SIM115 (kept open for the thread)
            files.pid = pid
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return gate


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On SQLite, a lock file beside the database serialises migrations of processes
    started together (PostgreSQL uses an advisory lock instead, across machines)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current_revisions(url: str) -> tuple[str, ...]:
    """The Alembic revisions (one per service branch) the database is at."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    finally:
        engine.dispose()
