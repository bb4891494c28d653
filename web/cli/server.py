"""`s4c init` and `s4c serve`."""
import ipaddress
import os
from dataclasses import replace

import click
from gunicorn.app.base import BaseApplication

from issuer.seal import Seal
from vc.errors import VCError
from vc.key_store import KeyStoreError
from web.app import create_app
from web.cli.job_commands import default_workers, start_worker_process, stop_worker_process
from web.employer.verify_api import warm_up
from web.wiring.datadir import PreparedDataDir, issuer_seal, prepare_data_dir
from web.wiring.seal_keys import seal_certificate_lines, seal_source
from web.wiring.settings import Settings


@click.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Prepare the data directory: create it, migrate the database and generate
    the issuer key (encrypted at rest). Safe to run again: it only adds what is
    missing and never replaces a key."""
    _echo_summary(settings, _prepare(settings))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind a reverse proxy.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Gunicorn worker processes.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker: more than one serves requests of a worker at once "
                   "(gunicorn's gthread workers, with HTTP keep-alive).")
@click.option("--access-log", is_flag=True,
              help="Log every request on standard output (a reverse proxy in front usually "
                   "logs them already; officers' and wallets' actions are in the audit trail).")
@click.option("--dev", is_flag=True,
              help="Use Flask's single-process development server instead of gunicorn.")
@click.option("--job-workers", type=click.IntRange(0, 64), default=None,
              help="Cohort job worker processes to run beside the web app [default: one "
                   "per core (one more on SQLite) with the embedded queue; none with "
                   "S4C_BROKER_URL, where `s4c worker` runs them].")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Serve HTTPS with this PEM certificate (with --keyfile); normally a "
                   "reverse proxy terminates TLS.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The PEM private key of --certfile.")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int, threads: int,
          access_log: bool, dev: bool, job_workers: int | None, certfile: str | None,
          keyfile: str | None) -> None:
    """Serve the s4c web app (home page, DID document, APIs). Runs `init` first
    when the data directory is not ready."""
    if (certfile is None) != (keyfile is None):
        raise click.UsageError("--certfile and --keyfile go together")
    if certfile is not None and dev:
        raise click.UsageError("--certfile serves through gunicorn: leave out --dev")
    settings = local_public_url(settings, host, port, https=certfile is not None)
    _echo_summary(settings, _prepare(settings))
    _echo_pages(settings, host, port)
    try:
        app = create_app(settings)
    except KeyStoreError as e:
        raise click.ClickException(str(e)) from None
    if job_workers is None:
        job_workers = default_workers(settings) if settings.broker_url is None else 0
    jobs = start_worker_process(settings, job_workers) if job_workers else None
    try:
        if dev:
            warm_up(app)
            app.run(host=host, port=port, debug=False, use_reloader=False)
        else:
            _gunicorn(settings, host, port, workers, threads, access_log, certfile, keyfile)
    finally:
        if jobs is not None:
            stop_worker_process(jobs)


def _gunicorn(settings: Settings, host: str, port: int, workers: int, threads: int = 1,
              access_log: bool = False, certfile: str | None = None,
              keyfile: str | None = None) -> None:
    options: dict[str, object] = {
        "bind": f"[{host}]:{port}" if _is_ipv6(host) else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "proc_name": "s4c",
        # Gunicorn >= 25.1 opens a control socket in ~/.gunicorn, shared by every instance.
        "control_socket_disable": True,
    }
    if certfile is not None:
        options.update(certfile=certfile, keyfile=keyfile)
    GunicornServer(settings, options).run()


class GunicornServer(BaseApplication):
    """Gunicorn, configured from code; each worker builds its own app."""

    def __init__(self, settings: Settings, options: dict[str, object]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if name in self.cfg.settings:  # skip settings older gunicorns do not know
                self.cfg.set(name, value)

    def load(self):
        app = create_app(self.settings)
        warm_up(app)  # before this worker accepts: no cold first verifications
        return app


def _prepare(settings: Settings) -> tuple[PreparedDataDir, Seal]:
    try:
        prepared = prepare_data_dir(settings)
        # the seal: the demo one made now, or the configured key opened (a wrong PIN or
        # passphrase stops the start here, not the first holder's download)
        return prepared, issuer_seal(settings)
    except (KeyStoreError, VCError, ValueError, OSError) as e:
        raise click.ClickException(str(e)) from None


def _echo_summary(settings: Settings, prepared_and_seal: tuple[PreparedDataDir, Seal]
                  ) -> None:
    prepared, seal = prepared_and_seal
    key = prepared.active_key
    state = "created" if prepared.key_created else "existing"
    click.echo(f"s4c data directory: {settings.data_dir}")
    click.echo(f"  database:       {settings.database_url_for_display}")
    click.echo(f"  issuer DID:     {settings.issuer_did}")
    click.echo(f"  active key:     {settings.issuer_did}#{key.key_id} ({state}, {key.created})")
    click.echo(f"  key passphrase: {settings.key_passphrase_source}")
    click.echo(f"  seal:           {seal_source(settings)}")
    for line in seal_certificate_lines(seal):
        click.echo(f"  {line}")
    click.echo(f"  time-stamps:    "
               f"{settings.tsa_url_for_display or 'the demo TSA (DEMO), in-process'}")
    if settings.tsa_url is None and (settings.seal_pkcs11_module or settings.seal_pkcs12):
        click.echo("  warning: the body's seal is time-stamped by the demo TSA, which no "
                   "verifier trusts: set S4C_TSA_URL to your qualified TSA")


LOOPBACK_NAMES = ("localhost",)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_public_url(settings: Settings, host: str, port: int, https: bool) -> Settings:
    """For a local run (a loopback --host, no S4C_PUBLIC_URL), the public URL is where this
    server listens, so that another --port needs nothing else: the issuer's did:web, share
    links and wallet offers name this port. The environment is set too, so the job workers
    started beside the server agree. A deployment behind a proxy sets S4C_PUBLIC_URL."""
    if os.environ.get("S4C_PUBLIC_URL") or not _is_loopback(host):
        return settings
    name = f"[{host}]" if _is_ipv6(host) else host
    url = f"{'https' if https else 'http'}://{name}:{port}"
    if url == settings.public_url:
        return settings
    os.environ["S4C_PUBLIC_URL"] = url
    return replace(settings, public_url=url)


def _echo_pages(settings: Settings, host: str, port: int) -> None:
    """Where each person's pages are, and how each signs in (printed on start)."""
    base = settings.public_url
    login = settings.data_dir / "demo-login.txt"
    officer = (f"login: see {login}" if login.exists()
               else "login: create one with `s4c officer add USERNAME`")
    lines = [
        ("home", f"{base}/", ""),
        ("employers: verify", f"{base}/verify", "upload a file or photo, or ask a wallet"),
        ("holders", f"{base}/holder/",
         "sign-in link: `s4c holder invite EMAIL`" + (
             " (no S4C_SMTP_URL: printed, and kept in the console's outbox)"
             if not settings.smtp_url else "")),
        ("officers: console", f"{base}/issuer/", officer),
        ("registry", f"{base}/registry/", ""),
        ("registry console", f"{base}/registry/admin/login",
         "user `operator`; password: `s4c registry console-password operator`"),
    ]
    click.echo(f"listening on {host}:{port}; pages:")
    for label, url, hint in lines:
        click.echo(f"  {label:<19} {url}" + (f"  ({hint})" if hint else ""))


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False
