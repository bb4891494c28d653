"""The EDCs of what a finished cohort job issued, as one zip archive for the officer to hand
out ("Where a holder gets it": for a cohort, the job's export).

The credentials are the ones the job's CSV export lists (`issuer.cohort_export`): each
candidate's credentials in the units of their rows and the roles that include them. Each
that counts now gets its EDC, `<name>/<code>-<uuid>-europass.jsonld`; `index.csv` (the
cohort export's spreadsheet-safe dialect) says which file is whose, and which credentials got
none and why. Entries carry a fixed time and come in the file's order. Nothing is changed or
created, so no audit row: the EDCs are read (and sealed), like the credentials.
"""
import csv
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from issuer.cohort_export import DELIMITER, finished_job, job_credentials, spreadsheet_safe
from issuer.edc.service import EdcRefused, EdcSealFailed
from issuer.errors import IssuerError
from issuer.service import IssuerService

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
INDEX_COLUMNS = ("file", "name", "email", "kind", "code", "credential_id", "note")


@dataclass(frozen=True)
class CohortEdcs:
    written: int  # EDC files in the archive
    skipped: int  # credentials that got none (revoked, suspended, expired)


class TooManyEdcs(IssuerError):
    """More credentials than one request may build and seal (see the command line)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"this job has {count} credentials, more than the {limit} one "
                         "download builds and seals: run `s4c jobs export-edcs JOB_ID -o "
                         "FILE.zip` on the server instead")
        self.count, self.limit = count, limit


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "holder"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_cohort_edcs(service: IssuerService, job_id: str, out: IO[bytes],
                      limit: int | None = None) -> CohortEdcs:
    """Writes the zip of a finished job's EDCs to `out`. Raises NotFound, IssuerError while
    the job is still running, or TooManyEdcs when it has more than `limit` credentials."""
    now, fw = service.clock(), service.framework()
    rows: list[list[str]] = []
    written = skipped = 0
    with service.sessions() as s:
        listed = job_credentials(s, finished_job(s, job_id), fw)
        count = sum(1 for _person, credential in listed if credential is not None)
        if limit is not None and count > limit:
            raise TooManyEdcs(count, limit)
    with service.sessions() as s, zipfile.ZipFile(out, "w") as archive:
        for person, credential in job_credentials(s, finished_job(s, job_id), fw):
            if credential is None:
                continue
            folder = f"{_slug(person.name)}-{person.id}"
            suffix = credential.id.removeprefix("urn:uuid:")
            name = f"{folder}/{credential.code}-{suffix}-europass.jsonld"
            try:
                edc = service.edcs.edc_of(credential, person.name, fw, now)
            except EdcRefused as e:
                skipped += 1
                rows.append(["", person.name, person.email, credential.kind, credential.code,
                             credential.id, f"no EDC: {e.state}"])
                continue
            except EdcSealFailed:
                raise  # every other one would fail the same way: stop, say why
            except IssuerError as e:
                skipped += 1
                rows.append(["", person.name, person.email, credential.kind, credential.code,
                             credential.id, f"no EDC: {e.finding.code}"])
                continue
            archive.writestr(_entry(name), json.dumps(edc, indent=2, ensure_ascii=False))
            written += 1
            rows.append([name, person.name, person.email, credential.kind, credential.code,
                         credential.id, ""])
        index = io.StringIO()
        writer = csv.writer(index, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow(INDEX_COLUMNS)
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        archive.writestr(_entry("index.csv"), "\ufeff" + index.getvalue())
    return CohortEdcs(written, skipped)
