"""The `s4c` command line (placeholder until the CLI lands)."""
import click


@click.group()
def main() -> None:
    """s4c: Skills4Cities verifiable credentials."""
