"""``dyad export KIND`` (panel, events, graph, rdf, quickstatements) and ``dyad import``.

Thin commands over :mod:`dyad.export`: options are passed on as given and checked there, so a
bad value (an unknown code system, an empty year range, a malformed claims file) is a DyadError
that :func:`dyad.cli.app.main` prints as one line. Every file is written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dyad.cli.app import app, console, err_console
from dyad.kb import DEFAULT_URL, KnowledgeBase, open_kb

__all__ = ["events", "export_app", "graph", "import_events", "panel", "quickstatements", "rdf"]

export_app = typer.Typer(
    name="export",
    help="Write the knowledge base to files: a dyad-year panel, events, a network, RDF or "
    "QuickStatements.\n\nExample: [bold]dyad export panel --from 1990 --to 2020 --codes cow -o panel.csv[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(export_app, name="export")

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="DYAD_DB",
        help="Knowledge base: a database URL (sqlite:///path, postgresql://user@host/db) or a SQLite file.",
    ),
]
OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="The file to write (written atomically).", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]


def _open(db: str) -> KnowledgeBase:
    return open_kb(db, create=False)


def _report(data: dict[str, Any], as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        console.print(text, highlight=False, soft_wrap=True)


@export_app.command()
def panel(
    output: OutputOption,
    start: Annotated[
        str | None, typer.Option("--from", help="First year (default: the first year of the data).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last year (default: the last year of the data).")
    ] = None,
    states: Annotated[
        str | None,
        typer.Option("--states", help="Comma-separated states (default: every state in the knowledge base)."),
    ] = None,
    codes: Annotated[
        str, typer.Option("--codes", help="Identifier codes: cow, gw, iso or wikidata.")
    ] = "cow",
    nondirected: Annotated[bool, typer.Option("--nondirected", help="One row per unordered pair.")] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv or parquet (default: from the file name).", show_default=False),
    ] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """A dyad-year panel (CSV or Parquet) with its codebook and metadata beside it.

    One row per directed pair of states and year (--nondirected: unordered pairs), identifiers
    first (ccode1, ccode2, year with --codes cow), sorted by them. Values are the state on 31
    December (as 'dyad status A B --on YEAR-12-31') or the events during the year; unknown is
    missing, not 0. PATH.codebook.md defines every variable; PATH.meta.json records the dyad
    version, the knowledge base's content hash, the command and the years.

    Example: [bold]dyad export panel --from 1990 --to 2020 --codes cow -o panel.csv[/]
    """
    from dyad.export.panel import write_panel

    names = [s.strip() for s in states.split(",") if s.strip()] if states else None
    result = write_panel(
        _open(db), output, fmt=fmt, start=start, end=end, states=names, codes=codes, directed=not nondirected
    )
    _report(
        result.to_dict(),
        as_json,
        f"wrote {result.rows} rows ({result.states} states, {result.start}–{result.end}) to {result.path}, "
        f"codebook {result.codebook}, metadata {result.metadata}",
    )


@export_app.command()
def events(
    output: OutputOption,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="jsonl, csv or parquet (default: from the file name).", show_default=False
        ),
    ] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Every event with its evidence, source document and offsets.

    JSON Lines is the exchange format of the events spec, with extra fields; 'dyad import' reads
    it back. CSV and Parquet add the fused event's date, conflict flag and sources.

    Example: [bold]dyad export events -o events.jsonl[/]
    """
    from dyad.export.events import write_events

    n = write_events(_open(db), output, fmt=fmt)
    _report({"path": str(output), "events": n}, as_json, f"wrote {n} events to {output}")


@export_app.command()
def graph(
    output: OutputOption,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="As of this date (YYYY, YYYY-MM, YYYY-MM-DD). Default: dynamic, every period."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="graphml or gexf (default: from the file name).", show_default=False),
    ] = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """The network of recognitions and diplomatic relations (GraphML or GEXF).

    With --on, the edges in force that day; without, every edge with its start and end dates, so
    Gephi can play the network through time.

    Example: [bold]dyad export graph --on 2010-01-01 -o recognitions.gexf[/]
    """
    from dyad.export.graph import write_graph

    result = write_graph(_open(db), output, fmt=fmt, on=on)
    when = f"as of {result.on}" if result.on else "dynamic"
    _report(
        result.to_dict(),
        as_json,
        f"wrote {result.nodes} states and {result.edges} edges ({when}) to {result.path}",
    )


@export_app.command()
def rdf(
    output: OutputOption,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="turtle or json-ld (default: from the file name).", show_default=False),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="Base IRI of events, documents and the vocabulary.")
    ] = "urn:dyad:",
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Linked data (Turtle or JSON-LD): states as Wikidata entities, each event a resource.

    Each event has its type, roles, date at its precision and its provenance (source documents
    and the evidence text with offsets).

    Example: [bold]dyad export rdf -o dyad.ttl[/]
    """
    from dyad.export.rdf import write_rdf

    result = write_rdf(_open(db), output, fmt=fmt, base=base)
    _report(
        result.to_dict(), as_json, f"wrote {result.events} events ({result.triples} triples) to {result.path}"
    )


@export_app.command()
def quickstatements(
    output: OutputOption,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against", help="Existing Wikidata claims (wbgetentities JSON): write only what is missing."
        ),
    ] = None,
    wiki: Annotated[str, typer.Option("--wiki", help="Base URL of article pages, for references.")] = (
        "https://en.wikipedia.org/wiki/"
    ),
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """QuickStatements for Wikidata: diplomatic relation (P530) with start and end time.

    Dates keep their precision (/11 day, /10 month, /9 year); the source article is the
    reference URL (S854). With --against, statements Wikidata already has are left out and the
    ones whose dates disagree are listed (and written to PATH.disagreements.tsv).

    Example: [bold]dyad export quickstatements --against claims.json -o p530.qs[/]
    """
    from dyad.export.quickstatements import write_quickstatements

    result, report = write_quickstatements(_open(db), output, against=against, wiki=wiki)
    data = {"path": str(output), "disagreements_file": str(report) if report else None, **result.to_dict()}
    if as_json:
        _report(data, True, "")
        return
    console.print(
        f"wrote {len(result.statements)} statements to {output}"
        + (f" ({result.present} already in Wikidata)" if against is not None else ""),
        highlight=False,
    )
    if result.disagreements:
        table = Table(
            "subject", "object", "property", "dyad", "Wikidata", "kind", title="disagreements with Wikidata"
        )
        for d in result.disagreements:
            table.add_row(
                f"{d.subject_name} ({d.subject})",
                f"{d.object_name} ({d.object})",
                d.property,
                d.ours,
                d.theirs,
                d.kind,
            )
        console.print(table)
    for note in result.skipped:
        err_console.print(f"skipped: {note}", highlight=False, soft_wrap=True)


@app.command("import")
def import_events(
    path: Annotated[
        Path, typer.Argument(help="A JSON Lines events file.", metavar="FILE.jsonl", show_default=False)
    ],
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Store the events of a JSON Lines file (as 'dyad export events' writes) in the knowledge base.

    The file is checked first, so a bad line stops the import before anything is written; each
    document is stored in one transaction and replaces a document with the same id.

    Example: [bold]dyad import events.jsonl --db sqlite:///copy.db[/]
    """
    from dyad.export.events import import_events as run_import

    report = run_import(open_kb(db), path)
    _report(
        report.to_dict(),
        as_json,
        f"imported {len(report.added) + len(report.updated)} documents ({report.events} events); "
        f"{len(report.unchanged)} unchanged",
    )
