"""Storing documents on SQLite and PostgreSQL: migrations, idempotency, replacement, forget,
fusion across documents, conflicts, entities and names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from dyad.errors import AmbiguousEntityError, NotFoundError, StoreError, UnknownEntityError
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.schema import Base, DocumentRow, FactRow
from dyad.kb.store import HEAD_REVISION, MIGRATIONS, normalise_url
from dyad.kb.testing import FakeGazetteer, check_consistency, doc, engine_url, ev, fixture_extractor, snapshot

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return engine_url(request.param, tmp_path)


@pytest.fixture
def kb(url: str) -> Iterator[KnowledgeBase]:
    base = open_kb(url, gazetteer=FakeGazetteer())
    yield base
    base.close()


def dump(kb: KnowledgeBase) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order: equality means nothing changed."""
    out = {}
    with kb.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows]
    return out


def abkhazia_doc() -> tuple[Any, list[Any]]:
    d = doc("abkhazia-russia", "Russia recognised Abkhazia. Both established relations. An embassy opened.")
    events = [
        ev(
            "recognition",
            "2008-08-26",
            d.doc_id,
            "Russia recognised Abkhazia.",
            actor="Russian Federation",
            target="Abkhazia",
        ),
        ev(
            "relations_established",
            "2008-09-09",
            d.doc_id,
            "Both established relations.",
            start=28,
            parties=["Abkhazia", "RUS"],
        ),
        ev(
            "mission_opened",
            "2009-05-01",
            d.doc_id,
            "An embassy opened.",
            start=56,
            owner="Russia",
            host="Abkhazia",
            kind="embassy",
            city="Sukhumi",
        ),
    ]
    return d, events


# ----------------------------------------------------------------- schema and opening


def test_migrations_match_the_models(kb: KnowledgeBase) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with kb.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert diffs == []
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION == version


def test_reopening_does_not_migrate_again(url: str) -> None:
    open_kb(url, gazetteer=None).close()
    kb = open_kb(url, gazetteer=None)
    with kb.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    kb.close()


def test_urls() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("kb.db") == "sqlite:///kb.db"
    assert normalise_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_default_url_comes_from_dyad_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYAD_DB", f"sqlite:///{tmp_path / 'env.db'}")
    kb = open_kb(gazetteer=None)
    kb.store_document(doc("x"), [ev("recognition", "2001", "x", actor="Arland", target="Borvia")])
    kb.close()
    assert (tmp_path / "env.db").exists()
    memory = open_kb("sqlite://", gazetteer=None)
    memory.store_document(doc("x"), [ev("recognition", "2001", "x", actor="Arland", target="Borvia")])
    assert memory.counts()["facts"] == 1


def test_bad_database_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_kb(f"sqlite:///{tmp_path}/missing/folder/kb.db")
    with pytest.raises(StoreError):
        open_kb("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="no knowledge base"):
        open_kb(str(tmp_path / "absent.db"), create=False)


# ----------------------------------------------------------------- idempotency, replacement, forget


def test_same_document_twice_changes_nothing(kb: KnowledgeBase) -> None:
    d, events = abkhazia_doc()
    assert kb.store_document(d, events) == "added"
    before = dump(kb)
    assert kb.store_document(d, events) == "unchanged"
    assert dump(kb) == before
    assert kb.counts()["facts"] == 3 and kb.counts()["documents"] == 1


def test_changed_document_replaces_only_its_own_events(kb: KnowledgeBase) -> None:
    d, events = abkhazia_doc()
    other = doc("nicaragua", "Nicaragua and Russia both recognised Abkhazia.")
    other_events = [
        ev(
            "recognition",
            "2008-09-05",
            "nicaragua",
            "Nicaragua recognised Abkhazia.",
            actor="Nicaragua",
            target="Abkhazia",
        ),
        ev(
            "recognition",
            "2008-08-26",
            "nicaragua",
            "Russia recognised it first.",
            actor="Russia",
            target="Abkhazia",
        ),
    ]
    kb.store_document(d, events)
    kb.store_document(other, other_events)
    shared = next(f for f in kb.timeline("Russia", "Abkhazia") if f.type == "recognition")
    assert shared.sources == ("abkhazia-russia", "nicaragua")
    with kb.engine.connect() as conn:
        untouched = conn.execute(
            select(FactRow).where(FactRow.type == "recognition", FactRow.n_sources == 1)
        ).all()
        other_row = conn.execute(select(DocumentRow).where(DocumentRow.doc_id == "nicaragua")).one()

    changed = doc("abkhazia-russia", d.text + " Edited.")
    new_events = [
        events[0],
        ev("relations_established", "2008-09-10", d.doc_id, "Edited.", parties=["Abkhazia", "Russia"]),
    ]
    assert kb.store_document(changed, new_events) == "updated"

    with kb.engine.connect() as conn:
        assert (
            conn.execute(select(FactRow).where(FactRow.type == "recognition", FactRow.n_sources == 1)).all()
            == untouched
        )
        assert conn.execute(select(DocumentRow).where(DocumentRow.doc_id == "nicaragua")).one() == other_row
    again = next(f for f in kb.timeline("Russia", "Abkhazia") if f.type == "recognition")
    assert (again.id, again.sources) == (shared.id, ("abkhazia-russia", "nicaragua"))
    assert kb.missions("Russia", "Abkhazia") == []  # the mission is no longer told
    assert kb.status("Russia", "Abkhazia").relations.since == "2008-09-10"
    assert check_consistency(kb) == []


def test_forget_removes_a_document_and_only_its_share(kb: KnowledgeBase) -> None:
    d, events = abkhazia_doc()
    kb.store_document(d, events)
    kb.store_document(doc("b"), [ev("recognition", "2008-08-26", "b", actor="Russia", target="Abkhazia")])
    report = kb.forget("abkhazia-russia")
    assert (report.doc, report.events) == ("abkhazia-russia", 3)
    (only,) = kb.timeline("Russia", "Abkhazia")
    assert (only.type, only.sources) == ("recognition", ("b",))
    assert kb.counts()["documents"] == 1
    kb.forget("b.txt")  # by path
    assert kb.counts()["facts"] == 0 and kb.counts()["claims"] == 0 and kb.counts()["evidence"] == 0
    with pytest.raises(NotFoundError):
        kb.forget("abkhazia-russia")


def test_forget_unknown_suggests(kb: KnowledgeBase) -> None:
    kb.store_document(doc("abkhazia-russia"), [])
    with pytest.raises(NotFoundError) as error:
        kb.forget("abkhazia-rusia")
    assert "abkhazia-russia" in error.value.hint


def test_forget_then_ingest_again_is_like_never_forgotten(kb: KnowledgeBase) -> None:
    d, events = abkhazia_doc()
    kb.store_document(d, events)
    before = snapshot(kb)
    kb.forget(d.doc_id)
    kb.store_document(d, events)
    assert snapshot(kb) == before


# ----------------------------------------------------------------- fusion across articles


def test_agreeing_sources_make_one_fact_with_several_evidences(kb: KnowledgeBase) -> None:
    for name in ("a", "b", "c"):
        kb.store_document(
            doc(name),
            [ev("recognition", "2008-08-26", name, f"{name} says so", actor="Russia", target="Abkhazia")],
        )
    (f,) = kb.timeline("Abkhazia")
    assert f.sources == ("a", "b", "c") and not f.conflict
    detail = kb.event(f.id)
    assert sorted(e.doc for e in detail.evidence) == ["a", "b", "c"]
    assert kb.conflicts() == []


def test_disagreeing_sources_make_one_fact_and_a_conflict(kb: KnowledgeBase) -> None:
    kb.store_document(doc("a"), [ev("recognition", "2009-12-15", "a", actor="Nauru", target="Abkhazia")])
    kb.store_document(doc("b"), [ev("recognition", "2009-12-14", "b", actor="Nauru", target="Abkhazia")])
    kb.store_document(doc("c"), [ev("recognition", "2009-12-14", "c", actor="NRU", target="Abkhazia")])
    (f,) = kb.timeline("Nauru", "Abkhazia")
    assert (f.date, f.conflict, f.sources) == ("2009-12-14", True, ("a", "b", "c"))
    (conflict,) = kb.conflicts()
    assert conflict.chosen == "2009-12-14"
    assert {c.date: c.docs for c in conflict.candidates} == {"2009-12-14": ("b", "c"), "2009-12-15": ("a",)}
    # the day between the two dates: only the chosen date counts for as-of queries
    assert kb.recognitions("Abkhazia", "2009-12-14")[0].actor == "Nauru"
    assert kb.recognitions("Abkhazia", "2009-12-13") == []
    # one source withdraws its date: no conflict any more
    kb.forget("a")
    assert kb.conflicts() == []


def test_compatible_precisions_keep_the_precise_date(kb: KnowledgeBase) -> None:
    kb.store_document(doc("a"), [ev("relations_established", "2009", "a", parties=["Abkhazia", "Nicaragua"])])
    kb.store_document(
        doc("b"), [ev("relations_established", "2009-05-01", "b", parties=["Nicaragua", "Abkhazia"])]
    )
    (f,) = kb.timeline("Nicaragua")
    assert (f.date, f.precision, f.conflict, f.sources) == ("2009-05-01", "day", False, ("a", "b"))


def test_undated_events_merge_into_the_dated_fact(kb: KnowledgeBase) -> None:
    roles = {"owner": "Russia", "host": "Abkhazia", "kind": "embassy"}
    kb.store_document(doc("a"), [ev("mission_opened", None, "a", "Russia has an embassy there.", **roles)])
    kb.store_document(doc("b"), [ev("mission_opened", "2009-05-01", "b", **roles, city="Sukhumi")])
    (f,) = kb.timeline("Russia", "Abkhazia")
    assert (f.date, f.sources, f.roles["city"]) == ("2009-05-01", ("a", "b"), "Sukhumi")


def test_persons_match_by_family_name_and_treaties_by_title(kb: KnowledgeBase) -> None:
    kb.store_document(
        doc("a"),
        [
            ev(
                "ambassador_appointed",
                "2008-10-20",
                "a",
                person="Aslan Kvitsinia",
                sender="Abkhazia",
                receiver="Russia",
            ),
            ev(
                "treaty_signed",
                "2008-09-17",
                "a",
                parties=["Russia", "Abkhazia"],
                title="Treaty of Friendship, Cooperation and Mutual Assistance",
            ),
        ],
    )
    kb.store_document(
        doc("b"),
        [
            ev(
                "ambassador_appointed",
                "2008-10-20",
                "b",
                person="Kvitsinia",
                sender="Abkhazia",
                receiver="Russia",
            ),
            ev(
                "treaty_signed",
                "2008-09-17",
                "b",
                parties=["Abkhazia", "Russia"],
                title="treaty of friendship, cooperation and mutual assistance between Russia and Abkhazia",
            ),
        ],
    )
    facts = kb.timeline("Abkhazia", "Russia")
    assert [(f.type, f.sources) for f in facts] == [
        ("treaty_signed", ("a", "b")),
        ("ambassador_appointed", ("a", "b")),
    ]
    assert facts[1].roles["person"] == "Aslan Kvitsinia"


def test_a_withdrawn_and_renewed_recognition_stays_two_facts(kb: KnowledgeBase) -> None:
    kb.store_document(
        doc("a"),
        [
            ev("recognition", "2011-05-23", "a", actor="Vanuatu", target="Abkhazia"),
            ev("recognition_withdrawn", "2013-05-20", "a", actor="Vanuatu", target="Abkhazia"),
            ev("recognition", "2013-07-12", "a", actor="Vanuatu", target="Abkhazia"),
        ],
    )
    kb.store_document(doc("b"), [ev("recognition", "2011-05-31", "b", actor="Vanuatu", target="Abkhazia")])
    recs = [f for f in kb.timeline("Vanuatu") if f.type == "recognition"]
    assert [(f.date, f.sources, f.conflict) for f in recs] == [
        ("2011-05-23", ("a", "b"), True),
        ("2013-07-12", ("a",), False),
    ]


# ----------------------------------------------------------------- entities and names


def test_entities_carry_ids_and_aliases(kb: KnowledgeBase) -> None:
    d, events = abkhazia_doc()
    kb.store_document(d, events)
    by_name = {e.name: e for e in kb.entities()}
    assert set(by_name) == {"Russia", "Abkhazia"}  # "Russian Federation" and "RUS" were folded
    russia = by_name["Russia"]
    assert (russia.iso2, russia.iso3, russia.wikidata, russia.cow, russia.known) == (
        "RU",
        "RUS",
        "Q159",
        365,
        True,
    )
    assert "Russian Federation" in russia.aliases and russia.facts == 3


@pytest.mark.parametrize("name", ["Russia", "Russian Federation", "RUS", "ru", "Q159", "russian  federation"])
def test_names_resolve_through_aliases(kb: KnowledgeBase, name: str) -> None:
    d, events = abkhazia_doc()
    kb.store_document(d, events)
    assert kb.resolve(name).name == "Russia"
    assert kb.recognitions("Q23334")[0].actor == "Russia"  # Abkhazia by Wikidata id
    assert kb.status(name, "Abkhazia").recognition[0].status == "recognised"


def test_unknown_name_suggests(kb: KnowledgeBase) -> None:
    kb.store_document(*abkhazia_doc())
    with pytest.raises(UnknownEntityError) as error:
        kb.status("Abkhasia", "Russia")
    assert error.value.suggestions[0] == "Abkhazia"
    assert "Abkhazia" in error.value.one_line()


def test_ambiguous_name(kb: KnowledgeBase) -> None:
    with pytest.raises(AmbiguousEntityError):
        kb.recognitions("Congo")


def test_known_name_without_events_gives_empty_answers(kb: KnowledgeBase) -> None:
    assert kb.recognitions("Syria") == [] and kb.timeline("SYR") == []
    assert kb.status("Syria", "Nauru").relations.status == "none"


def test_without_gazetteer_names_are_kept_as_given(url: str) -> None:
    kb = open_kb(url, gazetteer=None)
    kb.store_document(doc("x"), [ev("recognition", "2001", "x", actor="Arland", target="Borvia")])
    assert kb.recognitions("arland ") == [] and kb.recognitions("Borvia")[0].actor == "Arland"
    with pytest.raises(UnknownEntityError) as error:
        kb.timeline("Borvya")
    assert error.value.suggestions == ["Borvia"]
    kb.close()


def test_real_gazetteer_when_installed(url: str) -> None:
    pytest.importorskip("dyad.entities")
    kb = open_kb(url)
    kb.store_document(
        doc("x"), [ev("recognition", "2008-08-26", "x", actor="Russian Federation", target="Abkhazia")]
    )
    assert kb.resolve("Q159").name == "Russia"
    (state,) = kb.recognitions("Abkhazia", "2009")
    assert state.actor == "Russia"
    kb.close()


# ----------------------------------------------------------------- batches


def test_batch_goes_on_past_bad_files(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.txt").write_text("= One =\n\nArland recognised Borvia on 2001-05-03.\n", encoding="utf-8")
    (folder / "two.txt").write_bytes(b"\x00\xff\x00 not text")
    (folder / "three.txt").write_text(
        "= Three =\n\nBorvia recognised Arland on 2001-05-04.\n", encoding="utf-8"
    )
    steps: list[tuple[int, int, str]] = []
    report = kb.ingest_documents(
        [folder, tmp_path / "missing.txt"], extractor=fixture_extractor, progress=lambda *a: steps.append(a)
    )
    assert sorted(report.added) == ["one", "three"] and report.events == 2
    assert sorted(Path(s).name for s, _ in report.failed) == ["missing.txt", "two.txt"]
    assert not report.ok and [s[:2] for s in steps] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    again = kb.ingest_documents([folder], extractor=fixture_extractor)
    assert sorted(again.unchanged) == ["one", "three"] and again.added == []


def test_batch_rejects_two_files_with_one_id(kb: KnowledgeBase, tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(f"= {sub} =\n\nArland recognised Borvia on 2001.\n")
    report = kb.ingest_documents([tmp_path / "x", tmp_path / "y"], extractor=fixture_extractor)
    assert report.added == ["same"] and len(report.failed) == 1 and "also the id" in report.failed[0][1]


def test_failing_extractor_is_reported(kb: KnowledgeBase) -> None:
    def broken(document: Any) -> list[Any]:
        raise ValueError("boom")

    report = kb.ingest_documents([doc("a")], extractor=broken)
    assert report.failed == [("a.txt", "extraction failed: ValueError: boom")]
    assert kb.counts()["documents"] == 0
