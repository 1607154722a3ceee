"""The command line of dump ingestion: ``dyad ingest FILE.xml[.bz2]`` (and ``python -m dyad.scale ingest``).

:func:`ingest_dump_cli` does the work and returns the exit code, so the ``dyad ingest``
command can hand it any path for which :func:`dyad.scale.is_dump` is true.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dyad.errors import DyadError
from dyad.scale.ingest import DumpReport, IngestInterrupted, ingest_dump
from dyad.scale.select import SELECT_MODES

__all__ = ["EXIT_INTERRUPTED", "app", "ingest", "ingest_dump_cli", "main", "report_table"]

EXIT_PARTIAL = 3  # finished, but some pages failed
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="dyad-scale",
    help="Ingest whole MediaWiki XML dumps into the knowledge base.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def report_table(report: DumpReport) -> Table:
    table = Table(
        title=f"{Path(report.dump).name}",
        caption=f"{report.kind} dump, {report.mode} extraction × {report.workers}, select={report.select}",
    )
    table.add_column("pages")
    table.add_column("count", justify="right")
    rows: list[tuple[str, Any]] = [
        ("scanned", report.scanned),
        ("selected", report.selected),
        ("ingested (added or changed)", report.ingested),
        ("unchanged", report.unchanged),
        ("already stored, skipped", report.skipped),
        ("failed", len(report.failed)),
        ("events", report.events),
        ("redirect targets resolved", f"{report.redirects_resolved}/{report.redirects_wanted}"),
        (
            "input read",
            f"{report.bytes_read / 1e6:.1f} MB in {report.seconds:.1f} s ({report.mb_per_s:.1f} MB/s)",
        ),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:,}" if isinstance(value, int) else str(value))
    return table


def ingest_dump_cli(
    path: Path,
    *,
    db: str | None = None,
    workers: int | None = None,
    dask: str | None = None,
    select: str = "relations",
    index: Path | None = None,
    restart: bool = False,
    force: bool = False,
    as_json: bool = False,
    quiet: bool = False,
    processor: str | None = None,
    console: Console | None = None,
    err_console: Console | None = None,
) -> int:
    """Run one dump ingest as the command line does; return the exit code."""
    out = console or Console()
    err = err_console or Console(stderr=True)
    try:
        report = ingest_dump(
            path,
            db,
            workers=workers,
            dask_address=dask,
            select=select,
            progress=not quiet and not as_json and err.is_terminal,
            index=index,
            restart=restart,
            force=force,
            processor=processor,
        )
    except IngestInterrupted as stopped:
        report = stopped.report
        if as_json:
            out.print_json(json.dumps(report.to_dict()))
        err.print(
            f"[yellow]interrupted[/] after {report.scanned:,} pages ({report.ingested:,} ingested); "
            "run the same command again to resume",
            highlight=False,
        )
        return EXIT_INTERRUPTED
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    elif report.already_done:
        out.print(
            f"{path.name} is already ingested into this knowledge base (checkpoint {report.checkpoint}); "
            "--restart reads it again",
            highlight=False,
        )
    elif not quiet:
        out.print(report_table(report))
    for title, error in report.failed[:20]:
        err.print(f"[red]failed[/] {title}: {error}", highlight=False, soft_wrap=True)
    if len(report.failed) > 20:
        err.print(f"[red]... and {len(report.failed) - 20} more failed pages[/]")
    return EXIT_PARTIAL if report.failed else 0


@app.command()
def ingest(
    path: Annotated[
        Path, typer.Argument(help="A MediaWiki XML dump: .xml, .xml.bz2, or multistream .xml.bz2.")
    ],
    db: Annotated[
        str | None, typer.Option("--db", help="Knowledge base URL or SQLite file (default: DYAD_DB).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="Local processes for extraction (default: all cores)."),
    ] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Run extraction on this Dask scheduler (tcp://host:8786).")
    ] = None,
    select: Annotated[
        str, typer.Option("--select", help=f"Which pages: {' or '.join(SELECT_MODES)}.")
    ] = "relations",
    index: Annotated[
        Path | None, typer.Option("--index", help="The multistream index (default: found beside the dump).")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore the checkpoint: read from the start.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Extract pages even when stored with the same text.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    processor: Annotated[
        str | None,
        typer.Option("--processor", hidden=True, help="Another page processor, as module:function."),
    ] = None,
) -> None:
    """Stream a whole dump: select the relations articles, extract their events, store them.

    Ctrl-C stops cleanly; the same command resumes where it stopped, without duplicates.
    Example: [bold]dyad ingest enwiki-latest-pages-articles-multistream.xml.bz2 -j 8[/]
    """
    code = ingest_dump_cli(
        path,
        db=db,
        workers=workers,
        dask=dask,
        select=select,
        index=index,
        restart=restart,
        force=force,
        as_json=as_json,
        quiet=quiet,
        processor=processor,
    )
    if code:
        raise typer.Exit(code)


@app.callback()
def _root() -> None:
    """Ingest whole MediaWiki XML dumps into the knowledge base."""


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="python -m dyad.scale", standalone_mode=True)
    except DyadError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error.one_line()}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        Console(stderr=True).print("[yellow]interrupted[/]")
        sys.exit(EXIT_INTERRUPTED)
