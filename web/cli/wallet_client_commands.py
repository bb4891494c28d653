"""`s4c wallet-client` and `s4c wallet-provider`: the wallets that may ask for a holder's
credentials in the authorization code flow, and the wallet providers whose Wallet
Attestations the issuer trusts (`issuer.wallet_clients`)."""
import json
from datetime import UTC, datetime
from pathlib import Path

import click

from issuer import wallet_clients
from issuer.wallet_clients import WalletClientError
from web.cli.context import issuer_service
from web.wiring.settings import Settings

ACTOR_OPTION = click.option("--actor", default="cli", show_default=True,
                            help="Who is acting (recorded in the audit trail).")
REDIRECT_OPTION = click.option(
    "--redirect-uri", "redirect_uris", multiple=True, metavar="URI",
    help="A redirect URI, compared exactly: https, http only on 127.0.0.1 or [::1], or an "
         "app's own scheme such as com.example.wallet:/callback (repeat for several).")


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group("wallet-client")
def wallet_client() -> None:
    """Wallet apps registered to ask holders for their credentials."""


@wallet_client.command("add")
@click.argument("client_id")
@click.option("--name", required=True, help="The wallet's name, as holders will see it.")
@REDIRECT_OPTION
@ACTOR_OPTION
@click.pass_obj
def client_add(settings: Settings, client_id: str, name: str, redirect_uris: tuple[str, ...],
               actor: str) -> None:
    """Register the wallet CLIENT_ID with its exact redirect URIs."""
    service = issuer_service(settings)
    try:
        with service.sessions.begin() as s:
            client = wallet_clients.add_client(s, client_id, name, list(redirect_uris), actor,
                                               datetime.now(UTC))
            click.echo(f"wallet client {client.client_id} ({client.name}) registered with "
                       f"{len(client.redirect_uris)} redirect URI(s)")
    except WalletClientError as e:
        raise click.ClickException(str(e)) from None


@wallet_client.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def client_list(settings: Settings, as_json: bool) -> None:
    """The registered wallets."""
    with issuer_service(settings).sessions() as s:
        rows = [{"client_id": c.client_id, "name": c.name, "redirect_uris": c.redirect_uris,
                 "added_by": c.added_by, "added_at": c.added_at.isoformat()}
                for c in wallet_clients.clients(s)]
    if as_json:
        _echo_json({"clients": rows})
    elif not rows:
        click.echo("no wallet clients yet (`s4c wallet-client add CLIENT_ID --name NAME "
                   "--redirect-uri URI`)")
    for row in [] if as_json else rows:
        click.echo(f"{row['client_id']}  {row['name']}  {' '.join(row['redirect_uris'])}")


@wallet_client.command("remove")
@click.argument("client_id")
@ACTOR_OPTION
@click.pass_obj
def client_remove(settings: Settings, client_id: str, actor: str) -> None:
    """Remove CLIENT_ID: its pending requests and unused codes stop working at once."""
    try:
        with issuer_service(settings).sessions.begin() as s:
            wallet_clients.remove_client(s, client_id, actor)
    except WalletClientError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"wallet client {client_id} removed")


@click.group("wallet-provider")
def wallet_provider() -> None:
    """Wallet providers whose Wallet Attestations authenticate their wallets."""


@wallet_provider.command("add")
@click.argument("name")
@click.option("--jwk", "jwk_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON file with the provider's public key (EC P-256 or Ed25519 JWK).")
@click.option("--certificate", "certificate_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A PEM file with the trust anchor of the provider's x5c chains.")
@REDIRECT_OPTION
@ACTOR_OPTION
@click.pass_obj
def provider_add(settings: Settings, name: str, jwk_file: Path | None,
                 certificate_file: Path | None, redirect_uris: tuple[str, ...],
                 actor: str) -> None:
    """Trust the wallet provider NAME, by its key (--jwk) or its trust anchor
    (--certificate). Its wallets may use the redirect URIs given here and those the provider
    signs into their attestation (a `redirect_uris` claim)."""
    jwk = None
    if jwk_file is not None:
        try:
            jwk = json.loads(jwk_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise click.ClickException(f"{jwk_file} is not a JSON file: {e}") from None
    pem = certificate_file.read_bytes() if certificate_file is not None else None
    try:
        with issuer_service(settings).sessions.begin() as s:
            wallet_clients.add_provider(s, name, jwk, pem, list(redirect_uris), actor,
                                        datetime.now(UTC))
    except WalletClientError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"wallet provider {name} trusted")


@wallet_provider.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def provider_list(settings: Settings, as_json: bool) -> None:
    """The trusted wallet providers."""
    with issuer_service(settings).sessions() as s:
        rows = [{"name": p.name, "by": "jwk" if p.jwk else "x509",
                 "redirect_uris": p.redirect_uris, "added_by": p.added_by,
                 "added_at": p.added_at.isoformat()} for p in wallet_clients.providers(s)]
    if as_json:
        _echo_json({"providers": rows})
    elif not rows:
        click.echo("no wallet providers trusted yet (`s4c wallet-provider add NAME --jwk FILE`)")
    for row in [] if as_json else rows:
        click.echo(f"{row['name']}  ({row['by']})  {' '.join(row['redirect_uris'])}")


@wallet_provider.command("remove")
@click.argument("name")
@ACTOR_OPTION
@click.pass_obj
def provider_remove(settings: Settings, name: str, actor: str) -> None:
    """Stop trusting NAME: its wallets' pending requests and unused codes stop working."""
    try:
        with issuer_service(settings).sessions.begin() as s:
            wallet_clients.remove_provider(s, name, actor)
    except WalletClientError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"wallet provider {name} removed")


COMMANDS = [wallet_client, wallet_provider]
