"""A cohort job's refused rows become findings: each stored error, until now an
English sentence "line N: ...", becomes `{"code", "params": {"line": N, ...}}`, so the console
says it in the reader's language and sorts it by its line without reading words.

The sentences stored before this revision are kept as they were written, under the code
`cohort.as-recorded` (`params.reason`, English): their line is read once, here, from the
"line N: " the issuer wrote in front of each. The downgrade writes "line N: <code>" back
(the old code sorts by that prefix; the sentence of a finding is not stored, so the words of
an error recorded after this revision are its code).

Revision ID: i0013
Revises: i0012
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "i0013"
down_revision = "i0012"
branch_labels = None
depends_on = None

AS_RECORDED = "cohort.as-recorded"

jobs = sa.table("issuer_cohort_jobs", sa.column("id", sa.Text()),
                sa.column("parse_errors", sa.JSON()))
chunks = sa.table("issuer_cohort_chunks", sa.column("job_id", sa.Text()),
                  sa.column("number", sa.Integer()), sa.column("errors", sa.JSON()))


def _finding(error: Any) -> Any:
    if not isinstance(error, str):
        return error  # a finding already
    head, _colon, reason = error.partition(": ")  # "line N: ", as issuer/batch.py wrote it
    number = head.removeprefix("line ")
    line, reason = (int(number), reason) if head.startswith("line ") and number.isdigit() \
        else (0, error)
    return {"code": AS_RECORDED, "params": {"line": line, "reason": reason}}


def _sentence(error: Any) -> Any:
    if not isinstance(error, dict):
        return error
    params = error.get("params") or {}
    words = params.get("reason") if error.get("code") == AS_RECORDED else error.get("code")
    return f"line {params.get('line', 0)}: {words}"


def _rewrite(convert) -> None:
    bind = op.get_bind()
    for job_id, errors in bind.execute(sa.select(jobs.c.id, jobs.c.parse_errors)).all():
        if errors:
            bind.execute(jobs.update().where(jobs.c.id == job_id).values(
                parse_errors=[convert(e) for e in errors]))
    for job_id, number, errors in bind.execute(
            sa.select(chunks.c.job_id, chunks.c.number, chunks.c.errors)).all():
        if errors:
            bind.execute(chunks.update().where(chunks.c.job_id == job_id,
                                               chunks.c.number == number).values(
                errors=[convert(e) for e in errors]))


def upgrade() -> None:
    _rewrite(_finding)


def downgrade() -> None:
    _rewrite(_sentence)
