"""The `s4c` command line: `s4c [--data-dir DIR] COMMAND`."""
from pathlib import Path

import click

from web.cli.agent_commands import agent
from web.cli.bench_command import bench
from web.cli.edc_commands import edc
from web.cli.holder_commands import COMMANDS as HOLDER_COMMANDS
from web.cli.issuer_commands import COMMANDS as ISSUER_COMMANDS
from web.cli.job_commands import COMMANDS as JOB_COMMANDS
from web.cli.registry_commands import registry
from web.cli.server import init, serve
from web.cli.vc_commands import vc
from web.cli.verify_commands import COMMANDS as VERIFY_COMMANDS
from web.cli.wallet_client_commands import COMMANDS as WALLET_CLIENT_COMMANDS
from web.wiring.settings import Settings, default_data_dir


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="S4C_DATA_DIR",
    default=None,
    help=f"Where s4c keeps its database and issuer keys "
    f"[env S4C_DATA_DIR; default {default_data_dir()}].",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """s4c: issue and verify Skills4Cities smart-city certifications as W3C
    Verifiable Credentials.

    Start with `s4c init`, then `s4c serve`. Other settings come from the
    environment: DATABASE_URL, S4C_PUBLIC_URL (the issuer's did:web is derived
    from it) and S4C_KEY_PASSPHRASE (encrypts the issuer keys at rest).
    """
    ctx.obj = Settings.from_environment(data_dir)


main.add_command(init)
main.add_command(serve)

# --- Command groups of other modules: register them here -------------------------
main.add_command(vc)
for command in ISSUER_COMMANDS + JOB_COMMANDS:
    main.add_command(command)
main.add_command(edc)
main.add_command(bench)
main.add_command(registry)
main.add_command(agent)
for command in HOLDER_COMMANDS:
    main.add_command(command)
for command in VERIFY_COMMANDS:
    main.add_command(command)
for command in WALLET_CLIENT_COMMANDS:
    main.add_command(command)
# ---------------------------------------------------------------------------------
