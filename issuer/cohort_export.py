"""What a finished cohort job issued, as a spreadsheet to hand out: one row per
candidate of the file and credential, with the holder's share link.

The credentials listed are the candidate's in the units of their rows of the file and in
the roles that include those units; `issued_in_this_run` tells those the job issued from
those it found issued before (a job issues nothing twice). A candidate of the file with no
such credential gets one row without one, so nobody is missed.

Each active credential gets a share link: the newest active link the server can show again
is reused, else a new one is made, valid for one year (`issuer.shares.holder_links`); a
revoked, suspended or expired credential gets none. Making links changes state, so an
export is one transaction with an audit row (`cohort.exported`).

The CSV is for spreadsheets: UTF-8 with a byte-order mark, `;`-separated (what Excel
expects where the decimal separator is a comma, and what the cohort upload reads), fields
quoted when they hold `;`, quotes or line breaks, and a cell that a spreadsheet would take
for a formula (starting with = + - @, a tab or a carriage return) prefixed with `'` (OWASP,
"CSV Injection").
"""
import csv
import io
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.audit import record_audit_event
from issuer.batch import BatchSummary, cohort_groups, parse_cohort
from issuer.codes import IssuerCode
from issuer.errors import IssuerError, NotFound
from issuer.lifecycle import credential_state
from issuer.models import Candidate, CohortJob, IssuedCredential
from issuer.records import as_utc
from issuer.service import IssuerService
from issuer.shares import HolderLink, holder_links
from schemas.framework import Framework

COLUMNS = ("name", "email", "kind", "code", "title", "credential_id", "state", "issued_on",
           "valid_until", "issued_in_this_run", "share_link", "share_link_expires")
DELIMITER = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IN_LIST = 500  # rows per IN (...) list


@dataclass(frozen=True)
class ExportRow:
    name: str
    email: str
    kind: str = ""  # "unit" | "role"; empty: no credential in this file's units
    code: str = ""
    title: str = ""
    credential_id: str = ""
    state: str = "no credential"
    issued_on: date | None = None
    valid_until: date | None = None
    issued_in_this_run: bool = False
    share_link: str = ""
    share_link_expires: date | None = None

    def cells(self) -> list[str]:
        def day(value: date | None) -> str:
            return value.isoformat() if value else ""
        return [self.name, self.email, self.kind, self.code, self.title, self.credential_id,
                self.state, day(self.issued_on), day(self.valid_until),
                ("yes" if self.issued_in_this_run else "no") if self.credential_id else "",
                self.share_link, day(self.share_link_expires)]


@dataclass
class CohortExport:
    job_id: str
    filename: str
    rows: list[ExportRow] = field(default_factory=list)
    links_reused: int = 0
    links_created: int = 0

    @property
    def download_name(self) -> str:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", self.filename.rsplit(".", 1)[0]).strip("-.")
        return f"s4c-issued-{stem or self.job_id}.csv"

    def csv_text(self) -> str:
        """The rows as spreadsheet-safe CSV text, starting with a byte-order mark."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in self.rows:
            writer.writerow([spreadsheet_safe(cell) for cell in row.cells()])
        return "\ufeff" + out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def export_cohort(service: IssuerService, job_id: str, actor: str, key: bytes,
                  link: Callable[[str], str]) -> CohortExport:
    """The rows of a finished job, share links made where missing (`key` derives their
    tokens, `link` makes a token the public URL). Raises NotFound, or IssuerError while the
    job is still running."""
    now = service.clock()
    fw = service.framework()
    with service.sessions.begin() as s:
        job = finished_job(s, job_id)
        listed = job_credentials(s, job, fw)
        active = [c.id for _p, c in listed if c is not None
                  and credential_state(c, now) == "active"]
        links = holder_links(s, active, actor, key, now)
        export = CohortExport(job.id, job.filename)
        # issue times are stored to the second (`IssuerService.clock`)
        window = (as_utc(job.created_at).replace(microsecond=0), as_utc(job.finished_at))
        for person, credential in listed:
            export.rows.append(_row(person, credential, links, link, fw, now, window))
        export.links_created = sum(1 for shown in links.values() if shown.new)
        export.links_reused = len(links) - export.links_created
        record_audit_event(s, actor, "cohort.exported", job.id, {
            "rows": len(export.rows), "share_links_created": export.links_created,
            "share_links_reused": export.links_reused})
    return export


def finished_job(s: Session, job_id: str) -> CohortJob:
    """The job, if it is finished; NotFound, or IssuerError while it is still running."""
    job = s.get(CohortJob, job_id)
    if job is None:
        raise NotFound(IssuerCode.NO_COHORT_JOB, job=job_id)
    if job.finished_at is None:
        raise IssuerError(IssuerCode.COHORT_JOB_STILL_RUNNING)
    return job


def job_credentials(s: Session, job: CohortJob, fw: Framework
                    ) -> list[tuple[Candidate, IssuedCredential | None]]:
    """Each candidate of the job's file (in file order) with each of their credentials in
    the units of their rows and the roles that include them; (candidate, None) for one
    who has none."""
    wanted = _codes_by_email(job.text, fw)
    people = _candidates(s, list(wanted))
    credentials = _credentials(s, [p.id for p in people.values()])
    listed: list[tuple[Candidate, IssuedCredential | None]] = []
    for email, codes in wanted.items():
        person = people.get(email)
        if person is None:
            continue  # every row of theirs was refused: never created
        mine = [c for c in credentials.get(person.id, []) if (c.kind, c.code) in codes]
        listed += [(person, c) for c in mine] or [(person, None)]
    return listed


def _codes_by_email(text: str, fw: Framework) -> dict[str, set[tuple[str, str]]]:
    """For each candidate of the file (by e-mail, in file order): the units of their rows
    and the roles that include them, as (kind, code)."""
    wanted: dict[str, set[tuple[str, str]]] = {}
    for group in cohort_groups(parse_cohort(text, BatchSummary())):
        codes = wanted.setdefault(group[0].email.strip().lower(), set())
        for row in group:
            codes.add(("unit", row.unit))
            with suppress(KeyError):  # a unit the framework lacks: refused, issued nothing
                codes.update(("role", role.code) for role in fw.roles_with_unit(row.unit))
    return wanted


def _candidates(s: Session, emails: list[str]) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for start in range(0, len(emails), IN_LIST):
        for person in s.scalars(select(Candidate).where(
                Candidate.email.in_(emails[start:start + IN_LIST]))):
            found[person.email] = person
    return found


def _credentials(s: Session, ids: list[int]) -> dict[int, list[IssuedCredential]]:
    found: dict[int, list[IssuedCredential]] = {}
    for start in range(0, len(ids), IN_LIST):
        # units first, then roles, each in code order (as a holder's list reads)
        for c in s.scalars(select(IssuedCredential).where(
                IssuedCredential.candidate_id.in_(ids[start:start + IN_LIST]))
                .order_by(IssuedCredential.kind.desc(), IssuedCredential.code)):
            found.setdefault(c.candidate_id, []).append(c)
    return found


def _row(person: Candidate, c: IssuedCredential | None, links: dict[str, HolderLink],
         link: Callable[[str], str], fw: Framework, now: datetime,
         window: tuple[datetime | None, datetime | None]) -> ExportRow:
    if c is None:
        return ExportRow(person.name, person.email)
    issued_at = as_utc(c.issued_at)
    until = as_utc(c.valid_until)
    start, end = window
    shared = links.get(c.id)
    expires = as_utc(shared.expires_at) if shared else None
    return ExportRow(
        person.name, person.email, c.kind, c.code, _title(fw, c.kind, c.code), c.id,
        credential_state(c, now), issued_at.astimezone(UTC).date(),
        until.astimezone(UTC).date() if until else None,
        start is not None and end is not None and start <= issued_at <= end,
        link(shared.token) if shared else "", expires.date() if expires else None)


def _title(fw: Framework, kind: str, code: str) -> str:
    try:
        names = fw.role(code).name if kind == "role" else fw.unit(code).name
    except KeyError:
        return code
    return names.get("en") or next(iter(names.values()), code)
