"""Writing many rows at once: the cohort path's bulk inserts.

One Core executemany per table; on PostgreSQL a `COPY ... FROM STDIN` instead (psycopg 3),
which costs the client a fraction of a pipelined executemany's CPU (a cohort writes tens
of thousands of rows: assessments, decisions, credentials and their audit rows).
"""
import json
from datetime import UTC, datetime
from typing import Any, overload

import orjson
from sqlalchemy import JSON, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Inserts `rows` (dicts with the same keys) in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    table: Table = model.__table__
    if connection.dialect.name == "postgresql" and _copyable(table, rows[0]):
        _copy(connection, table, rows)
        return
    connection.execute(table.insert(), rows)  # the ORM bulk path costs ~5x


def _copyable(table: Table, row: dict) -> bool:
    # COPY applies the server's defaults only: a column with a Python-side default must be
    # given (cohort rows give them all; otherwise executemany applies the default)
    names = {c.name for c in table.columns}
    return set(row) <= names and all(c.name in row or c.default is None
                                     for c in table.columns)


def _copy(connection, table: Table, rows: list[dict]) -> None:
    # deferred on purpose: the PostgreSQL driver loads only on PostgreSQL (COPY)
    import psycopg
    from psycopg.types.json import Json

    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    wrap = [name in json_columns for name in names]
    statement = f'COPY {table.name} ({", ".join(names)}) FROM STDIN'
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor, cursor.copy(statement) as copy:
            for row in rows:
                # a JSON column's None is JSON null, as SQLAlchemy's JSON type writes it
                copy.write_row([Json(row[name], dumps=json_text) if is_json else row[name]
                                for name, is_json in zip(names, wrap, strict=True)])
    except psycopg.IntegrityError as e:
        # the driver's own cursor bypasses SQLAlchemy's error translation: callers catch
        # sqlalchemy's IntegrityError (another request won a unique row at the same moment)
        raise IntegrityError(statement, None, e) from e


def json_value(text: str | bytes) -> Any:
    """A JSON column's value, read by orjson (several times the stdlib decoder's speed); text
    it cannot read (an integer beyond 64 bits) by the stdlib."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def json_text(value: object) -> str:
    """A JSON column's text: compact UTF-8 by orjson (a tenth of the stdlib encoder's time;
    every engine uses it, see `web.wiring.db.make_engine`)."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. an integer beyond 64 bits
        return json.dumps(value)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite returns naive UTC datetimes)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
