"""`s4c registry ...`: the public registry on the command line, acting with the keys kept in
the data directory (the operator's and each anchor's)."""
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from registry import elm_accreditations as elm
from registry.authority import Authority
from registry.credentials import read_anchor
from registry.directory import anchor_json, issuer_json
from registry.errors import RegistryError
from registry.vocab import FRAMEWORK, ROLE_CODES, SLUG, now, role_id
from vc.findings import FindingError
from vc.instants import read_instant
from vc.key_store import KeyStoreError
from web.registry.words import registry_english
from web.wiring.datadir import prepare_data_dir
from web.wiring.registry_setup import RegistryServices, open_registry, seed_demo_registry
from web.wiring.settings import Settings


@contextmanager
def _registry(settings: Settings) -> Iterator[RegistryServices]:
    """The registry of a prepared data directory; registry errors become clean exits."""
    try:
        prepare_data_dir(settings)
        services = open_registry(settings)
    except (KeyStoreError, ValueError, OSError) as e:
        raise click.ClickException(_said(e)) from None
    try:
        services.operator()
        yield services
    except (RegistryError, KeyStoreError) as e:
        raise click.ClickException(_said(e)) from None
    finally:
        services.close()


def _said(error: Exception) -> str:
    """A registry refusal in English from the catalogue; any other error as it is."""
    return registry_english(error.finding) if isinstance(error, FindingError) else str(error)


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    result = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key or not text:
            raise click.BadParameter(f"{value!r}: expected KEY=VALUE", param_hint=option)
        result[key] = text
    return result


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        # a date alone means its midnight UTC
        return read_instant(f"{value}T00:00:00Z" if len(value) == 10 else value, option)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from None


def _achievements(roles: tuple[str, ...], achievements: tuple[str, ...]) -> list[str]:
    return [role_id(code) for code in roles] + list(achievements)


validity = [
    click.option("--valid-from", help="Start (YYYY-MM-DD or RFC 3339); default now."),
    click.option("--valid-until", help="End (YYYY-MM-DD or RFC 3339); default open-ended."),
]


def with_validity(command: Callable) -> Callable:
    for option in reversed(validity):
        command = option(command)
    return command


@click.group()
def registry() -> None:
    """The public registry: trust anchors, accreditations, recognition decisions."""


@registry.group()
def anchor() -> None:
    """Trust anchors (national qualification bodies), managed by the registry operator."""


def _signer(services: RegistryServices, slug: str) -> Authority:
    """A registered authority's key; a mistyped slug fails before anything is created."""
    info = services.registry.authority(slug) if SLUG.fullmatch(slug) else None
    if info is None or info.slug != slug:
        known = ", ".join(sorted(services.registry.anchor_slugs().values())) or "none"
        raise click.ClickException(f"no registry authority {slug!r} (anchors: {known}; "
                                   "see `s4c registry anchor list`)")
    return services.keys.existing(slug)


@anchor.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def anchor_list(settings: Settings, as_json: bool) -> None:
    """List the trust anchors (current and retired) with their slugs and DIDs."""
    with _registry(settings) as services:
        operator = services.registry.operator_did() or ""
        slugs = services.registry.anchor_slugs()
        current = services.registry.snapshot().anchors
        rows = []
        for record in services.registry.issued_records(operator, "anchor"):
            facts = read_anchor(record.credential)
            rows.append({"slug": slugs.get(facts.did), "did": facts.did,
                         "country": facts.country,
                         "name": facts.name.get("en") or next(iter(facts.name.values())),
                         "status": "retired" if record.revoked else
                         "current" if facts.did in current else "not valid now",
                         "credential": record.id})
        if as_json:
            _echo_json({"anchors": rows})
            return
        if not rows:
            click.echo("no trust anchors yet (`s4c registry anchor add SLUG ...`)")
        for row in rows:
            click.echo(f"{row['slug'] or '-':<20} {row['country']}  {row['status']:<13} "
                       f"{row['name']}  {row['did']}")


@registry.command("console-password")
@click.argument("slug")
@click.password_option("--password", prompt="Console password",
                       help="The new password (at least 12 characters); prompted if omitted.")
@click.pass_obj
def console_password(settings: Settings, slug: str, password: str) -> None:
    """Set the admin console password of an authority (the operator or an anchor); its open
    console sessions end."""
    with _registry(settings) as services:
        services.access.set_password(slug, password)
        click.echo(f"console password of {slug} set; sign in at "
                   f"{settings.public_url.rstrip('/')}/registry/admin/")


@anchor.command("add")
@click.argument("slug")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. BG.")
@click.option("--name", "names", multiple=True, required=True, metavar="LANG=TEXT",
              help="The body's name in a language; repeat for each language.")
@click.option("--demo", is_flag=True, help="Mark the anchor as demo data.")
@with_validity
@click.pass_obj
def anchor_add(settings: Settings, slug: str, country: str, names: tuple[str, ...],
               demo: bool, valid_from: str | None, valid_until: str | None) -> None:
    """Register a trust anchor (the operator signs it); prints its DID and API token once."""
    start, end = _time(valid_from, "--valid-from"), _time(valid_until, "--valid-until")
    with _registry(settings) as services:
        # every option is checked before a key is made for the slug
        slug, country, languages = services.registry.check_anchor(
            slug=slug, country=country, names=_pairs(names, "--name"), valid_from=start,
            valid_until=end)
        anchor_authority = services.keys.authority(slug)
        added = services.registry.add_anchor(
            services.operator(), anchor_authority.did, slug=slug, country=country,
            names=languages, valid_from=start, valid_until=end, demo=demo)
        _echo_json({"slug": slug, "did": anchor_authority.did,
                    "credential": added.credential["id"], "token": added.token})
        click.echo("Keep the token: it is shown only once (`s4c registry token SLUG` "
                   "makes a new one).", err=True)


@anchor.command("remove")
@click.argument("slug_or_did")
@click.pass_obj
def anchor_remove(settings: Settings, slug_or_did: str) -> None:
    """Remove a trust anchor: the operator revokes its anchor credential."""
    with _registry(settings) as services:
        revoked = services.registry.remove_anchor(services.operator(), slug_or_did)
        _echo_json({"removed": slug_or_did, "revokedCredential": revoked})


@registry.command()
@click.option("--anchor", "anchor_slug", required=True, help="The accrediting anchor's slug.")
@click.option("--issuer", "issuer_did", required=True, help="The certification body's DID.")
@click.option("--name", "names", multiple=True, metavar="LANG=TEXT",
              help="This anchor's wording of the body's name, shown beside this "
                   "accreditation only; the body's name is the operator's (name-body).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLE_CODES),
              help="A role in scope; repeat. No --role/--achievement: the whole framework.")
@click.option("--achievement", "achievements", multiple=True, metavar="URL",
              help="A role or unit id in scope; repeat.")
@click.option("--max-eqf", required=True, type=click.IntRange(1, 8))
@click.option("--country", help="The body's country (ISO 3166-1 alpha-2).")
@click.option("--key", "keys", multiple=True, metavar="KEY_ID",
              help="Accept only this key of the body (DID#fragment); repeat. The keys "
                   "themselves come from the body's DID document, never from an anchor.")
@with_validity
@click.pass_obj
def accredit(settings: Settings, anchor_slug: str, issuer_did: str, names: tuple[str, ...],
             roles: tuple[str, ...], achievements: tuple[str, ...], max_eqf: int,
             country: str | None, keys: tuple[str, ...], valid_from: str | None,
             valid_until: str | None) -> None:
    """An anchor accredits a certification body; prints the signed credential."""
    with _registry(settings) as services:
        credential = services.registry.accredit(
            _signer(services, anchor_slug), issuer_did, names=_pairs(names, "--name") or None,
            achievements=_achievements(roles, achievements), max_eqf_level=max_eqf,
            valid_from=_time(valid_from, "--valid-from"),
            valid_until=_time(valid_until, "--valid-until"), framework=FRAMEWORK,
            country=country, public_keys=list(keys) or None)
        _echo_json(credential)


@registry.command("name-body")
@click.argument("issuer_did")
@click.option("--name", "names", multiple=True, required=True, metavar="LANG=TEXT",
              help="The body's name in a language, e.g. en=Example Academy; repeat.")
@click.option("--country", help="The body's country (ISO 3166-1 alpha-2).")
@click.pass_obj
def name_body(settings: Settings, issuer_did: str, names: tuple[str, ...],
              country: str | None) -> None:
    """The operator registers the name the registry shows for a certification body (in its
    pages, its trust list and every verification report). No anchor can change it."""
    with _registry(settings) as services:
        changed = services.registry.register_body(
            services.operator(), issuer_did, names=_pairs(names, "--name"), country=country)
        registered = services.registry.registered_body(issuer_did)
        _echo_json({"issuer": issuer_did, "changed": changed,
                    "name": registered.name if registered else {},
                    "country": registered.country if registered else None})


@registry.command("refresh-keys")
@click.option("--as", "slug", required=True,
              help="The operator or an accrediting anchor, by slug.")
@click.argument("issuer_did")
@click.pass_obj
def refresh_keys(settings: Settings, slug: str, issuer_did: str) -> None:
    """Re-reads a did:web body's keys from its own DID document (after a key rotation)."""
    with _registry(settings) as services:
        changed = services.registry.refresh_body_keys(_signer(services, slug),
                                                      issuer_did)
        click.echo(f"the keys of {issuer_did} {'changed' if changed else 'are unchanged'}")


@registry.command()
@click.option("--anchor", "anchor_slug", required=True, help="The deciding anchor's slug.")
@click.option("--role", type=click.Choice(ROLE_CODES))
@click.option("--achievement", metavar="URL", help="A role or unit id (instead of --role).")
@click.option("--nqf", "nqf_level", required=True, help='The national level, e.g. "НКР 6".')
@click.option("--eqf", "eqf_level", required=True, type=click.IntRange(1, 8))
@click.option("--equivalence", "notes", multiple=True, required=True, metavar="LANG=TEXT")
@click.option("--legal-basis", required=True)
@click.option("--replaces", metavar="CREDENTIAL_ID",
              help="The country's current decision on it, which this one replaces (required "
                   "when there is one; it is kept as history).")
@with_validity
@click.pass_obj
def recognise(settings: Settings, anchor_slug: str, role: str | None,
              achievement: str | None, nqf_level: str, eqf_level: int, notes: tuple[str, ...],
              legal_basis: str, replaces: str | None, valid_from: str | None,
              valid_until: str | None) -> None:
    """An anchor records how its country recognises a role; prints the signed credential.
    A second decision on the same role must name the current one with --replaces."""
    if role is not None and achievement is None:
        achievement_id = role_id(role)
    elif role is None and achievement is not None:
        achievement_id = achievement
    else:
        raise click.UsageError("give exactly one of --role and --achievement")
    with _registry(settings) as services:
        credential = services.registry.recognise(
            _signer(services, anchor_slug), achievement_id,
            nqf_level=nqf_level, eqf_level=eqf_level,
            equivalence=_pairs(notes, "--equivalence"), legal_basis=legal_basis,
            valid_from=_time(valid_from, "--valid-from"),
            valid_until=_time(valid_until, "--valid-until"), replaces=replaces)
        _echo_json(credential)


@registry.command()
@click.option("--anchor", "anchor_slug", required=True, help="The issuing anchor's slug.")
@click.argument("credential_id")
@click.pass_obj
def revoke(settings: Settings, anchor_slug: str, credential_id: str) -> None:
    """Revoke an accreditation or withdraw a recognition (only by the anchor that issued it)."""
    with _registry(settings) as services:
        stored = services.registry.credential(credential_id) or {}
        signer = _signer(services, anchor_slug)
        if "S4CRecognitionCredential" in (stored.get("type") or []):
            services.registry.withdraw_recognition(signer, credential_id)
        else:
            services.registry.revoke_accreditation(signer, credential_id)
        _echo_json({"revoked": credential_id})


@registry.command("export-trust-list")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export_trust_list(settings: Settings, out: Path) -> None:
    """Write the operator-signed trust list to OUT ('-' for stdout) for offline verifiers."""
    with _registry(settings) as services:
        text = json.dumps(services.trust_list(), ensure_ascii=False, indent=2) + "\n"
        operator = services.registry.operator_did()
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"trust list written to {out} (operator {operator})", err=True)


@registry.command()
@click.argument("ref")
@click.pass_obj
def show(settings: Settings, ref: str) -> None:
    """What the registry says about a DID (or an anchor's slug), as JSON."""
    with _registry(settings) as services:
        snapshot = services.registry.snapshot()
        slugs = services.registry.anchor_slugs()
        did = {slug: d for d, slug in slugs.items()}.get(ref, ref)
        found: dict = {}
        if did in snapshot.anchors:
            found["anchor"] = anchor_json(snapshot.anchors[did], slugs.get(did))
        if (issuer := snapshot.issuer(did)) is not None:
            found["issuer"] = issuer_json(issuer, now())
        if not found:
            raise click.ClickException(f"{ref} is neither a trust anchor nor an accredited "
                                       "body in this registry")
        _echo_json(found)


@registry.command()
@click.argument("slug")
@click.pass_obj
def token(settings: Settings, slug: str) -> None:
    """Make a new API token for an authority (operator or anchor); the old one stops."""
    with _registry(settings) as services:
        click.echo(services.registry.rotate_token(slug))


@registry.command("seed-demo")
@click.pass_obj
def seed_demo(settings: Settings) -> None:
    """Seed a plausible DEMO registry (five anchors, the demo body accredited by two, each
    country's recognition of each role). Safe to run again: it only adds what is missing."""
    try:
        prepare_data_dir(settings)
        report = seed_demo_registry(settings)
    except (RegistryError, KeyStoreError, ValueError, OSError) as e:
        raise click.ClickException(_said(e)) from None
    click.echo(f"demo registry: added {report.anchors} anchors, {report.accreditations} "
               f"accreditations, {report.recognitions} recognitions")


@registry.command("export-elm-accreditations")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def export_elm_accreditations(settings: Settings, out_dir: Path) -> None:
    """Write each accreditation that counts to OUT_DIR as an ELM Accreditation (AMS profile,
    JSON-LD), one file each, for the EU's Qualification Dataset Register."""
    with _registry(settings) as services:
        snapshot = services.registry.snapshot()
    try:
        written = elm.export_elm_accreditations(snapshot, out_dir)
    except (OSError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} accreditations written to {out_dir}", err=True)
