"""`dyad export ...` and `dyad import` as a user runs them: files, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dyad.cli import main
from dyad.export.testing import synthetic_kb

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("panel", "events", "graph", "rdf", "quickstatements")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "kb.db"
    synthetic_kb(f"sqlite:///{path}", docs=4, per_doc=30, seed=2).close()
    return str(path)


def dyad(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_subprocess_export_and_one_line_error(db: str, tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "dyad.cli", "export", "panel", "--db", db, "-o", str(tmp_path / "p.csv")]
    ok = subprocess.run(
        [*cmd, "--from", "2000", "--to", "2005"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "p.csv").exists() and (tmp_path / "p.codebook.md").exists()
    assert (tmp_path / "p.meta.json").exists()
    bad = subprocess.run([*cmd, "--codes", "fips"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "error: unknown code system 'fips' (hint: use one of cow, gw, iso, wikidata (e.g. --codes cow))"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("panel", "--from", "2010", "--to", "2000"), "empty range"),
        (("panel", "--from", "1700"), "outside the data"),
        (("panel", "--format", "xlsx"), "unknown panel format"),
        (("graph", "--on", "someday"), "someday"),
        (("rdf", "--format", "n3"), "unknown RDF format"),
    ],
)
def test_bad_options_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / {"panel": "out.csv", "graph": "out.gexf", "rdf": "out.ttl"}[args[0]]
    code, _, err = dyad(capsys, "export", *args, "--db", db, "-o", str(out))
    assert code == 1 and message in err and "hint:" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_every_export_writes_its_file(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    names = {
        "panel": "p.parquet",
        "events": "e.csv",
        "graph": "g.graphml",
        "rdf": "r.jsonld",
        "quickstatements": "q.qs",
    }
    for kind in KINDS:
        out = tmp_path / names[kind]
        code, stdout, err = dyad(capsys, "export", kind, "--db", db, "-o", str(out), "--json")
        assert code == 0, err
        assert out.exists() and json.loads(stdout)
    claims = tmp_path / "claims.json"
    claims.write_text('{"entities": []}')
    code, _, err = dyad(
        capsys,
        "export",
        "quickstatements",
        "--db",
        db,
        "--against",
        str(claims),
        "-o",
        str(tmp_path / "x.qs"),
    )
    assert code == 1 and "not a Wikidata entities file" in err and not (tmp_path / "x.qs").exists()


def test_import_round_trip(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    copy = tmp_path / "copy.db"
    assert dyad(capsys, "export", "events", "--db", db, "-o", str(first))[0] == 0
    code, out, err = dyad(capsys, "import", str(first), "--db", str(copy))
    assert code == 0 and "imported 4 documents" in out, err
    assert dyad(capsys, "export", "events", "--db", str(copy), "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "x", "type": "recognition", "date": "soon"}\n')
    code, _, err = dyad(capsys, "import", str(bad), "--db", str(copy))
    assert code == 1 and "bad.jsonl, line 1" in err and len(err.strip().splitlines()) == 1


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("export",), *(("export", kind) for kind in KINDS), ("import",)):
        code, out, _ = dyad(capsys, *args, "--help")
        assert code == 0 and "Example" in out, args
