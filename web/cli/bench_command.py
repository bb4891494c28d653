"""`s4c bench`: the benchmarks live in `tools/`, outside the installed package, and are imported
only when this command runs (from a source checkout: `make bench`)."""
import sys
from pathlib import Path

import click

CHECKOUT = Path(__file__).resolve().parents[2]  # web/cli/ -> the repository root


@click.command(add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench(ctx: click.Context) -> None:
    """Measure signing, verifying and the HTTP APIs (`s4c bench --help` for the options)."""
    if not (CHECKOUT / "tools" / "bench.py").is_file():
        raise click.ClickException(
            "the benchmarks are in tools/ of a source checkout; run `make bench` there")
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    # deferred on purpose: the benchmark code is not part of the installed package
    from tools.bench import bench as measure

    measure.main(args=ctx.args, prog_name="s4c bench", obj=ctx.obj, standalone_mode=False)
