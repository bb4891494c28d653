"""`s4c verify` of a European Digital Credential: the report in English words from the
catalogue (`web.plumbing.finding_words`), or as JSON; exit 0 verified, 1 not."""
import json
import sys
from typing import Any

import click

from vc.findings import Finding
from vc.language_maps import pick_language
from verifier.edc import EdcReport, EdcVerifier
from web.plumbing.finding_words import say_in

VERDICT_WORDS = {"valid": "VALID", "forged-or-malformed": "FORGED OR ALTERED",
                 "not-valid-now": "AUTHENTIC BUT NOT VALID NOW",
                 "could-not-check": "COULD NOT CHECK"}


def _name(texts: dict[str, str] | None, lang: str) -> str:
    return (pick_language(texts, lang) if texts else None) or "?"


def print_edc_report(report: EdcReport, lang: str) -> None:
    out = report.to_json()
    click.echo(f"{VERDICT_WORDS[out['verdict']]}: {out['headline']['state']}")
    summary: dict[str, Any] = out["summary"]
    sealer = summary.get("sealer")
    if sealer:
        click.echo(f"  sealed by:   {sealer['organization'] or sealer['commonName']} "
                   f"({sealer['country'] or '?'}, {sealer['organizationIdentifier'] or '?'})")
        click.echo(f"  certificate: {sealer['commonName']}, by {sealer['issuer']}, valid "
                   f"{sealer['notBefore'][:10]} .. {sealer['notAfter'][:10]}")
        click.echo(f"  sealed at:   {summary.get('sealedAt') or 'not time-stamped'}")
    credential = summary.get("credential")
    if credential:
        click.echo(f"  holder:      {_name(credential['holder']['name'], lang)}")
        for claim in credential["claims"]:
            level = f", EQF {claim['eqfLevel']}" if claim["eqfLevel"] else ""
            click.echo(f"  awarded:     {_name(claim['title'], lang)} ({claim['type']}{level})")
        issuer = credential.get("issuer") or {}
        click.echo(f"  issuer:      {_name(issuer.get('legalName'), lang)} "
                   f"({issuer.get('country') or '?'})")
        click.echo(f"  valid:       {credential['validFrom'] or '?'} .. "
                   f"{credential['validUntil'] or 'no expiry'}")
    for check in out["checks"]:
        mark = {"passed": "ok", "failed": "FAIL", "unknown": "??"}[check["outcome"]]
        found = Finding.from_json(check["finding"])
        detail = f" ({found.detail})" if found.detail else ""
        click.echo(f"  [{mark:>4}] {check['id']}: {say_in(found, lang)}{detail}")


def verify_edc(verifier: EdcVerifier, document: dict[str, Any], lang: str,
               as_json: bool) -> None:
    report = verifier.verify(document)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print_edc_report(report, lang)
    sys.exit(0 if report.verified else 1)
