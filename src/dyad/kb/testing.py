"""Helpers for testing the knowledge base (used by ``tests/test_kb_*.py`` and ``bench``).

- :class:`FakeGazetteer` with a few real states (ids are real facts; no text is copied);
- :func:`ev` builds an Event with evidence in one call;
- :func:`fixture_extractor` reads a tiny controlled language ("Arland recognised Borvia on
  2001-05-03.") so that batch ingests can run in a subprocess without the NLP extractor;
  :func:`write_fixture_corpus` writes many small articles in it;
- :func:`find_test_postgres` / :func:`reset_database` / :func:`engine_url` locate and clean the
  PostgreSQL server of ``scripts/postgres.sh`` (URL from ``DYAD_TEST_PG_URL`` or ``.pg/url``).

Nothing here is imported by dyad itself.
"""

from __future__ import annotations

import difflib
import os
import random
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyad.errors import AmbiguousEntityError, UnknownEntityError
from dyad.kb.names import norm_name
from dyad.model import Document, Event, Evidence

__all__ = [
    "SAMPLE_ENTITIES",
    "FakeEntity",
    "FakeGazetteer",
    "check_consistency",
    "doc",
    "engine_url",
    "ev",
    "find_test_postgres",
    "fixture_extractor",
    "reset_database",
    "sample_gazetteer",
    "snapshot",
    "write_fixture_corpus",
]


@dataclass(frozen=True)
class FakeEntity:
    """The fields of ``dyad.entities.Entity`` that the knowledge base reads."""

    name: str
    kind: str = "state"
    official_names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    iso2: str | None = None
    iso3: str | None = None
    wikidata: str | None = None
    cow: int | None = None
    cow_abbr: str | None = None
    gw: int | None = None
    status: str | None = "member"
    capital: str | None = None


SAMPLE_ENTITIES = (
    FakeEntity(
        "Russia",
        official_names=("Russian Federation",),
        iso2="RU",
        iso3="RUS",
        wikidata="Q159",
        cow=365,
        cow_abbr="RUS",
        gw=365,
        capital="Moscow",
    ),
    FakeEntity(
        "Georgia", iso2="GE", iso3="GEO", wikidata="Q230", cow=372, cow_abbr="GRG", gw=372, capital="Tbilisi"
    ),
    FakeEntity(
        "Abkhazia",
        official_names=("Republic of Abkhazia",),
        wikidata="Q23334",
        status="partially recognised",
        capital="Sukhumi",
    ),
    FakeEntity(
        "South Ossetia",
        official_names=("Republic of South Ossetia",),
        aliases=("South Ossetia–Alania",),
        wikidata="Q23427",
        status="partially recognised",
        capital="Tskhinvali",
    ),
    FakeEntity("Nicaragua", iso2="NI", iso3="NIC", wikidata="Q811", cow=93, cow_abbr="NIC", gw=93),
    FakeEntity("Venezuela", iso2="VE", iso3="VEN", wikidata="Q717", cow=101, cow_abbr="VEN", gw=101),
    FakeEntity("Nauru", iso2="NR", iso3="NRU", wikidata="Q697", cow=970, cow_abbr="NAU", gw=970),
    FakeEntity("Vanuatu", iso2="VU", iso3="VUT", wikidata="Q686", cow=935, cow_abbr="VAN", gw=935),
    FakeEntity("Tuvalu", iso2="TV", iso3="TUV", wikidata="Q672", cow=947, cow_abbr="TUV", gw=947),
    FakeEntity(
        "Syria",
        official_names=("Syrian Arab Republic",),
        iso2="SY",
        iso3="SYR",
        wikidata="Q858",
        cow=652,
        cow_abbr="SYR",
        gw=652,
    ),
    FakeEntity(
        "Republic of the Congo",
        aliases=("Congo", "Congo-Brazzaville"),
        iso2="CG",
        iso3="COG",
        wikidata="Q971",
        cow=484,
        cow_abbr="CON",
        gw=484,
    ),
    FakeEntity(
        "Democratic Republic of the Congo",
        aliases=("Congo", "DR Congo", "Congo-Kinshasa"),
        iso2="CD",
        iso3="COD",
        wikidata="Q974",
        cow=490,
        cow_abbr="DRC",
        gw=490,
    ),
    FakeEntity("European Union", kind="organization", aliases=("EU",), wikidata="Q458", status=None),
)


@dataclass
class FakeGazetteer:
    """A gazetteer with ``get``/``resolve``/``states``/``organizations`` like ``dyad.entities``."""

    entities: tuple[FakeEntity, ...] = SAMPLE_ENTITIES
    _index: dict[str, list[FakeEntity]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for e in self.entities:
            names = [e.name, *e.official_names, *e.aliases, e.iso2, e.iso3, e.wikidata, e.cow_abbr]
            for n in names:
                if n:
                    bucket = self._index.setdefault(norm_name(n), [])
                    if e not in bucket:
                        bucket.append(e)

    def get(self, name: str) -> FakeEntity | None:
        found = self._index.get(norm_name(name), [])
        exact = [e for e in found if norm_name(e.name) == norm_name(name)]
        if len(exact) == 1:
            return exact[0]
        return found[0] if len(found) == 1 else None

    def resolve(self, name: str) -> FakeEntity:
        found = self._index.get(norm_name(name), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise AmbiguousEntityError(name, sorted(e.name for e in found))
        close = difflib.get_close_matches(norm_name(name), list(self._index), n=3, cutoff=0.6)
        raise UnknownEntityError(name, list(dict.fromkeys(self._index[c][0].name for c in close)))

    def states(self) -> list[FakeEntity]:
        return [e for e in self.entities if e.kind == "state"]

    def organizations(self) -> list[FakeEntity]:
        return [e for e in self.entities if e.kind == "organization"]


def sample_gazetteer() -> FakeGazetteer:
    return FakeGazetteer()


def ev(type_: str, date: str | None, doc_id: str, text: str = "", *, start: int = 0, **roles: Any) -> Event:
    """An Event with one piece of evidence: ``ev("recognition", "2008", "a", actor=..., target=...)``."""
    text = text or f"{type_} {roles} {date}"
    return Event(
        type_, dict(roles), date, [Evidence(doc_id, text, start, start + len(text))], extractor="test"
    )


def doc(doc_id: str, text: str = "", title: str | None = None) -> Document:
    return Document(
        title=title or doc_id, source=f"{doc_id}.txt", format="text", text=text or doc_id, doc_id=doc_id
    )


# --------------------------------------------------------------------------- controlled language

_NAME = r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)*"
_DATE = r"\d{4}(?:-\d{2}){0,2}"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("recognition", re.compile(rf"(?P<actor>{_NAME}) recognised (?P<target>{_NAME}) on (?P<date>{_DATE})\.")),
    (
        "recognition_withdrawn",
        re.compile(
            rf"(?P<actor>{_NAME}) withdrew its recognition of (?P<target>{_NAME}) on (?P<date>{_DATE})\."
        ),
    ),
    (
        "relations_established",
        re.compile(
            rf"(?P<a>{_NAME}) and (?P<b>{_NAME}) established diplomatic relations on (?P<date>{_DATE})\."
        ),
    ),
    (
        "relations_severed",
        re.compile(
            rf"(?P<actor>{_NAME}) broke off relations with (?P<target>{_NAME}) on (?P<date>{_DATE})\."
        ),
    ),
    (
        "ambassador_appointed",
        re.compile(
            rf"(?P<sender>{_NAME}) named (?P<person>{_NAME}) its envoy to "
            rf"(?P<receiver>{_NAME}) on (?P<date>{_DATE})\."
        ),
    ),
    (
        "mission_opened",
        re.compile(rf"(?P<owner>{_NAME}) opened an embassy in (?P<host>{_NAME}) on (?P<date>{_DATE})\."),
    ),
]


def fixture_extractor(document: Document) -> list[Event]:
    """Events of the controlled language of :func:`write_fixture_corpus`, with offsets.

    With env ``DYAD_TEST_EXTRACT_DELAY`` (seconds), sleeps that long per document, so a
    test can kill a batch in the middle.
    """
    delay = float(os.environ.get("DYAD_TEST_EXTRACT_DELAY", "0") or 0)
    if delay:
        time.sleep(delay)
    events = []
    for type_, pattern in _PATTERNS:
        for m in pattern.finditer(document.text):
            roles = {k: v for k, v in m.groupdict().items() if k not in ("date", "a", "b")}
            if "a" in m.groupdict():
                roles["parties"] = [m.group("a"), m.group("b")]
            if type_ == "mission_opened":
                roles["kind"] = "embassy"
            evidence = Evidence(document.doc_id, m.group(0), m.start(), m.end())
            events.append(Event(type_, roles, m.group("date"), [evidence], extractor="fixture"))
    events.sort(key=lambda e: e.evidence[0].start)
    return events


_FICTIONAL = ("Arland", "Borvia", "Corenth", "Dalmora", "Estavia", "Fenwick Isles", "Gravonia", "Hollin")
_PEOPLE = ("Ada Lind", "Boris Kell", "Cora Vance", "Dmitri Oro", "Elsa Marr", "Felix Tamm")


def write_fixture_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` small articles in the controlled language; many events recur across them,
    some with dates that disagree by a day (so fusion and conflicts are exercised)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        lines = [f"= Article {i:04d} =", ""]
        for _ in range(rng.randint(3, 6)):
            a, b = rng.sample(_FICTIONAL, 2)
            year = rng.choice((1991, 1992, 1999, 2004))
            day = rng.choice((10, 10, 10, 11))
            kind = rng.randrange(6)
            date = f"{year}-05-{day:02d}"
            if kind == 0:
                lines.append(f"{a} recognised {b} on {date}.")
            elif kind == 1:
                lines.append(f"{a} withdrew its recognition of {b} on {year + 1}.")
            elif kind == 2:
                lines.append(f"{a} and {b} established diplomatic relations on {date}.")
            elif kind == 3:
                lines.append(f"{a} broke off relations with {b} on {year}-09.")
            elif kind == 4:
                lines.append(f"{a} named {rng.choice(_PEOPLE)} its envoy to {b} on {date}.")
            else:
                lines.append(f"{a} opened an embassy in {b} on {year}.")
            lines.append("")
        path = folder / f"article-{i:04d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- databases


def _project_root() -> Path | None:
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml").exists() and (folder / "src" / "dyad").exists():
                return folder
    return None


def find_test_postgres() -> tuple[str | None, str]:
    """(URL, "") of a reachable test PostgreSQL server, or (None, why not)."""
    url = os.environ.get("DYAD_TEST_PG_URL", "").strip()
    if not url:
        root = _project_root()
        url_file = root / ".pg" / "url" if root else None
        if url_file is None or not url_file.exists():
            return None, "no PostgreSQL for tests: set DYAD_TEST_PG_URL or run scripts/postgres.sh"
        url = url_file.read_text().strip()
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from dyad.kb.store import normalise_url

    try:
        engine = create_engine(normalise_url(url), connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as error:
        return None, f"PostgreSQL at {url} is not reachable ({type(error).__name__}); run scripts/postgres.sh"
    return url, ""


def reset_database(url: str) -> None:
    """Drop every knowledge-base table (and Alembic's) so the next open migrates from scratch."""
    from sqlalchemy import create_engine, text

    from dyad.kb.schema import ALL_TABLES
    from dyad.kb.store import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        for table in (*ALL_TABLES, "alembic_version"):
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


def engine_url(kind: str, tmp_path: Path) -> str:
    """A fresh, empty database URL of ``kind`` ("sqlite" or "postgresql") for one test.

    PostgreSQL that cannot be reached skips the test, except under CI (env ``CI=true``), where
    it fails: CI must run the PostgreSQL tests.
    """
    import pytest

    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    url, reason = find_test_postgres()
    if url is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    reset_database(url)
    return url


def snapshot(kb: Any) -> list[tuple[Any, ...]]:
    """The facts of a knowledge base without row ids: comparable across databases."""
    return sorted(_all_facts(kb))


def _all_facts(kb: Any) -> Iterable[tuple[Any, ...]]:
    from sqlalchemy import select

    from dyad.kb.schema import ClaimRow, DocumentRow, FactRow

    with kb.engine.connect() as conn:
        docs: dict[int, list[str]] = {}
        for fact_id, doc_id in conn.execute(
            select(ClaimRow.fact_id, DocumentRow.doc_id).join(
                DocumentRow, DocumentRow.id == ClaimRow.document_id
            )
        ):
            docs.setdefault(fact_id, []).append(doc_id)
        for f in conn.execute(select(FactRow.__table__)):
            yield (
                f.type,
                repr(sorted(f.roles.items())),
                f.date,
                f.n_sources,
                f.n_claims,
                f.conflict,
                tuple(sorted(docs.get(f.id, []))),
            )


def check_consistency(kb: Any) -> list[str]:
    """Problems that a half-written document would leave (empty list: consistent)."""
    from sqlalchemy import func, select

    from dyad.kb.schema import ClaimRow, DocumentRow, EvidenceRow, FactPartyRow, FactRow

    problems = []
    with kb.engine.connect() as conn:
        for doc_id, n_events, n_claims in conn.execute(
            select(DocumentRow.doc_id, DocumentRow.n_events, func.count(ClaimRow.id))
            .outerjoin(ClaimRow, ClaimRow.document_id == DocumentRow.id)
            .group_by(DocumentRow.id, DocumentRow.doc_id, DocumentRow.n_events)
        ):
            if n_events != n_claims:
                problems.append(f"document {doc_id}: {n_events} events but {n_claims} claims")
        orphans = conn.execute(select(func.count()).where(ClaimRow.fact_id.is_(None))).scalar_one()
        if orphans:
            problems.append(f"{orphans} claims belong to no fact")
        empty = conn.execute(
            select(func.count()).select_from(FactRow).where(~FactRow.id.in_(select(ClaimRow.fact_id)))
        ).scalar_one()
        if empty:
            problems.append(f"{empty} facts have no claims")
        wrong = conn.execute(
            select(func.count())
            .select_from(FactRow)
            .where(
                FactRow.n_claims
                != select(func.count(ClaimRow.id)).where(ClaimRow.fact_id == FactRow.id).scalar_subquery()
            )
        ).scalar_one()
        if wrong:
            problems.append(f"{wrong} facts have a wrong claim count")
        no_evidence = conn.execute(
            select(func.count()).select_from(ClaimRow).where(~ClaimRow.id.in_(select(EvidenceRow.claim_id)))
        ).scalar_one()
        if no_evidence:
            problems.append(f"{no_evidence} claims have no evidence")
        dangling = conn.execute(
            select(func.count())
            .select_from(FactPartyRow)
            .where(~FactPartyRow.fact_id.in_(select(FactRow.id)))
        ).scalar_one()
        if dangling:
            problems.append(f"{dangling} fact_parties rows point to no fact")
        dup = conn.execute(
            select(DocumentRow.doc_id).group_by(DocumentRow.doc_id).having(func.count() > 1)
        ).all()
        if dup:
            problems.append(f"duplicate documents: {dup}")
    return problems
