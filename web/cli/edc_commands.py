"""European Digital Credentials from the command line: `s4c edc CREDENTIAL_ID -o
FILE` and `s4c jobs export-edcs JOB_ID -o FILE.zip`."""
import sys
from pathlib import Path

import click

from issuer.edc.cohort import write_cohort_edcs
from issuer.errors import IssuerError
from web.cli.context import issuer_service
from web.holder.edc_downloads import edc_bytes
from web.officer.words import issuer_reason_english
from web.wiring.settings import Settings


@click.command("edc")
@click.argument("credential_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the EDC here (e.g. role.jsonld) [default: standard output].")
@click.pass_obj
def edc(settings: Settings, credential_id: str, output: str | None) -> None:
    """The European Digital Credential (ELM 3.2, generic profile) of an issued credential,
    for the holder's Europass profile. A revoked, suspended or expired credential gets none."""
    try:
        data = edc_bytes(issuer_service(settings).edc(credential_id))
    except IssuerError as e:
        raise click.ClickException(issuer_reason_english(e)) from None
    if output:
        Path(output).write_bytes(data)
        click.echo(f"{credential_id}: EDC written to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@click.command("export-edcs")
@click.argument("job_id")
@click.option("-o", "--output", required=True,
              type=click.Path(dir_okay=False, writable=True),
              help="The zip archive to write.")
@click.pass_obj
def jobs_export_edcs(settings: Settings, job_id: str, output: str) -> None:
    """The EDCs of what a finished job issued, one file per credential that counts now,
    in a zip archive with an index.csv saying whose each file is."""
    target = Path(output)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            result = write_cohort_edcs(issuer_service(settings), job_id, out)
    except IssuerError as e:
        partial.unlink(missing_ok=True)
        raise click.ClickException(issuer_reason_english(e)) from None
    partial.replace(target)  # never a half-written archive under the name asked for
    click.echo(f"{result.written} EDC(s) written to {output}"
               + (f"; {result.skipped} credential(s) got none (see index.csv)"
                  if result.skipped else ""), err=True)
