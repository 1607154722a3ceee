"""Knowledge-base commands: ``ingest``, ``forget`` and the queries over :mod:`dyad.kb`.

Every command takes ``--db`` (env ``DYAD_DB``, default ``sqlite:///dyad.db``) and prints a rich
table, or JSON with ``--json``. Names resolve through aliases ("Russian Federation", "RUS",
"Q159"); errors are turned into one line by :func:`dyad.cli.app.main`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dyad.cli.app import EXIT_PARTIAL, app, console, err_console
from dyad.kb import DEFAULT_URL, KnowledgeBase, open_kb

__all__ = [
    "conflicts",
    "entities",
    "envoys",
    "fact",
    "forget",
    "ingest",
    "recognitions",
    "search",
    "status",
    "timeline",
    "treaties",
]

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="DYAD_DB",
        help="Knowledge base: a database URL (sqlite:///path, postgresql://user@host/db) or a SQLite file.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="As of this date: YYYY, YYYY-MM or YYYY-MM-DD (a period means its last day). "
        "Default: everything known, undated events included.",
        show_default=False,
    ),
]
_NAME_HELP = "A state or organisation: name, alias, ISO code or Wikidata id."
NameArg = Annotated[str, typer.Argument(help=_NAME_HELP, metavar="A", show_default=False)]
NameArgB = Annotated[str, typer.Argument(help=_NAME_HELP, metavar="B", show_default=False)]


def _open(db: str) -> KnowledgeBase:
    return open_kb(db, create=False)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _d(value: str | None) -> str:
    return value or "—"


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files or folders.", metavar="PATH...", show_default=False)
    ],
    db: DbOption = DEFAULT_URL,
    force: Annotated[
        bool, typer.Option("--force", help="Extract and store even unchanged documents.")
    ] = False,
    as_json: JsonOption = False,
    extractor: Annotated[
        str | None,
        typer.Option("--extractor", hidden=True, help="Use another extractor, as module:function."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-j", min=1, help="Dumps: local processes for extraction (default: all cores)."
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Dumps: run extraction on this Dask scheduler (tcp://host:8786)."),
    ] = None,
    select: Annotated[
        str, typer.Option("--select", help="Dumps: 'relations' (relations articles) or 'all' pages.")
    ] = "relations",
    index: Annotated[
        Path | None, typer.Option("--index", help="Dumps: the multistream index (default: found beside it).")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Dumps: ignore the checkpoint and read from the start.")
    ] = False,
) -> None:
    """Read articles, extract their events and store them in the knowledge base.

    Each document is stored in one transaction. An unchanged document (same text) is skipped; a
    changed one replaces its own events. The batch goes on past a bad file, lists it at the end
    and exits with code 3. A MediaWiki XML dump (.xml, .xml.bz2, multistream) is streamed: its
    relations articles are selected, extracted in parallel and stored; Ctrl-C stops cleanly and
    the same command resumes where it stopped.

    Example: [bold]dyad ingest corpus/ --db sqlite:///dyad.db[/]

    Example: [bold]dyad ingest enwiki-pages-articles.xml.bz2 --workers 2[/]
    """
    from dyad.scale import is_dump

    if len(paths) == 1 and is_dump(paths[0]):
        from dyad.scale.cli import ingest_dump_cli

        code = ingest_dump_cli(
            paths[0], db=db, workers=workers, dask=dask, select=select, index=index,
            restart=restart, force=force, as_json=as_json, console=console, err_console=err_console,
        )  # fmt: skip
        raise typer.Exit(code)
    kb = open_kb(db)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, disable=as_json or not err_console.is_terminal) as progress:
        task = progress.add_task("ingest", total=None)

        def step(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, total=total, description=label[:40])

        report = kb.ingest_documents(paths, extractor=extractor, progress=step, force=force)
    if as_json:
        _json(report.to_dict())
    else:
        table = Table("added", "updated", "unchanged", "failed", "events stored", title=f"ingest into {db}")
        table.add_row(
            str(len(report.added)),
            str(len(report.updated)),
            str(len(report.unchanged)),
            str(len(report.failed)),
            str(report.events),
        )
        console.print(table)
    if report.failed:
        err_console.print(f"[red]{len(report.failed)} file(s) failed:[/]")
        for source, error in report.failed:
            err_console.print(f"  {source}: {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def forget(
    doc: Annotated[
        str, typer.Argument(help="Document id (file name without extension) or its path.", metavar="DOC")
    ],
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Remove a document and the events it told; facts other articles also tell stay.

    Example: [bold]dyad forget abkhazia-russia[/]
    """
    result = _open(db).forget(doc)
    if as_json:
        _json(result.to_dict())
    else:
        console.print(f"forgot {result.doc} ({result.events} events)", highlight=False)


@app.command()
def timeline(
    a: NameArg,
    b: Annotated[
        str | None, typer.Argument(help="Only events that also involve this state.", metavar="B")
    ] = None,
    on: OnOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Every event involving a state (or a pair of states), in date order.

    Example: [bold]dyad timeline Abkhazia Russia[/]
    """
    facts = _open(db).timeline(a, b, on=on)
    if as_json:
        _json([f.to_dict() for f in facts])
        return
    table = Table(
        "date", "event", "who / what", "sources", "id", title=f"timeline of {a}" + (f" and {b}" if b else "")
    )
    for f in facts:
        date = _d(f.date) + (" [yellow](conflict)[/]" if f.conflict else "")
        table.add_row(date, f.type, f.summary(), ", ".join(f.sources), str(f.id))
    console.print(table)


@app.command()
def status(
    a: NameArg,
    b: NameArgB,
    on: OnOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Relations between two states as of a date.

    Shows recognition both ways, diplomatic relations, envoys, missions and treaties.

    Example: [bold]dyad status Russia Abkhazia --on 2009-01-01[/]
    """
    view = _open(db).status(a, b, on=on)
    if as_json:
        _json(view.to_dict())
        return
    table = Table("aspect", "state", "since", "detail", title=f"{view.a} – {view.b} as of {view.on or 'now'}")
    for rec in view.recognition:
        table.add_row(f"recognition {rec.actor} → {rec.target}", rec.status, _d(rec.since), "")
    table.add_row("diplomatic relations", view.relations.status, _d(view.relations.since), "")
    for key, tenures in view.envoys.items():
        current = [tenure for tenure in tenures if tenure.in_office]
        if current:
            envoy = current[-1]
            detail = f"credentials {', '.join(_d(c) for c in envoy.credentials)}" if envoy.credentials else ""
            table.add_row(f"envoy {key}", envoy.person, _d(envoy.appointed), detail)
        else:
            last = tenures[-1] if tenures else None
            table.add_row(
                f"envoy {key}",
                "none",
                _d(last.ended) if last else "—",
                f"last: {last.person}" if last else "",
            )
    for m in view.missions:
        where = f" in {m.city}" if m.city else ""
        table.add_row(f"mission of {m.owner}", m.status, _d(m.since), f"{m.kind}{where}")
    for treaty in view.treaties:
        ratified = ", ".join(f"{r.party} {_d(r.date)}" for r in treaty.ratified)
        since = _d(treaty.in_force_since or treaty.signed)
        table.add_row(f"treaty: {treaty.title}", treaty.status, since, f"ratified: {ratified or '—'}")
    console.print(table)


@app.command()
def recognitions(
    x: Annotated[str, typer.Argument(help=_NAME_HELP, metavar="X", show_default=False)],
    on: OnOption = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="Also list withdrawn recognitions.")] = False,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """The states that recognise a state on a given date.

    Example: [bold]dyad recognitions Abkhazia --on 2015-01-01[/]
    """
    states = _open(db).recognitions(x, on=on, include_withdrawn=withdrawn)
    if as_json:
        _json([s.to_dict() for s in states])
        return
    title = f"recognitions of {x} as of {on or 'now'}: {sum(s.recognises for s in states)}"
    table = Table("state", "status", "since", title=title)
    for s in states:
        table.add_row(s.actor, s.status, _d(s.since))
    console.print(table)


@app.command()
def envoys(
    a: Annotated[str, typer.Argument(help="The sending state.", metavar="A", show_default=False)],
    b: Annotated[str | None, typer.Argument(help="The receiving state (default: all).", metavar="B")] = None,
    on: OnOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Envoys of one state to another with their tenures.

    A tenure runs from the appointment (or the first credentials) to a dismissal or to the
    appointment of the next envoy.

    Example: [bold]dyad envoys Abkhazia Russia[/]
    """
    tenures = _open(db).envoys(a, b, on=on)
    if as_json:
        _json([t.to_dict() for t in tenures])
        return
    table = Table("to", "envoy", "appointed", "credentials", "ended", "how", title=f"envoys of {a}")
    for t in tenures:
        how = "in office" if t.in_office else (t.end_reason or "")
        if t.successor:
            how += f" by {t.successor}"
        table.add_row(
            t.receiver, t.person, _d(t.appointed), ", ".join(_d(c) for c in t.credentials), _d(t.ended), how
        )
    console.print(table)


@app.command()
def treaties(
    a: NameArg,
    b: Annotated[
        str | None, typer.Argument(help="Only treaties this state is also a party to.", metavar="B")
    ] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Only treaties not yet in force.")] = False,
    on: OnOption = None,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Treaties between states: signed, ratified by whom, in force once every party ratified.

    Example: [bold]dyad treaties Russia Abkhazia --pending[/]
    """
    states = _open(db).treaties(a, b, pending=pending, on=on)
    if as_json:
        _json([t.to_dict() for t in states])
        return
    table = Table("treaty", "parties", "signed", "ratified", "status", title="treaties")
    for t in states:
        ratified = ", ".join(f"{r.party} ({_d(r.date)})" for r in t.ratified) or "—"
        state = t.status + (f" since {t.in_force_since}" if t.in_force_since else "")
        table.add_row(t.title, ", ".join(t.parties), _d(t.signed), ratified, state)
    console.print(table)


@app.command()
def conflicts(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """Events whose sources disagree on the date, with every candidate date and its sources.

    The chosen date has the most sources; then the most precise; then the earliest.

    Example: [bold]dyad conflicts --json[/]
    """
    found = _open(db).conflicts()
    if as_json:
        _json([c.to_dict() for c in found])
        return
    table = Table(
        "id", "event", "who / what", "chosen", "candidates (sources)", title=f"{len(found)} date conflicts"
    )
    for c in found:
        candidates = "; ".join(f"{x.date}: {', '.join(x.docs)}" for x in c.candidates)
        table.add_row(str(c.fact.id), c.fact.type, c.fact.summary(), _d(c.chosen), candidates)
    console.print(table)


@app.command()
def entities(db: DbOption = DEFAULT_URL, as_json: JsonOption = False) -> None:
    """The states and organisations in the knowledge base, with their ids and aliases.

    Example: [bold]dyad entities --json[/]
    """
    found = _open(db).entities()
    if as_json:
        _json([e.to_dict() for e in found])
        return
    table = Table(
        "name", "kind", "ISO", "Wikidata", "COW", "events", "aliases", title=f"{len(found)} entities"
    )
    for e in found:
        iso = "/".join(x for x in (e.iso2, e.iso3) if x)
        cow = " ".join(str(x) for x in (e.cow, e.cow_abbr) if x)
        table.add_row(e.name, e.kind, iso, e.wikidata or "", cow, str(e.facts), ", ".join(e.aliases[:6]))
    console.print(table)


@app.command()
def search(
    text: Annotated[
        str, typer.Argument(help="Words that must all occur in the evidence (any case).", metavar="TEXT")
    ],
    limit: Annotated[int, typer.Option("--limit", help="At most this many events.")] = 50,
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """Find events by the text of their evidence.

    Example: [bold]dyad search "embassy Sukhumi"[/]
    """
    hits = _open(db).search(text, limit=limit)
    if as_json:
        _json([h.to_dict() for h in hits])
        return
    table = Table("id", "date", "event", "who / what", "doc", "evidence", title=f"{len(hits)} events")
    for h in hits:
        table.add_row(str(h.fact.id), _d(h.fact.date), h.fact.type, h.fact.summary(), h.doc, h.text)
    console.print(table)


@app.command()
def fact(
    fact_id: Annotated[
        int, typer.Argument(help="The id shown by timeline, search or conflicts.", metavar="ID")
    ],
    db: DbOption = DEFAULT_URL,
    as_json: JsonOption = False,
) -> None:
    """One event with all its evidence and candidate dates.

    Example: [bold]dyad fact 42[/]
    """
    view = _open(db).event(fact_id)
    if as_json:
        _json(view.to_dict())
        return
    console.print(f"[bold]{view.type}[/] {view.summary()}  date {_d(view.date)}", highlight=False)
    table = Table("doc", "offsets", "section", "evidence")
    for e in view.evidence:
        table.add_row(e.doc, f"{e.start}-{e.end}", e.section, e.text)
    console.print(table)
