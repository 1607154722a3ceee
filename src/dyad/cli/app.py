"""The Typer application and the one place where errors become messages.

Command modules (``read_cmds``, ``extract_cmds``, ``kb_cmds``, ...) register their commands on
:data:`app`. Commands call the Python API and print; they never catch :class:`DyadError`
themselves: :func:`main` translates it once into a one-line message and an exit code.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from dyad.errors import DyadError

__all__ = ["EXIT_PARTIAL", "EXIT_USAGE", "app", "console", "err_console", "main"]

EXIT_USAGE = 2
EXIT_PARTIAL = 3  # a batch finished but some inputs were bad

app = typer.Typer(
    name="dyad",
    help="Read articles about relations between states into a temporal knowledge base of diplomacy.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dyad`` script: run the app, turning DyadError into one line."""
    try:
        app(args=argv, prog_name="dyad", standalone_mode=True)
    except DyadError as error:
        err_console.print(f"[bold red]error:[/] {error.one_line()}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]")
        sys.exit(130)
