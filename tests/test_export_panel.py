"""The dyad-year panel: every value agrees with `status`, codes, codebook, files, bad input."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.errors import DyadError, InputError, UnknownEntityError
from dyad.export import VARIABLES, build_panel, column_names, write_panel
from dyad.export.codebook import codebook_markdown
from dyad.export.codes import StateCodes, assign_codes
from dyad.export.testing import synthetic_kb
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import SAMPLE_ENTITIES, FakeEntity, FakeGazetteer, doc, ev

START, END = 1990, 2020


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    path = tmp_path_factory.mktemp("panel") / "kb.db"
    return synthetic_kb(f"sqlite:///{path}", docs=12, per_doc=60, start=START, end=END, focus=5, seed=3)


@pytest.fixture(scope="module")
def directed(kb: KnowledgeBase) -> pd.DataFrame:
    return build_panel(kb, start=START, end=END).frame


@pytest.fixture(scope="module")
def nondirected(kb: KnowledgeBase) -> pd.DataFrame:
    return build_panel(kb, start=START, end=END, directed=False).frame


# ----------------------------------------------------------------- the oracle: kb.status, rule by rule


def _na(value: Any) -> Any:
    return None if value is pd.NA or (isinstance(value, float) and value != value) else value


def expected(kb: KnowledgeBase, a: str, b: str, year: int) -> dict[str, Any]:
    """What the codebook says each variable is, computed from `status` and `timeline` alone."""
    covered = bool(kb.timeline(a, b))
    out: dict[str, Any] = {"name1": a, "name2": b, "covered": int(covered)}
    if not covered:
        return out | {v.name: None for v in VARIABLES if v.name not in out}
    view = kb.status(a, b, on=f"{year}-12-31")
    rec = view.recognition[0]
    out["recog"] = {"recognised": 1, "re-recognised": 1, "withdrawn": 0}.get(rec.status)
    out["recog_status"] = rec.status
    firsts = [int(s.date[:4]) for s in rec.history if s.type == "recognition" and s.date]
    out["recog_first_year"] = min(firsts) if firsts else None
    out["recog_years"] = year - int(rec.since[:4]) if out["recog"] == 1 and rec.since else None
    rel = view.relations
    out["relations"] = {"established": 1, "restored": 1, "severed": 0}.get(rel.status)
    out["relations_status"] = rel.status
    tenures = view.envoys[f"{a}→{b}"]
    missions = [m for m in view.missions if m.owner == a and m.host == b]
    if rel.status == "severed":
        rep = 0
    elif any(t.in_office for t in tenures):
        rep = 3
    elif any(m.status == "open" for m in missions):
        rep = 9
    elif tenures or any(m.status == "closed" for m in missions):
        rep = 0
    else:
        rep = None
    out["rep_level"] = rep
    embassies = [m for m in missions if m.kind in ("embassy", "chancery")]
    out["embassy"] = (1 if any(m.status == "open" for m in embassies) else 0) if embassies else None
    out["treaties_signed"] = len(view.treaties)
    out["treaties_in_force"] = sum(t.in_force for t in view.treaties)
    out["treaties_signed_year"] = sum(1 for t in view.treaties if t.signed and t.signed.startswith(str(year)))
    out["condemnations"] = sum(
        1
        for f in kb.timeline(a, b)
        if f.type == "condemnation"
        and f.roles.get("actor") == a
        and f.roles.get("target") == b
        and f.date
        and f.date.startswith(str(year))
    )
    return out


def _row(frame: pd.DataFrame, a: str, b: str, year: int) -> dict[str, Any]:
    found = frame[(frame.name1 == a) & (frame.name2 == b) & (frame.year == year)]
    assert len(found) == 1, (a, b, year)
    return {k: _na(v) for k, v in found.iloc[0].to_dict().items()}


STATES = sorted(e.name for e in SAMPLE_ENTITIES if e.kind == "state")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_value_agrees_with_status(
    kb: KnowledgeBase, directed: pd.DataFrame, data: st.DataObject
) -> None:
    # Most draws among the states the synthetic events focus on, so that pairs have histories.
    focus = [e.name for e in SAMPLE_ENTITIES[:5]]
    pool = data.draw(st.sampled_from([focus, STATES]))
    a, b = data.draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2, unique=True))
    year = data.draw(st.integers(START, END))
    row = _row(directed, a, b, year)
    want = expected(kb, a, b, year)
    assert {k: row[k] for k in want} == want


def test_the_fixture_exercises_every_value(directed: pd.DataFrame) -> None:
    # The property above only means something if the fixture produces every kind of value.
    assert set(directed.recog.dropna()) == {0, 1}
    assert set(directed.rep_level.dropna()) == {0, 3, 9}
    assert set(directed.embassy.dropna()) == {0, 1}
    assert set(directed.relations.dropna()) == {0, 1}
    assert directed.treaties_in_force.max() >= 1 and directed.condemnations.max() >= 1
    assert set(directed.recog_status.dropna()) >= {"none", "recognised", "withdrawn"}
    assert set(directed.covered) == {0, 1}


def test_nondirected_rows_hold_both_directions(directed: pd.DataFrame, nondirected: pd.DataFrame) -> None:
    assert len(nondirected) * 2 == len(directed)
    assert (nondirected.ccode1 < nondirected.ccode2).all()
    sample = nondirected.sample(200, random_state=1)
    for _, row in sample.iterrows():
        ab = _row(directed, row.name1, row.name2, row.year)
        ba = _row(directed, row.name2, row.name1, row.year)
        for v in VARIABLES:
            if v.directed:
                assert _na(row[f"{v.name}_12"]) == ab[v.name] and _na(row[f"{v.name}_21"]) == ba[v.name]
            elif v.name not in ("name1", "name2"):
                assert _na(row[v.name]) == ab[v.name] == ba[v.name]


def test_columns_are_the_codebook_and_sorted_by_identifiers(
    directed: pd.DataFrame, nondirected: pd.DataFrame
) -> None:
    assert list(directed.columns) == column_names("cow", True)
    assert list(nondirected.columns) == column_names("cow", False)
    assert list(directed.columns[:3]) == ["ccode1", "ccode2", "year"]
    keys = list(zip(directed.ccode1, directed.ccode2, directed.year, strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    n = len(STATES)
    assert len(directed) == n * (n - 1) * (END - START + 1)
    for v in VARIABLES:
        assert str(directed[v.name].dtype) == v.dtype


def test_uncovered_pairs_are_missing_not_zero(directed: pd.DataFrame) -> None:
    blank = directed[directed.covered == 0]
    assert len(blank) > 0
    for v in VARIABLES:
        if v.name not in ("name1", "name2", "covered"):
            assert blank[v.name].isna().all(), v.name


def test_limited_recognition_states_keep_rows_with_project_codes(
    kb: KnowledgeBase, directed: pd.DataFrame
) -> None:
    panel = build_panel(kb, start=START, end=END)
    for name in ("Abkhazia", "South Ossetia"):
        assert name in set(directed.name1) and name in set(directed.name2)
        assignment = panel.assignments[name]
        assert assignment.origin == "project" and isinstance(assignment.code, int)
    text = codebook_markdown(
        codes="cow", directed=True, assignments=panel.assignments.values(), info={"rows": 1}
    )
    assert "| Abkhazia | 2009 | project |" in text and "| South Ossetia | 2010 | project |" in text


@pytest.mark.parametrize(
    ("codes", "columns", "dtype"),
    [
        ("gw", ("gwcode1", "gwcode2"), "Int64"),
        ("iso", ("iso1", "iso2"), "string"),
        ("wikidata", ("qid1", "qid2"), "string"),
    ],
)
def test_code_systems(kb: KnowledgeBase, codes: str, columns: tuple[str, str], dtype: str) -> None:
    frame = build_panel(kb, start=2000, end=2001, codes=codes).frame
    assert tuple(frame.columns[:2]) == columns and str(frame[columns[0]].dtype) == dtype
    assert frame[list(columns)].notna().all().all()
    per_state = frame.groupby("name1")[columns[0]].nunique()
    assert (per_state == 1).all() and frame.groupby(columns[0])["name1"].nunique().max() == 1
    if codes == "iso":
        assert set(frame[frame.name1 == "Abkhazia"].iso1) == {"XAB"}


def test_code_assignment_rules() -> None:
    states = [
        StateCodes("Russia", cow=365, gw=365, iso3="RUS", wikidata="Q159"),
        StateCodes("Soviet Union", cow=365, gw=365, status="historical", start=1922, end=1991),
        StateCodes("Abkhazia", gw=396, wikidata="Q23334"),
        StateCodes("Transnistria", wikidata="Q907112"),
        StateCodes("Fenwick Isles"),
        StateCodes("Gravonia", gw=365),  # its GW number is another state's COW number
    ]
    cow = assign_codes(states, "cow", years=(1980, 2000))
    assert (cow["Russia"].code, cow["Russia"].origin) == (365, "COW")
    assert cow["Soviet Union"].origin == "derived"  # 365 is Russia's in the same years
    assert (cow["Abkhazia"].code, cow["Abkhazia"].origin) == (396, "GW")
    assert (cow["Transnistria"].code, cow["Transnistria"].origin) == (2001, "project")
    assert cow["Fenwick Isles"].origin == "derived" and int(cow["Fenwick Isles"].code) >= 3000
    assert cow["Gravonia"].origin == "derived" and "another state's COW number" in cow["Gravonia"].note
    later = assign_codes(states, "cow", years=(1995, 2000))
    assert later["Soviet Union"].code == 365  # no overlap: the COW convention of continuing states
    assert assign_codes(states, "cow", years=(1980, 2000)) == cow  # deterministic
    iso = assign_codes(states, "iso")
    assert iso["Soviet Union"].code == "SUN" and iso["Transnistria"].code == "XTR"
    assert str(iso["Fenwick Isles"].code).startswith("X")
    assert assign_codes(states, "wikidata")["Fenwick Isles"].code == "dyad:fenwick-isles"


# ----------------------------------------------------------------- hand-made histories


@pytest.fixture()
def small(tmp_path: Path) -> KnowledgeBase:
    kb = open_kb(f"sqlite:///{tmp_path / 'small.db'}", gazetteer=FakeGazetteer())
    events = [
        ev("recognition", "2000-05-01", "a", actor="Russia", target="Abkhazia"),
        ev("recognition_withdrawn", "2003", "a", actor="Russia", target="Abkhazia"),
        ev("recognition", "2005-02", "a", actor="Russia", target="Abkhazia"),
        ev(
            "ambassador_appointed",
            "2001-01-10",
            "a",
            person="Ivan Petrov",
            sender="Russia",
            receiver="Abkhazia",
        ),
        ev(
            "ambassador_dismissed",
            "2002-06-01",
            "a",
            person="Ivan Petrov",
            sender="Russia",
            receiver="Abkhazia",
        ),
        ev("mission_opened", "2004", "a", owner="Russia", host="Abkhazia", kind="consulate"),
        ev("mission_planned", "2001", "a", owner="Abkhazia", host="Russia", kind="embassy"),
        ev("relations_established", "2000-06-01", "a", parties=["Russia", "Abkhazia"]),
        ev("relations_severed", "2006-01-01", "a", actor="Abkhazia", target="Russia"),
        ev("condemnation", "2006-03-01", "a", actor="Abkhazia", target="Russia"),
        ev("condemnation", "2006-09-15", "a", actor="Abkhazia", target="Russia"),  # same doc: a second event
        ev("treaty_signed", "2001-01-01", "a", parties=["Russia", "Abkhazia"], title="Treaty of Friendship"),
        ev("treaty_ratified", "2001-03-01", "a", actor="Russia", title="Treaty of Friendship"),
        ev("treaty_ratified", "2002-03-01", "a", actor="Abkhazia", title="Treaty of Friendship"),
        ev("recognition", "2000", "b", actor="Nauru", target="Tuvalu"),
        ev("recognition", None, "b", actor="Tuvalu", target="Nauru"),
    ]
    kb.store_document(doc("a"), [e for e in events if e.doc == "a"])
    kb.store_document(doc("b"), [e for e in events if e.doc == "b"])
    return kb


def test_hand_made_history(small: KnowledgeBase) -> None:
    frame = build_panel(small, start=2000, end=2007).frame

    def series(a: str, b: str, column: str) -> list[Any]:
        rows = frame[(frame.name1 == a) & (frame.name2 == b)].sort_values("year")
        return [_na(v) for v in rows[column]]

    assert series("Russia", "Abkhazia", "recog") == [1, 1, 1, 0, 0, 1, 1, 1]
    assert series("Russia", "Abkhazia", "recog_first_year") == [2000] * 8
    assert series("Russia", "Abkhazia", "recog_years") == [0, 1, 2, None, None, 0, 1, 2]
    assert series("Russia", "Abkhazia", "rep_level") == [None, 3, 0, 0, 9, 9, 0, 0]
    assert series("Abkhazia", "Russia", "embassy") == [None, 0, 0, 0, 0, 0, 0, 0]
    assert series("Abkhazia", "Russia", "recog") == [None] * 8
    assert series("Russia", "Abkhazia", "relations") == [1, 1, 1, 1, 1, 1, 0, 0]
    assert series("Russia", "Abkhazia", "treaties_signed") == [0, 1, 1, 1, 1, 1, 1, 1]
    assert series("Russia", "Abkhazia", "treaties_signed_year") == [0, 1, 0, 0, 0, 0, 0, 0]
    assert series("Russia", "Abkhazia", "treaties_in_force") == [0, 0, 1, 1, 1, 1, 1, 1]
    assert series("Abkhazia", "Russia", "condemnations") == [0, 0, 0, 0, 0, 0, 2, 0]
    assert series("Russia", "Abkhazia", "condemnations") == [0] * 8
    assert series("Tuvalu", "Nauru", "recog") == [None] * 8  # undated: never counted in a year
    assert series("Tuvalu", "Nauru", "covered") == [1] * 8
    assert series("Russia", "Nauru", "covered") == [0] * 8


def test_states_option(small: KnowledgeBase) -> None:
    frame = build_panel(
        small, start=2000, end=2001, states=["Russian Federation", "Abkhazia", "Georgia"]
    ).frame
    assert set(frame.name1) == {"Russia", "Abkhazia", "Georgia"}  # Georgia: known, no events: all missing
    assert frame[frame.name1 == "Georgia"].covered.eq(0).all()
    with pytest.raises(UnknownEntityError):
        build_panel(small, start=2000, end=2001, states=["Russia", "Atlantis"])
    with pytest.raises(InputError, match="organisation"):
        build_panel(small, start=2000, end=2001, states=["Russia", "European Union"])
    with pytest.raises(InputError, match="at least two states"):
        build_panel(small, start=2000, end=2001, states=["Russia"])


def test_former_states_have_rows_only_for_their_years(tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class DatedEntity(FakeEntity):  # dyad.entities.Entity has the years a state existed
        start: int | None = None
        end: int | None = None

    soviet = DatedEntity("Soviet Union", cow=365, gw=365, status="historical", start=1922, end=1991)
    gaz = FakeGazetteer((*SAMPLE_ENTITIES, soviet))
    kb = open_kb(f"sqlite:///{tmp_path / 'su.db'}", gazetteer=gaz)
    events = [
        ev("recognition", "1990", "x", actor="Soviet Union", target="Georgia"),
        ev("recognition", "1992", "x", actor="Russia", target="Georgia"),
    ]
    kb.store_document(doc("x"), events)
    frame = build_panel(kb, start=1990, end=1993).frame
    assert sorted(set(frame[frame.name1 == "Soviet Union"].year)) == [1990, 1991]
    assert set(frame[frame.name1 == "Russia"].ccode1) == {365}


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"codes": "fips"}, "unknown code system"),
        ({"start": 2010, "end": 2000}, "empty range"),
        ({"start": 1800}, "outside the data"),
        ({"end": 3000}, "outside the data"),
        ({"start": "nineteen"}, "must be a year"),
    ],
)
def test_bad_input_is_one_line_with_hint(small: KnowledgeBase, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        build_panel(small, **kwargs)
    assert info.value.hint and "\n" not in info.value.one_line()


def test_empty_knowledge_base(tmp_path: Path) -> None:
    kb = open_kb(f"sqlite:///{tmp_path / 'empty.db'}", gazetteer=FakeGazetteer())
    with pytest.raises(InputError, match="no dated events"):
        build_panel(kb)


# ----------------------------------------------------------------- files


def test_write_csv_with_codebook_and_metadata(small: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    result = write_panel(small, out, start=2000, end=2007)
    frame = build_panel(small, start=2000, end=2007).frame
    back = pd.read_csv(out, dtype={c: str(t) for c, t in frame.dtypes.items()})
    pd.testing.assert_frame_equal(back, frame)
    meta = json.loads((tmp_path / "panel.meta.json").read_text())
    assert meta["from"] == 2000 and meta["to"] == 2007 and meta["rows"] == len(frame) == result.rows
    assert re.fullmatch(r"[0-9a-f]{64}", meta["kb_content_hash"])
    assert meta["dyad_version"] and meta["command"].startswith("dyad export panel --from 2000 --to 2007")
    codebook = (tmp_path / "panel.codebook.md").read_text()
    assert meta["kb_content_hash"] in codebook
    for v in VARIABLES:
        assert f"`{v.name}`" in codebook
    assert "| Abkhazia | 2009 | project |" in codebook


def test_parquet_reads_back_equal(small: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "panel.parquet"
    write_panel(small, out, start=2000, end=2007, codes="iso", directed=False)
    expected_frame = build_panel(small, start=2000, end=2007, codes="iso", directed=False).frame
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected_frame)


def test_failed_export_leaves_nothing_behind(
    small: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dyad.export.panel as panel_module

    out = tmp_path / "panel.csv"
    out.write_text("the old panel\n")

    def broken(frame: pd.DataFrame, path: Any, fmt: str) -> None:
        Path(path).write_text("half a pan")
        raise OSError("disk full")

    monkeypatch.setattr(panel_module, "write_frame", broken)
    with pytest.raises(OSError):
        write_panel(small, out, start=2000, end=2001)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("small.db")) == ["panel.csv"]
    assert out.read_text() == "the old panel\n"
    # a bad option fails before anything is written
    with pytest.raises(DyadError):
        write_panel(small, tmp_path / "other.csv", codes="nope")
    assert not (tmp_path / "other.csv").exists() and not list(tmp_path.glob(".*part"))


def test_output_folder_must_exist(small: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_panel(small, tmp_path / "missing" / "panel.csv")
    with pytest.raises(InputError, match="cannot tell the format"):
        write_panel(small, tmp_path / "panel.xlsx")


def test_docs_are_generated_from_the_codebook_definitions() -> None:
    # docs/exports.md holds cog blocks; `cog -r -I src docs/exports.md` regenerates them.
    from dyad.export.codebook import AS_OF_RULE, MISSING_RULE, codes_markdown, variables_markdown

    text = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text(encoding="utf-8")
    for part in (
        AS_OF_RULE,
        MISSING_RULE,
        variables_markdown(directed=True, heading="####"),
        codes_markdown(),
    ):
        assert part in text, "docs/exports.md is stale: run .venv/bin/cog -r -I src docs/exports.md"
