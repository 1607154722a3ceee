"""``dyad read``: show how dyad sees an article (for debugging readers and extractors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dyad.cli.app import EXIT_PARTIAL, app, console, err_console
from dyad.errors import ReadError
from dyad.read import read_paths

__all__ = ["read"]


@app.command()
def read(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders.", show_default=False)],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Force the reader: text or wikitext.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the documents as JSON.")] = False,
) -> None:
    """Print the structure of articles: title, infobox, and every block with its section and offsets.

    Example: [bold]dyad read corpus/kosovo-serbia.txt[/]
    """
    bad: list[ReadError] = []
    for item in read_paths(paths, fmt=fmt):
        if isinstance(item, ReadError):
            bad.append(item)
            err_console.print(f"[red]skipped[/] {item.one_line()}", highlight=False, soft_wrap=True)
            continue
        if as_json:
            console.print_json(json.dumps(item.to_dict(), ensure_ascii=False))
            continue
        console.rule(f"[bold]{item.title}[/]  ({item.format}, {len(item.blocks)} blocks)")
        if item.infobox:
            console.print(
                "Infobox: " + "; ".join(f"{k}={v}" for k, v in item.infobox.items()), highlight=False
            )
        table = Table("kind", "section", "offsets", "text", show_lines=False, expand=True)
        for block in item.blocks:
            table.add_row(
                block.kind,
                " › ".join(block.section),
                f"{block.start}-{block.end}",
                block.text if len(block.text) < 160 else block.text[:157] + "...",
            )
        console.print(table)
        for warning in item.warnings:
            err_console.print(f"[yellow]warning[/] {warning}", highlight=False, soft_wrap=True)
    if bad:
        err_console.print(f"[red]{len(bad)} file(s) could not be read:[/]")
        for error in bad:
            err_console.print(f"  {error.one_line()}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_PARTIAL)
