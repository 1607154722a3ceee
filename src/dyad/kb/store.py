"""Opening, migrating and writing the knowledge base.

- :func:`normalise_url` turns what a user types (``sqlite:///kb.db``, ``kb.db``,
  ``postgresql://...``) into a SQLAlchemy URL; :func:`make_engine` opens it (SQLite in WAL mode
  with foreign keys, writers taking the lock up front with ``BEGIN IMMEDIATE``).
- :func:`migrate` runs the Alembic scripts shipped in ``dyad/kb/migrations`` up to head, in one
  transaction; opening a database does it.
- :class:`Store` writes: :meth:`Store.store_document` stores one document with its events in one
  transaction (idempotent by content hash; a changed document replaces its own claims, and only
  the facts those claims touch are rebuilt); :meth:`Store.ingest_documents` reads, extracts and
  stores a batch, going on past bad files; :meth:`Store.forget` drops a document.

A process killed at any point leaves every document either fully stored or not at all, and the
next run of the same batch completes it (unchanged documents are skipped by content hash).
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, delete, event, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from dyad.errors import (
    AmbiguousEntityError,
    ConfigError,
    DyadError,
    NotFoundError,
    ReadError,
    StoreError,
    UnknownEntityError,
)
from dyad.kb.fusion import PreparedEvent, prepare_event, refuse_groups
from dyad.kb.names import norm_name
from dyad.kb.schema import AliasRow, ClaimRow, DocumentRow, EntityRow, EvidenceRow
from dyad.model import Document, Event

__all__ = [
    "DEFAULT_URL",
    "HEAD_REVISION",
    "EntityRef",
    "ForgetReport",
    "IngestReport",
    "Store",
    "content_hash",
    "make_engine",
    "migrate",
    "normalise_url",
    "safe_url",
]

DEFAULT_URL = "sqlite:///dyad.db"
HEAD_REVISION = "0001"  # the newest script in migrations/versions (a test keeps them in step)
MIGRATIONS = Path(__file__).with_name("migrations")

Extractor = Callable[[Document], Sequence[Event]]
Progress = Callable[[int, int, str], None]
_MISSING: Any = object()


_RESOLVE = (
    select(EntityRow.__table__.c.id, EntityRow.__table__.c.name)
    .join(AliasRow.__table__, AliasRow.__table__.c.entity_id == EntityRow.__table__.c.id)
    .where(AliasRow.__table__.c.norm == bindparam("norm"))
    .distinct()
)


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL for what the user gave (None: ``DYAD_DB`` or ``sqlite:///dyad.db``)."""
    url = (url or os.environ.get("DYAD_DB") or DEFAULT_URL).strip()
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (already normalised); StoreError if it cannot be made."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a database URL: {url!r}") from error
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        memory = database in ("", ":memory:")
        if not memory and not Path(database).parent.exists():
            folder = str(Path(database).parent)
            raise StoreError(
                f"cannot create the knowledge base {database!r}: folder {folder!r} does not exist"
            )
        kwargs: dict[str, Any] = {"connect_args": {"timeout": 30}}
        if memory:
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"cannot use the database {safe_url(url)}: {error}") from error


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # dyad emits BEGIN itself (see _begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages per connection
        cursor.execute("PRAGMA mmap_size=268435456")  # 256 MiB read through the OS page cache
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get("dyad_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def _require_existing(url: str) -> None:
    parsed = make_url(url)
    database = parsed.database or ""
    if (
        parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not Path(database).exists()
    ):
        raise StoreError(
            f"no knowledge base at {database!r}",
            "run 'dyad ingest PATH...' first, or give --db (or DYAD_DB) for another database",
        )


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is there already)."""
    if _current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def content_hash(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A resolved name: the canonical name and its row id (None: known, but not in this KB)."""

    name: str
    id: int | None


@dataclass(slots=True)
class IngestReport:
    """What a batch did: document ids by outcome, and the files that failed with why."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": [{"source": s, "error": e} for s, e in self.failed],
            "events": self.events,
        }


@dataclass(frozen=True, slots=True)
class ForgetReport:
    doc: str
    events: int

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "events": self.events}


def _attr(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    return value if value not in ("", ()) else None


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _load_gazetteer() -> Any:
    try:
        module = importlib.import_module("dyad.entities")
    except ModuleNotFoundError as error:
        if error.name in ("dyad.entities", "dyad"):
            return None
        raise
    return module.load_gazetteer()


def _default_extractor() -> tuple[Extractor, str]:
    try:
        module = importlib.import_module("dyad.extract")
    except ModuleNotFoundError as error:
        raise ConfigError(f"the extractor cannot be loaded: {error}") from error
    version = getattr(module, "EXTRACTOR_VERSION", None) or _package_version()
    return module.extract_document, f"dyad.extract@{version}"


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("dyad")
    except Exception:
        return "dev"


def load_extractor(spec: str) -> tuple[Extractor, str]:
    """An extractor named ``module:function`` (for plug-ins and tests)."""
    module_name, _, func_name = spec.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name or "extract_document")
    except (ImportError, AttributeError) as error:
        raise ConfigError(
            f"cannot load the extractor {spec!r}: {error}", "give it as module:function"
        ) from error
    return func, spec


class Store:
    """An open knowledge base: the engine, the gazetteer, and every write."""

    def __init__(self, url: str | None = None, *, gazetteer: Any = _MISSING, create: bool = True) -> None:
        self.url = normalise_url(url)
        if not create:
            _require_existing(self.url)
        self.engine = make_engine(self.url)
        self._write_engine = self.engine.execution_options(dyad_write=True)
        self._gazetteer = gazetteer
        self._resolved: dict[str, EntityRef] = {}
        self._canonical: dict[str, str] = {}
        self._names: dict[int, str] = {}
        try:
            migrate(self.engine)
        except SQLAlchemyError as error:
            self.engine.dispose()
            raise StoreError(
                f"cannot open the knowledge base at {safe_url(self.url)}: {_short(error)}"
            ) from error

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({safe_url(self.url)!r})"

    @property
    def gazetteer(self) -> Any:
        """The gazetteer of ``dyad.entities`` (None when that stage is not installed)."""
        if self._gazetteer is _MISSING:
            self._gazetteer = _load_gazetteer()
        return self._gazetteer

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction: committed at the end, rolled back on any error."""
        try:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as error:
            raise StoreError(f"cannot write to {safe_url(self.url)}: {_short(error)}") from error
        finally:
            self._resolved.clear()
            self._names.clear()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as error:
            raise StoreError(f"cannot read {safe_url(self.url)}: {_short(error)}") from error

    # ------------------------------------------------------------------ names

    def canonical(self, name: str) -> str:
        """The gazetteer's canonical name for ``name`` (``name`` itself if it knows none)."""
        found = self._canonical.get(name)
        if found is None:
            gaz = self.gazetteer
            entity = gaz.get(name) if gaz is not None else None
            found = self._canonical[name] = str(entity.name) if entity is not None else name
        return found

    def resolve(self, name: str, conn: Any = None) -> EntityRef:
        """Resolve a user's name through the stored aliases, then the gazetteer.

        Raises UnknownEntityError (with suggestions) or AmbiguousEntityError. ``conn``: an open
        connection to use (queries resolve their names on the connection they then read with).
        """
        ref = self._resolved.get(name)
        if ref is None:
            if conn is None:
                with self._read() as own:
                    ref = self._resolve(name, own)
            else:
                ref = self._resolve(name, conn)
            if ref.id is not None:  # entities are never renamed or removed: a found id stays valid
                self._resolved[name] = ref
        return ref

    def _resolve(self, name: str, conn: Any) -> EntityRef:
        norm = norm_name(name)
        if not norm:
            raise UnknownEntityError(name)
        rows = conn.execute(_RESOLVE, {"norm": norm}).all()
        if len(rows) == 1:
            return EntityRef(rows[0].name, rows[0].id)
        if len(rows) > 1:
            exact = [r for r in rows if norm_name(r.name) == norm]
            if len(exact) == 1:
                return EntityRef(exact[0].name, exact[0].id)
            raise AmbiguousEntityError(name, sorted(r.name for r in rows))
        gaz = self.gazetteer
        if gaz is None:
            raise UnknownEntityError(name, self._suggest(norm, conn))
        try:
            entity = gaz.resolve(name)
        except UnknownEntityError as error:
            merged = list(dict.fromkeys([*self._suggest(norm, conn), *error.suggestions]))
            merged.sort(key=lambda s: -difflib.SequenceMatcher(None, norm, norm_name(s)).ratio())
            raise UnknownEntityError(name, merged[:3]) from None
        id_ = conn.execute(select(EntityRow.id).where(EntityRow.name == entity.name)).scalar()
        return EntityRef(str(entity.name), id_)

    def entity_names(self, conn: Any, ids: Iterable[int] = ()) -> dict[int, str]:
        """Entity id -> canonical name, reloaded when one of ``ids`` is missing (entities are
        never renamed or removed, so the cache stays right while other processes add some)."""
        if not self._names or any(i not in self._names for i in ids if i is not None):
            self._names = dict(conn.execute(select(EntityRow.id, EntityRow.name)).all())
        return self._names

    def _suggest(self, norm: str, conn: Any) -> list[str]:
        pairs = conn.execute(
            select(AliasRow.norm, EntityRow.name).join(EntityRow, EntityRow.id == AliasRow.entity_id)
        ).all()
        by_norm: dict[str, str] = {}
        for alias_norm, entity_name in pairs:
            by_norm.setdefault(alias_norm, entity_name)
        close = difflib.get_close_matches(norm, list(by_norm), n=8, cutoff=0.6)
        close += [n for n in by_norm if norm in n and n not in close]
        return list(dict.fromkeys(by_norm[n] for n in close))[:3]

    def _ensure_entities(self, session: Session, names: dict[str, str]) -> None:
        """Insert the entities (name -> role seen) that are not stored yet, with ids and aliases."""
        if not names:
            return
        present = set(session.scalars(select(EntityRow.name).where(EntityRow.name.in_(sorted(names)))))
        gaz = self.gazetteer
        for name in sorted(set(names) - present):
            entity = gaz.get(name) if gaz is not None else None
            kind = _attr(entity, "kind") or ("organization" if names[name] == "organization" else "state")
            row = EntityRow(
                name=name,
                kind=str(kind),
                iso2=_attr(entity, "iso2"),
                iso3=_attr(entity, "iso3"),
                wikidata=_attr(entity, "wikidata"),
                cow=_as_int(_attr(entity, "cow")),
                cow_abbr=_attr(entity, "cow_abbr"),
                gw=_as_int(_attr(entity, "gw")),
                status=_attr(entity, "status"),
                capital=_attr(entity, "capital"),
                known=entity is not None,
            )
            session.add(row)
            session.flush()
            aliases: dict[str, str] = {}
            candidates: list[Any] = [name]
            for attr in ("official_names", "aliases"):
                candidates.extend(_attr(entity, attr) or ())
            candidates.extend(_attr(entity, a) for a in ("iso2", "iso3", "wikidata", "cow_abbr"))
            for alias in candidates:
                if alias and (norm := norm_name(str(alias))):
                    aliases.setdefault(norm, str(alias))
            session.execute(
                insert(AliasRow),
                [{"entity_id": row.id, "alias": a, "norm": n} for n, a in aliases.items()],
            )

    # ------------------------------------------------------------------ writes

    def prepare(self, events: Sequence[Event]) -> list[PreparedEvent]:
        """Canonical names, identities and parsed dates of a document's events."""
        return [prepare_event(ev, i, self.canonical) for i, ev in enumerate(events)]

    def store_document(
        self, doc: Document, events: Sequence[Event], *, extractor: str = "", force: bool = False
    ) -> str:
        """Store one document and its events in one transaction.

        Returns "added", "updated" or "unchanged" (same text and same events: nothing is
        written). A changed document replaces its own claims; the facts they belong to are
        rebuilt, and nothing else changes.
        """
        prepared = self.prepare(events)
        c_hash = content_hash(doc.text)
        e_hash = hashlib.sha256(
            json.dumps(
                [p.fingerprint() for p in prepared], ensure_ascii=False, sort_keys=True, default=str
            ).encode()
        ).hexdigest()
        with self._write() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.doc_id == doc.doc_id))
            if row is not None and not force and row.content_hash == c_hash and row.events_hash == e_hash:
                if extractor and row.extractor != extractor:
                    row.extractor = extractor[:200]
                return "unchanged"
            affected: set[str] = set()
            status = "added"
            now = datetime.now(UTC)
            if row is not None:
                status = "updated"
                affected.update(
                    session.scalars(select(ClaimRow.group_key).where(ClaimRow.document_id == row.id))
                )
                session.execute(delete(EvidenceRow).where(EvidenceRow.document_id == row.id))
                session.execute(delete(ClaimRow).where(ClaimRow.document_id == row.id))
                row.title, row.source, row.format = doc.title, doc.source, doc.format
                row.content_hash, row.events_hash = c_hash, e_hash
                row.extractor, row.n_events, row.ingested_at = extractor[:200], len(prepared), now
            else:
                row = DocumentRow(
                    doc_id=doc.doc_id,
                    title=doc.title,
                    source=doc.source,
                    format=doc.format,
                    content_hash=c_hash,
                    events_hash=e_hash,
                    extractor=extractor[:200],
                    n_events=len(prepared),
                    ingested_at=now,
                )
                session.add(row)
            session.flush()
            names: dict[str, str] = {}
            for p in prepared:
                for role, name in p.entity_names:
                    names.setdefault(name, role)
            self._ensure_entities(session, names)
            claims = [
                ClaimRow(
                    document_id=row.id,
                    group_key=p.group_key,
                    seq=p.seq,
                    type=p.type,
                    roles=p.roles,
                    date=p.date,
                    precision=p.precision,
                    date_start=p.date_start,
                    date_end=p.date_end,
                    extractor=(p.event.extractor or "")[:100],
                    confidence=float(p.event.confidence),
                )
                for p in prepared
            ]
            session.add_all(claims)
            session.flush()
            evidence = [
                {
                    "claim_id": claim.id,
                    "document_id": row.id,
                    "text": ev.text,
                    "start_offset": ev.start,
                    "end_offset": ev.end,
                    "section": " > ".join(ev.section),
                    "block_kind": ev.block_kind,
                }
                for claim, p in zip(claims, prepared, strict=True)
                for ev in p.event.evidence
            ]
            if evidence:
                session.execute(insert(EvidenceRow), evidence)
            affected.update(p.group_key for p in prepared)
            refuse_groups(session, affected)
            return status

    def forget(self, doc: str) -> ForgetReport:
        """Drop a document (by id, or the path it was read from) and its events."""
        with self._write() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.doc_id == doc))
            if row is None:
                row = session.scalar(
                    select(DocumentRow)
                    .where((DocumentRow.source == doc) | (DocumentRow.doc_id == Path(doc).stem))
                    .order_by(DocumentRow.id)
                    .limit(1)
                )
            if row is None:
                ids = list(session.scalars(select(DocumentRow.doc_id)))
                close = difflib.get_close_matches(doc, ids, n=3)
                hint = (
                    "did you mean " + ", ".join(repr(c) for c in close) + "?"
                    if close
                    else "'dyad search' shows the documents events come from"
                )
                raise NotFoundError(f"no document {doc!r} in the knowledge base", hint)
            keys = set(session.scalars(select(ClaimRow.group_key).where(ClaimRow.document_id == row.id)))
            n = row.n_events
            session.execute(delete(EvidenceRow).where(EvidenceRow.document_id == row.id))
            session.execute(delete(ClaimRow).where(ClaimRow.document_id == row.id))
            session.delete(row)
            session.flush()
            refuse_groups(session, keys)
            return ForgetReport(row.doc_id, n)

    def _unchanged(self, doc: Document, extractor: str) -> bool:
        with self._read() as conn:
            found = conn.execute(
                select(DocumentRow.content_hash, DocumentRow.extractor).where(
                    DocumentRow.doc_id == doc.doc_id
                )
            ).first()
        return found is not None and found[0] == content_hash(doc.text) and found[1] == extractor[:200]

    def ingest_documents(
        self,
        items: Iterable[Document | ReadError | str | Path] | Document | str | Path,
        *,
        extractor: Extractor | str | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> IngestReport:
        """Read (paths), extract and store a batch, one transaction per document.

        A file that cannot be read or whose extraction fails is reported in
        :attr:`IngestReport.failed` and the batch goes on. Unchanged documents (same text, same
        extractor) are skipped without extraction. ``progress(done, total, doc_id)`` is called
        after every document.
        """
        if extractor is None:
            extract, tag = _default_extractor()
        elif isinstance(extractor, str):
            extract, tag = load_extractor(extractor)
        else:
            extract = extractor
            tag = f"{getattr(extractor, '__module__', '?')}.{getattr(extractor, '__qualname__', '?')}"
        if isinstance(items, (str, Path, Document)):
            items = [items]
        items = list(items)
        total = self._count(items)
        report = IngestReport()
        seen: dict[str, str] = {}
        done = 0
        for item in _iter_items(items):
            done += 1
            if isinstance(item, ReadError):
                report.failed.append((item.path, item.problem))
                _call(progress, done, total, item.path)
                continue
            doc = item
            if doc.doc_id in seen and seen[doc.doc_id] != doc.source:
                report.failed.append(
                    (
                        doc.source,
                        f"document id {doc.doc_id!r} is also the id of {seen[doc.doc_id]}; rename one",
                    )
                )
                _call(progress, done, total, doc.doc_id)
                continue
            seen[doc.doc_id] = doc.source
            if not force and self._unchanged(doc, tag):
                report.unchanged.append(doc.doc_id)
                _call(progress, done, total, doc.doc_id)
                continue
            try:
                events = list(extract(doc))
            except DyadError as error:
                report.failed.append((doc.source, error.one_line()))
                _call(progress, done, total, doc.doc_id)
                continue
            except Exception as error:  # one article must not stop a batch; it is reported
                report.failed.append((doc.source, f"extraction failed: {type(error).__name__}: {error}"))
                _call(progress, done, total, doc.doc_id)
                continue
            status = self.store_document(doc, events, extractor=tag, force=force)
            getattr(report, status).append(doc.doc_id)
            if status != "unchanged":
                report.events += len(events)
            _call(progress, done, total, doc.doc_id)
        return report

    @staticmethod
    def _count(items: list[Any]) -> int:
        paths = [i for i in items if isinstance(i, (str, Path))]
        n = len(items) - len(paths)
        if paths:
            from dyad.read import iter_files

            n += sum(1 for _ in iter_files(paths))
        return n


def _iter_items(items: list[Any]) -> Iterator[Document | ReadError]:
    for item in items:
        if isinstance(item, (str, Path)):
            from dyad.read import read_paths

            yield from read_paths([item])
        else:
            yield item


def _call(progress: Progress | None, done: int, total: int, label: str) -> None:
    if progress is not None:
        progress(done, max(total, done), label)


def _short(error: SQLAlchemyError) -> str:
    orig = getattr(error, "orig", None)
    message = str(orig if orig is not None else error).strip().splitlines()
    return message[0] if message else type(error).__name__
