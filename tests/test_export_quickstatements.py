"""QuickStatements: P530 with dated qualifiers at their precision, references, and --against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dyad.errors import InputError
from dyad.export import quickstatements, write_quickstatements
from dyad.export.quickstatements import compare, wikidata_time
from dyad.kb import KnowledgeBase, open_kb
from dyad.kb.testing import FakeGazetteer, ev
from dyad.model import Document


@pytest.fixture()
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = open_kb(f"sqlite:///{tmp_path / 'kb.db'}", gazetteer=FakeGazetteer())
    kb.store_document(
        Document("Abkhazia–Russia relations", "corpus/abkhazia-russia.wiki", "wikitext", "x", doc_id="ab-ru"),
        [
            ev("relations_established", "2008-09-09", "ab-ru", parties=["Russia", "Abkhazia"]),
            ev("relations_established", "2009-12", "ab-ru", start=50, parties=["Nauru", "Abkhazia"]),
            ev("relations_established", None, "ab-ru", start=90, parties=["Tuvalu", "Vanuatu"]),
            ev("relations_established", "2001", "ab-ru", start=95, parties=["Fenwick Isles", "Russia"]),
        ],
    )
    kb.store_document(
        Document("Georgia–Russia", "https://example.org/georgia-russia", "text", "y", doc_id="ge-ru"),
        [
            ev("relations_established", "1992", "ge-ru", parties=["Russia", "Georgia"]),
            ev("relations_severed", "2008-08-29", "ge-ru", start=30, actor="Georgia", target="Russia"),
            ev("relations_established", "1993-05-04", "ge-ru", start=60, parties=["Georgia", "Syria"]),
            ev("relations_severed", "2000-01-01", "ge-ru", start=90, actor="Syria", target="Georgia"),
            ev("relations_established", "2005", "ge-ru", start=120, parties=["Georgia", "Syria"]),
        ],
    )
    return kb


def test_time_values_keep_their_precision() -> None:
    assert wikidata_time("2008-09-09") == "+2008-09-09T00:00:00Z/11"
    assert wikidata_time("2009-12") == "+2009-12-00T00:00:00Z/10"
    assert wikidata_time("1992") == "+1992-00-00T00:00:00Z/9"
    assert compare("2008-09-09", ("+2008-09-00T00:00:00Z", 10)) == "more precise here"
    assert compare("1992", ("+1992-07-01T00:00:00Z", 11)) == "agree"
    assert compare("1993", ("+1992-07-01T00:00:00Z", 11)) == "differs"
    assert compare("1995", ("+1990-00-00T00:00:00Z", 8)) == "more precise here"  # in the 1990s
    assert compare("2001", ("+1990-00-00T00:00:00Z", 8)) == "differs"


def test_statements(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "p530.qs"
    result, report = write_quickstatements(kb, out)
    assert report is None
    lines = out.read_text(encoding="utf-8").splitlines()
    url = '"https://en.wikipedia.org/wiki/Abkhazia%E2%80%93Russia_relations"'
    assert f"Q159\tP530\tQ23334\tP580\t+2008-09-09T00:00:00Z/11\tS854\t{url}" in lines
    assert f"Q23334\tP530\tQ159\tP580\t+2008-09-09T00:00:00Z/11\tS854\t{url}" in lines
    assert f"Q697\tP530\tQ23334\tP580\t+2009-12-00T00:00:00Z/10\tS854\t{url}" in lines
    assert (
        "Q159\tP530\tQ230\tP580\t+1992-00-00T00:00:00Z/9\tP582\t+2008-08-29T00:00:00Z/11"
        '\tS854\t"https://example.org/georgia-russia"'
    ) in lines
    assert f"Q672\tP530\tQ686\tS854\t{url}" in lines  # undated: no qualifier
    assert any(line.startswith("Q230\tP530\tQ858\tP580\t+2005-00-00T00:00:00Z/9") for line in lines)
    assert not any("1993-05-04" in line for line in lines)  # an earlier period: listed, not written
    assert any("earlier period 1993-05-04 to 2000-01-01" in s for s in result.skipped)
    assert any("Fenwick Isles" in s and "no Wikidata id" in s for s in result.skipped)
    assert len(lines) == len(result.statements) == 10  # five pairs, both ways


def _claim(
    target: str, start: tuple[str, int] | None = None, end: tuple[str, int] | None = None
) -> dict[str, Any]:
    qualifiers = {}
    for prop, value in (("P580", start), ("P582", end)):
        if value:
            time = {"time": value[0], "precision": value[1], "timezone": 0}
            qualifiers[prop] = [
                {"snaktype": "value", "property": prop, "datavalue": {"type": "time", "value": time}}
            ]
    return {
        "mainsnak": {
            "snaktype": "value",
            "property": "P530",
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": target}},
        },
        "type": "statement",
        "rank": "normal",
        "qualifiers": qualifiers,
    }


def test_against_existing_claims(kb: KnowledgeBase, tmp_path: Path) -> None:
    claims = {
        "entities": {
            "Q159": {"id": "Q159", "claims": {"P530": [
                _claim("Q23334", ("+2008-09-09T00:00:00Z", 11)),
                _claim("Q230", ("+1992-07-01T00:00:00Z", 11)),
            ]}},
            "Q23334": {"id": "Q23334", "claims": {"P530": [_claim("Q159", ("+2008-09-00T00:00:00Z", 10))]}},
            "Q230": {"id": "Q230", "claims": {"P530": [_claim("Q159", ("+1993-00-00T00:00:00Z", 9))]}},
            "Q99999999": {"id": "Q99999999", "missing": ""},
        }
    }  # fmt: skip
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims))
    out = tmp_path / "p530.qs"
    result, report = write_quickstatements(kb, out, against=path)
    lines = out.read_text().splitlines()
    assert not any(line.startswith("Q159\tP530\tQ23334") for line in lines)  # already there
    assert not any(line.startswith("Q23334\tP530\tQ159") for line in lines)  # there, less precisely: listed
    assert "Q159\tP530\tQ230\tP582\t+2008-08-29T00:00:00Z/11\tS854\t" in "\n".join(lines)  # the missing end
    assert not any("Q159\tP530\tQ230\tP580" in line for line in lines)
    assert not any(line.startswith("Q230\tP530\tQ159") for line in lines)  # disagrees: listed, not written
    assert any(line.startswith("Q697\tP530\tQ23334") for line in lines)  # Nauru is not in the file
    assert any(line.startswith("Q23334\tP530\tQ697") for line in lines)  # Abkhazia has no such claim
    kinds = {(d.subject, d.object, d.property, d.kind) for d in result.disagreements}
    assert kinds == {("Q23334", "Q159", "P580", "more precise here"), ("Q230", "Q159", "P580", "differs")}
    assert result.present == 2
    assert report is not None and len(report.read_text().splitlines()) == 3
    assert quickstatements(kb, against=path).to_dict()["statements"] == len(lines)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"items": {}}),
        json.dumps({"entities": {"Q1": {"claims": {"P530": [{"rank": "normal"}]}}}}),
        json.dumps({"entities": {"Q1": {"claims": {"P530": [_claim("Q2")]}}}}).replace(
            '"id": "Q2"', '"id": 5'
        ),
        json.dumps({"entities": {"Q1": {"claims": {"P530": [_claim("Q2", ("yesterday", 11))]}}}}),
    ],
)
def test_malformed_claims_file(kb: KnowledgeBase, tmp_path: Path, content: str) -> None:
    path = tmp_path / "claims.json"
    path.write_text(content)
    out = tmp_path / "p530.qs"
    with pytest.raises(InputError, match="not a Wikidata entities file") as info:
        write_quickstatements(kb, out, against=path)
    assert "wbgetentities" in info.value.hint and "\n" not in info.value.one_line()
    assert not out.exists()
