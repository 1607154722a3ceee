"""The command line as a user runs it: a real subprocess, real files, exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DYAD = [sys.executable, "-m", "dyad.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [*DYAD, *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=300
    )


ARTICLE = "= Abkhazia–Nauru relations =\n\nNauru recognised Abkhazia on 15 December 2009.\n"


def test_help_lists_commands_with_examples() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("read", "extract", "score"):
        assert command in result.stdout
    for command in ("read", "extract", "score"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout, command


def test_read_goes_on_past_bad_files_and_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "a-good.txt").write_text(ARTICLE)
    (tmp_path / "b-empty.txt").write_text("")
    (tmp_path / "c-binary.txt").write_bytes(b"\x00\xff\x00")
    result = run("read", str(tmp_path), "--json")
    assert result.returncode == 3
    assert "Abkhazia–Nauru relations" in result.stdout
    assert "b-empty.txt: file is empty" in result.stderr
    assert "c-binary.txt: file is binary" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_events_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "abkhazia-nauru.txt"
    path.write_text(ARTICLE)
    out = tmp_path / "events.jsonl"
    result = run("extract", str(path), "--format", "events-jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert line["doc"] == "abkhazia-nauru"
    assert (line["type"], line["actor"], line["target"], line["date"]) == (
        "recognition", "Nauru", "Abkhazia", "2009-12-15",
    )  # fmt: skip
    assert line["evidence"] == "Nauru recognised Abkhazia on 15 December 2009."


def test_missing_file_is_one_line_error() -> None:
    result = run("extract", "/no/such/article.txt")
    assert result.returncode == 3
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_extractor_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    result = run("extract", str(path), "--extractors", "nope.v1")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "unknown extractor" in result.stderr and "hint" in result.stderr


@pytest.mark.parametrize("name", ["read", "extract"])
def test_no_arguments_shows_usage(name: str) -> None:
    result = run(name)
    assert result.returncode == 2
    assert "Usage" in result.stderr + result.stdout
