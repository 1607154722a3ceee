"""The knowledge-base commands, through Typer's runner (JSON output) and a real subprocess
(error lines and exit codes), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dyad.cli.app import EXIT_PARTIAL, app
from dyad.kb.testing import engine_url

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
EXTRACTOR = ["--extractor", "dyad.kb.testing:fixture_extractor"]
KB_COMMANDS = (
    "ingest",
    "forget",
    "timeline",
    "status",
    "recognitions",
    "envoys",
    "treaties",
    "conflicts",
    "entities",
    "search",
    "fact",
)

runner = CliRunner()


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = engine_url(request.param, tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "russia-abkhazia.txt").write_text(
        "= Russia and Abkhazia =\n\n"
        "Russia recognised Abkhazia on 2008-08-26.\n\n"
        "Abkhazia and Russia established diplomatic relations on 2008-09-09.\n\n"
        "Russia named Semyon Orlov its envoy to Abkhazia on 2008-10-01.\n\n"
        "Russia opened an embassy in Abkhazia on 2009.\n",
        encoding="utf-8",
    )
    (corpus / "nauru.txt").write_text(
        "= Nauru =\n\nNauru recognised Abkhazia on 2009-12-15.\n", encoding="utf-8"
    )
    (corpus / "nauru-again.txt").write_text(
        "= Nauru again =\n\nNauru recognised Abkhazia on 2009-12-14.\n\n"
        "Russia recognised Abkhazia on 2008-08-26.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(corpus), "--db", url, "--json", *EXTRACTOR])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sorted(report["added"]) == ["nauru", "nauru-again", "russia-abkhazia"] and report["events"] == 7
    return url


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_again_is_unchanged(db: str, tmp_path: Path) -> None:
    report = run_json("ingest", str(tmp_path / "corpus"), "--db", db, *EXTRACTOR)
    assert len(report["unchanged"]) == 3 and report["added"] == [] and report["events"] == 0


def test_queries_as_json(db: str) -> None:
    status = run_json("status", "Russian Federation", "Abkhazia", "--on", "2009-06-01", "--db", db)
    assert status["relations"]["status"] == "established"
    assert status["recognition"][0]["status"] == "recognised"
    assert status["missions"][0]["status"] == "open"
    assert status["envoys"]["Russia→Abkhazia"][0]["person"] == "Semyon Orlov"

    recognitions = run_json("recognitions", "Abkhazia", "--on", "2009-12-14", "--db", db)
    assert [r["actor"] for r in recognitions] == ["Russia", "Nauru"]
    assert run_json("recognitions", "Abkhazia", "--on", "2009-12-13", "--db", db)[-1]["actor"] == "Russia"

    timeline = run_json("timeline", "Russia", "Abkhazia", "--db", db)
    assert [e["type"] for e in timeline] == [
        "recognition",
        "relations_established",
        "ambassador_appointed",
        "mission_opened",
    ]
    assert timeline[0]["sources"] == ["nauru-again", "russia-abkhazia"]

    (conflict,) = run_json("conflicts", "--db", db)
    assert conflict["chosen"] == "2009-12-14"
    assert {c["date"]: c["docs"] for c in conflict["candidates"]} == {
        "2009-12-14": ["nauru-again"],
        "2009-12-15": ["nauru"],
    }
    envoys = run_json("envoys", "RUS", "Abkhazia", "--db", db)
    assert envoys[0]["in_office"] is True
    assert run_json("treaties", "Russia", "Abkhazia", "--pending", "--db", db) == []
    entities = {e["name"]: e for e in run_json("entities", "--db", db)}
    assert entities["Russia"]["wikidata"] == "Q159" and entities["Russia"]["facts"] >= 4
    (hit,) = run_json("search", "embassy", "--db", db)
    fact = run_json("fact", str(hit["fact"]["id"]), "--db", db)
    assert fact["evidence"][0]["text"] == "Russia opened an embassy in Abkhazia on 2009."


def test_forget(db: str) -> None:
    assert run_json("forget", "nauru", "--db", db) == {"doc": "nauru", "events": 1}
    assert run_json("conflicts", "--db", db) == []


def test_tables_render(db: str) -> None:
    for args in (
        ["status", "Russia", "Abkhazia"],
        ["timeline", "Abkhazia"],
        ["recognitions", "Abkhazia", "--withdrawn"],
        ["envoys", "Russia"],
        ["treaties", "Russia"],
        ["conflicts"],
        ["entities"],
        ["search", "recognised"],
    ):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, (args, result.output)
        assert "━" in result.stdout  # a rich table


def test_every_command_has_help_with_an_example() -> None:
    for name in KB_COMMANDS:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.stdout and f"dyad {name}" in result.stdout, name


def _dyad(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    code = "from dyad.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_unknown_name_is_one_line_with_suggestions(db: str) -> None:
    done = _dyad("status", "Abkhasia", "Russia", "--db", db)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "unknown state or organisation: 'Abkhasia'" in lines[0] and "Abkhazia" in lines[0]
    )
    bad_date = _dyad("status", "Abkhazia", "Russia", "--on", "someday", "--db", db)
    assert bad_date.returncode == 1 and len(bad_date.stderr.strip().splitlines()) == 1


def test_partial_batch_exits_with_code_3(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "good.txt").write_text("= Good =\n\nGeorgia broke off relations with Russia on 2008-08-29.\n")
    (folder / "bad.txt").write_bytes(b"\x00\x00\xff binary")
    done = _dyad("ingest", str(folder), "--db", db, *EXTRACTOR)
    assert done.returncode == EXIT_PARTIAL
    assert "bad.txt" in done.stderr and "1 file(s) failed" in done.stderr
    status = _dyad("status", "Georgia", "Russia", "--db", db, "--json")
    assert json.loads(status.stdout)["relations"]["status"] == "severed"


def test_query_without_a_database(tmp_path: Path) -> None:
    done = _dyad("entities", cwd=tmp_path)
    assert done.returncode == 1 and "no knowledge base at 'dyad.db'" in done.stderr
    assert not (tmp_path / "dyad.db").exists()
