"""``dyad extract``: events from articles, in the exchange format or as a table."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from dyad.cli.app import EXIT_PARTIAL, app, console, err_console
from dyad.config import get_settings
from dyad.errors import DyadError
from dyad.extract import extract_paths
from dyad.model import Event
from dyad.read import iter_files

__all__ = ["extract"]


class EventFormat(StrEnum):
    events_jsonl = "events-jsonl"
    json = "json"
    table = "table"


def _rows(events: list[Event]) -> Table:
    table = Table("date", "type", "roles", "evidence", expand=True)
    for e in events:
        roles = ", ".join(f"{k}={'+'.join(v) if isinstance(v, list) else v}" for k, v in e.roles.items())
        text = e.evidence[0].text if e.evidence else ""
        table.add_row(e.date or "—", e.type, roles, text if len(text) < 120 else text[:117] + "...")
    return table


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders.", show_default=False)],
    fmt: Annotated[EventFormat, typer.Option("--format", "-f", help="Output format.")] = EventFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    extractors: Annotated[
        str | None, typer.Option(help="Comma-separated extractor names to run (default: all).")
    ] = None,
) -> None:
    """Extract dated diplomatic events, each with the sentence that states it.

    [bold]events-jsonl[/] is the exchange format of the events spec (one event per line).

    Example: [bold]dyad extract corpus/ --format events-jsonl -o events.jsonl[/]
    """
    settings = get_settings()
    if extractors:
        settings = settings.with_(extractors=tuple(x.strip() for x in extractors.split(",") if x.strip()))
    files = list(iter_files(paths))
    bad: list[DyadError] = []
    results = []
    show_progress = len(files) > 3 and err_console.is_terminal
    with Progress(console=err_console, transient=True, disable=not show_progress) as progress:
        task = progress.add_task("extracting", total=len(files))
        for item in extract_paths(files, settings):
            progress.advance(task)
            if isinstance(item, DyadError):
                bad.append(item)
                err_console.print(f"[red]skipped[/] {item.one_line()}", highlight=False, soft_wrap=True)
            else:
                results.append(item)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        if fmt is EventFormat.events_jsonl:
            for _, events in results:
                for event in events:
                    out.write(json.dumps(event.to_exchange(), ensure_ascii=False) + "\n")
        elif fmt is EventFormat.json:
            payload = [e.to_exchange() for _, events in results for e in events]
            out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        else:
            for doc, events in results:
                console.rule(f"[bold]{doc.title}[/] — {len(events)} events")
                console.print(_rows(events))
    finally:
        if output:
            out.close()
    if bad:
        err_console.print(f"[red]{len(bad)} file(s) could not be read:[/]")
        for error in bad:
            err_console.print(f"  {error.one_line()}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def score(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Articles to extract and score (or use --system).")
    ] = None,
    gold: Annotated[Path, typer.Option(help="Folder of gold <doc>.jsonl files.")] = Path("corpus/gold"),
    system: Annotated[Path | None, typer.Option(help="Score this events file instead of extracting.")] = None,
    aliases: Annotated[
        Path | None, typer.Option(help="Aliases JSON (default: aliases.json in the gold folder).")
    ] = None,
    show_errors: Annotated[bool, typer.Option("--show-errors", help="List missed and extra events.")] = False,
) -> None:
    """Score extracted events against gold, strict (dates equal) and relaxed (dates ignored).

    Example: [bold]dyad score corpus --gold corpus/gold --show-errors[/]
    """
    from dyad.errors import InputError
    from dyad.extract.scoring import load_aliases, load_jsonl, score_events

    if not gold.is_dir():
        raise InputError(f"{gold}: no such gold folder", "give --gold a folder of <doc>.jsonl files")
    gold_by_doc = {p.stem: load_jsonl(p) for p in sorted(gold.glob("*.jsonl"))}
    if system is not None:
        events = load_jsonl(system)
    else:
        events = []
        for item in extract_paths(paths or [Path("corpus")], get_settings()):
            if isinstance(item, DyadError):
                err_console.print(f"[red]skipped[/] {item.one_line()}", highlight=False)
                continue
            events.extend(e.to_exchange() for e in item[1])
    table_aliases = load_aliases(aliases or gold / "aliases.json")
    strict = score_events(gold_by_doc, events, table_aliases, strict=True)
    relaxed = score_events(gold_by_doc, events, table_aliases, strict=False)
    table = Table("type", "gold", "system", "strict P", "strict R", "strict F1", "relaxed F1")
    for kind in sorted(set(strict.counts) | set(relaxed.counts)):
        tp, n_sys, n_gold = strict.counts[kind]
        p, r, f = strict.prf(tp, n_sys, n_gold)
        rf = relaxed.prf(*relaxed.counts[kind])[2]
        table.add_row(kind, str(n_gold), str(n_sys), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{rf:.3f}")
    p, r, f = strict.total()
    table.add_row(
        "[bold]all[/]", "", "", f"{p:.3f}", f"{r:.3f}", f"[bold]{f:.3f}[/]", f"{relaxed.total()[2]:.3f}"
    )
    console.print(table)
    if show_errors:
        for line in strict.errors:
            console.print(line, highlight=False, soft_wrap=True)
    console.print(f"strict F1 {f:.4f}")
