"""`s4c verify RECEIPT.json`: is a verification receipt (`verifier.receipts`) genuine, that is
signed by this deployment's verifier (or the one named by --verifier), and is it about the
credential given with --credential?

A receipt signed by anyone else is never genuine, whatever its signature: anyone can sign a
receipt-shaped document with a key of their own. Each way a receipt fails has its own exit
code (`EXIT_*`), so a script can tell them apart."""
import json
import sys

import click

from vc.errors import VCError
from verifier.receipts import (
    CredentialMatch,
    ReceiptCheck,
    check_receipt,
    credential_digest,
    match_credential,
)
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.plumbing.finding_words import reason_english, with_reasons

EXIT_GENUINE = 0
EXIT_FORGED = 1  # altered, unsigned, or signed with a key its verifier does not list
EXIT_UNUSABLE = 2
EXIT_OTHER_VERIFIER = 3  # signed by a verifier that is not the expected one
EXIT_OTHER_CREDENTIAL = 4  # genuine, but about another credential than --credential
EXIT_NOT_CHECKED = 5  # the verifier's DID document could not be fetched

MATCH_WORDS = {
    CredentialMatch.OTHER_ID: "the receipt is about credential {id}, not {given}",
    CredentialMatch.OTHER_DIGEST: "the receipt is about a credential with digest {digest}; "
                                  "this file's is {file_digest}: it is not the same credential "
                                  "(or it was changed)",
    CredentialMatch.NO_DIGEST: "the receipt names no digest of the credential it is about, so "
                               "no file can be matched to it",
    CredentialMatch.UNREADABLE: "the file is not a credential whose digest can be computed",
}


def exit_code(result: ReceiptCheck, match: CredentialMatch | None) -> int:
    if result.verdict is Verdict.FORGED_OR_MALFORMED:
        return EXIT_FORGED
    if not result.from_expected_verifier:
        return EXIT_OTHER_VERIFIER
    if result.verdict is Verdict.COULD_NOT_CHECK:
        return EXIT_NOT_CHECKED
    if not result.genuine:
        return EXIT_FORGED
    if match is not None and match is not CredentialMatch.SAME:
        return EXIT_OTHER_CREDENTIAL
    return EXIT_GENUINE


def _headline(result: ReceiptCheck) -> str:
    if result.genuine:
        return "GENUINE RECEIPT"
    if result.verdict is Verdict.FORGED_OR_MALFORMED:
        return "NOT A GENUINE RECEIPT"
    if not result.from_expected_verifier:
        return "NOT THIS VERIFIER'S RECEIPT"
    return "RECEIPT NOT CHECKED"


def _file_digest(credential: object) -> str:
    try:
        return credential_digest(credential) if isinstance(credential, dict) else "?"
    except (VCError, ValueError):
        return "?"


def _signature_words(result: ReceiptCheck) -> str:
    if result.verdict is Verdict.NOT_VALID_NOW:
        return f"its signature is valid: it is {result.verifier}'s receipt"
    if result.verdict is Verdict.COULD_NOT_CHECK:
        return f"its signature could not be checked: {result.verifier}'s keys are unreachable"
    return "its signature does not verify"


def report_receipt(verifier: Verifier, receipt: dict, expected_verifier: str,
                   named: bool, credential: object | None, as_json: bool) -> None:
    """Prints what the receipt is and says, then exits with its `EXIT_*` code. `named`: the
    expected verifier was named with --verifier (else it is this deployment's);
    `credential`: the parsed --credential file (None when not given)."""
    result = check_receipt(receipt, verifier.resolver, verifier.store,
                           expected_verifier=expected_verifier, now=verifier.clock())
    content = result.content
    match = match_credential(content, credential) \
        if content is not None and credential is not None else None
    if as_json:
        out = with_reasons(result.to_json())
        if credential is not None:
            out["credential"] = {"match": str(match) if match else None,
                                 "digest": _file_digest(credential)}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        sys.exit(exit_code(result, match))
    click.echo(_headline(result))
    click.echo(f"  {reason_english(result.finding)}")
    if result.signed_with:
        click.echo(f"  signed with:  {result.signed_with}")
    whose = "named with --verifier" if named else "this deployment's verifier"
    click.echo(f"  expected:     {expected_verifier} ({whose})")
    if not result.from_expected_verifier and result.verifier:
        click.echo(f"  {_signature_words(result)}")
        click.echo(f"  to check it as {result.verifier}'s receipt: "
                   f"s4c verify RECEIPT --verifier {result.verifier}")
    if content is not None:
        click.echo(f"  it says:      {content.state} ({content.verdict}), checked at "
                   f"{content.checked_at}")
        click.echo(f"  credential:   {content.credential_id or '(no id)'}")
        click.echo(f"  digest:       {content.credential_digest or '(none)'}")
    if match is CredentialMatch.SAME:
        click.echo("  the credential file given is the one this receipt is about")
    elif match is not None:
        given = credential.get("id") if isinstance(credential, dict) else None
        click.echo("  CREDENTIAL DOES NOT MATCH: " + MATCH_WORDS[match].format(
            id=content.credential_id if content else None, given=given,
            digest=content.credential_digest if content else None,
            file_digest=_file_digest(credential)))
    sys.exit(exit_code(result, match))
