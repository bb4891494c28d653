"""`s4c vc sign|verify`: the standards core on the command line (a contract other tools use)."""
import json
import sys
from pathlib import Path

import click

from schemas.jsonld_contexts import CONTEXTS_DIR
from vc import api
from vc.contexts import ContextStore, PinnedContexts, shared_store, standard_contexts
from vc.cryptosuites import ALL_SUITES, SIGNING_SUITES
from vc.did_key import did_key_from_public_key
from vc.did_resolver import DIDResolver
from vc.errors import VCError
from vc.fetch import HttpFetcher
from vc.json_input import loads_strict
from vc.multikey import Ed25519Multikey
from web.plumbing.finding_words import with_reasons

MAX_INPUT_BYTES = 2 * 1024 * 1024


def read_json_input(path: str) -> dict:
    """Reads a JSON object from a file or '-' (stdin), bounded, strict; exits 2 if unusable."""
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(path, "rb") as f:
                raw = f.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise click.UsageError(f"cannot read {path}: {e.strerror}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise click.UsageError(f"{path} is larger than {MAX_INPUT_BYTES} bytes")
    try:
        doc = loads_strict(raw)
    except VCError as e:
        raise click.UsageError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise click.UsageError(f"{path} must hold a JSON object")
    return doc


def parse_contexts(values: tuple[str, ...]) -> ContextStore:
    """The project's pinned contexts, plus the local files given as --context URL=FILE."""
    extra: dict[str, Path] = {}
    for value in values:
        url, sep, file = value.partition("=")
        if not sep or not url or not file:
            raise click.BadParameter(f"{value!r}: expected URL=FILE", param_hint="--context")
        if not Path(file).is_file():
            raise click.BadParameter(f"{file}: no such file", param_hint="--context")
        extra[url] = Path(file)
    if not extra:
        return shared_store(CONTEXTS_DIR)
    try:
        store = ContextStore(extra, pinned=[standard_contexts(), PinnedContexts(CONTEXTS_DIR)])
        store.preload()
    except VCError as e:
        raise click.BadParameter(str(e), param_hint="--context") from None
    return store


context_option = click.option(
    "--context", "contexts", multiple=True, metavar="URL=FILE",
    help="Accept one more JSON-LD context for this run, read from a local file (repeatable).")


@click.group()
def vc() -> None:
    """Sign and verify W3C Verifiable Credentials (Data Integrity, EdDSA)."""


@vc.command()
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False),
              help="Key file: a Multikey pair {publicKeyMultibase, privateKeyMultibase} (a "
                   "32-byte seed or the 64-byte seed and public key), or an Ed25519 2018 "
                   "pair {publicKeyBase58, privateKeyBase58}.")
@click.option("--suite", type=click.Choice(SIGNING_SUITES), default="eddsa-rdfc-2022",
              show_default=True, help="Cryptosuite of the proof; its context is added to "
                                      "the document's @context when missing.")
@click.option("--created", metavar="RFC3339", help="Proof creation time (default: now).")
@click.option("--verification-method", metavar="URL",
              help="Verification method URL (default: the key's did:key).")
@context_option
@click.argument("input_file", metavar="IN.json")
def sign(key_file: str, suite: str, created: str | None, verification_method: str | None,
         contexts: tuple[str, ...], input_file: str) -> None:
    """Sign IN.json ('-' for stdin) and print the signed document."""
    store = parse_contexts(contexts)
    document = read_json_input(input_file)
    try:
        key = Ed25519Multikey.from_file(key_file)
        if verification_method is None:
            did = did_key_from_public_key(key.public_key)
            verification_method = f"{did}#{key.public_key_multibase}"
        signed = api.sign(document, key, store=store, suite=suite,
                          verification_method=verification_method, created=created)
    except VCError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    click.echo(json.dumps(signed, indent=2, ensure_ascii=False))


@vc.command()
@context_option
@click.argument("input_file", metavar="IN.json")
def verify(contexts: tuple[str, ...], input_file: str) -> None:
    """Verify IN.json ('-' for stdin): prints {verified, checks}; exit 0 verified, 1 not,
    2 unusable input."""
    store = parse_contexts(contexts)
    document = read_json_input(input_file)
    # did:web keys are fetched over HTTPS (bounded, public addresses only)
    result = api.verify(document, resolver=DIDResolver(fetcher=HttpFetcher()), store=store,
                        suites=ALL_SUITES)
    click.echo(json.dumps(with_reasons(result.to_json()), indent=2, ensure_ascii=False))
    sys.exit(0 if result.verified else 1)
