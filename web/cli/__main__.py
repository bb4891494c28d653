"""`python -m web.cli`: the `s4c` command (how s4c starts its own worker processes)."""
from web.cli import main

main(prog_name="s4c")
