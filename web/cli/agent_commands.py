"""`s4c agent start|status`: a local ACA-Py agent for development (Aries wallets)."""
import json
import signal
import threading

import click

from issuer.aries.agent import AgentError
from issuer.aries.exchanges import AriesIssuer
from issuer.aries.local import (
    DEFAULT_ADMIN_PORT,
    agent_client,
    agent_dir,
    local_agent_config,
    record_running,
)
from issuer.aries.process import AgentProcess, write_did_documents
from issuer.did_web import issuer_did_document
from web.cli.context import issuer_service
from web.wiring.settings import Settings


@click.group()
def agent() -> None:
    """A local ACA-Py agent: s4c's DIDComm channel to Aries wallets."""


@agent.command()
@click.option("--port", default=DEFAULT_ADMIN_PORT, show_default=True,
              help="Admin API port on 127.0.0.1 (DIDComm listens on PORT-1).")
@click.pass_obj
def start(settings: Settings, port: int) -> None:
    """Run the agent in the foreground until Ctrl-C.

    Its askar (SQLite) wallet lives in DATA_DIR/agent/home, with no ledger. The admin API
    listens on 127.0.0.1 only and requires the key in DATA_DIR/agent/admin-api-key (0600).
    The agent is given the issuer's key, so it signs as the issuer's did:web.
    """
    if not 1024 < port < 65536:
        raise click.BadParameter("choose a port between 1025 and 65535", param_hint="--port")
    service = issuer_service(settings)
    config = local_agent_config(settings.data_dir, port)
    if config.did_documents is None:  # the local agent's config always names the file
        raise click.ClickException("the local agent's configuration names no DID documents")
    write_did_documents(config.did_documents,
                        [issuer_did_document(service.config.did, service.keys.all())])
    process = AgentProcess(config)
    try:
        client = process.start()
        issuer = AriesIssuer.for_service(client, service)
    except AgentError as e:
        process.stop()
        raise click.ClickException(str(e)) from None
    record_running(settings.data_dir, config)
    click.echo(f"ACA-Py agent ready: admin API {config.admin_url}, DIDComm {config.endpoint}")
    click.echo(f"it signs as {issuer.verification_method}")
    click.echo(f"admin API key: {agent_dir(settings.data_dir) / 'admin-api-key'}; "
               f"log: {config.log_file}")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            if process.process is None or process.process.poll() is not None:
                raise click.ClickException(f"the agent stopped: {process.log_tail()}")
    finally:
        process.stop()
        (agent_dir(settings.data_dir) / "agent.json").unlink(missing_ok=True)
    click.echo("agent stopped")


@agent.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Whether the agent answers, its version, and the issuer key it holds (exit 1 if down)."""
    try:
        client = agent_client(settings.data_dir)
        about = client.status()
        loader = client.pinned_loader()
        did = client.local_did(settings.issuer_did)
    except AgentError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps({
        "admin_url": client.admin_url, "ready": client.ready(),
        "version": about.get("version"), "label": about.get("label"),
        "pinned_contexts": loader.get("bound", False),
        "issuer_did": settings.issuer_did, "issuer_key_in_agent": did is not None,
    }, indent=2))
